package org.deepforge.store.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Says where a JSON pointer of the model view is in the words users gave things: pipeline, operation,
 * architecture, layer and artifact names instead of ids ("Train and score ▸ Train ▸ epochs").
 * Looks names up in {@code primary} first and in {@code fallback} for things only it has (e.g. deleted).
 */
public final class ModelNames {
    /** The separator between the levels of a label. */
    public static final String SEP = " ▸ ";

    private final JsonNode primary;
    private final JsonNode fallback;

    public ModelNames(JsonNode primary, JsonNode fallback) {
        this.primary = primary;
        this.fallback = fallback;
    }

    public ModelNames(JsonNode model) {
        this(model, model);
    }

    /** The pointer's reference tokens, unescaped (RFC 6901). */
    public static List<String> tokens(String pointer) {
        List<String> out = new ArrayList<>();
        if (pointer == null || pointer.isEmpty()) {
            return out;
        }
        for (String t : pointer.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    /** The label of a pointer, e.g. {@code /pipelines/p1/nodes/n2/attributes/epochs} → "Train and score ▸ Train ▸ epochs". */
    public String label(String pointer) {
        List<String> t = tokens(pointer);
        if (t.isEmpty()) {
            return "the project";
        }
        String kind = t.get(0);
        List<String> parts = new ArrayList<>();
        int rest;
        switch (kind) {
            case "project" -> {
                parts.add("project");
                rest = 1;
            }
            case "operations" -> {
                parts.add(t.size() > 1 ? t.get(1) : "operations");
                rest = 2;
            }
            case "utils" -> {
                parts.add(t.size() > 1 ? "utils/" + t.get(1) : "utils");
                rest = 2;
            }
            case "artifacts" -> {
                parts.add(t.size() > 1 ? "artifact " + artifact(t.get(1)) : "artifacts");
                rest = 2;
            }
            case "pipelines" -> {
                if (t.size() < 2) {
                    return "pipelines";
                }
                String pid = t.get(1);
                parts.add(pipeline(pid));
                rest = 2;
                if (t.size() > 3 && t.get(2).equals("nodes")) {
                    parts.add(node(pid, t.get(3)));
                    rest = 4;
                    if (t.size() > 5 && (t.get(4).equals("attributes") || t.get(4).equals("references"))) {
                        rest = 5; // "epochs", not "attributes ▸ epochs"
                    }
                } else if (t.size() > 3 && t.get(2).equals("connections")) {
                    parts.add("connection " + connection(pid, t.get(3)));
                    rest = 4;
                }
            }
            case "architectures" -> {
                if (t.size() < 2) {
                    return "architectures";
                }
                String aid = t.get(1);
                parts.add(architecture(aid));
                rest = 2;
                if (t.size() > 3 && t.get(2).equals("layers")) {
                    parts.add(layer(aid, t.get(3)));
                    rest = 4;
                    if (t.size() > 5 && t.get(4).equals("arguments")) {
                        rest = 5;
                    }
                } else if (t.size() > 3 && t.get(2).equals("connections")) {
                    parts.add("connection " + archConnection(aid, t.get(3)));
                    rest = 4;
                }
            }
            default -> rest = 0;
        }
        for (int i = rest; i < t.size(); i++) {
            parts.add(t.get(i));
        }
        return String.join(SEP, parts);
    }

    /** A pipeline's name (its id when it has none). */
    public String pipeline(String id) {
        return text(find("pipelines", id).path("name"), id);
    }

    public String architecture(String id) {
        return text(find("architectures", id).path("name"), id);
    }

    public String artifact(String id) {
        return text(find("artifacts", id).path("name"), id);
    }

    /**
     * A node as users see it on the canvas: its operation's name (numbered "Train #2" when the pipeline
     * uses the operation more than once), "Input digits", "Output myModel", or the sub-pipeline's name.
     */
    public String node(String pipelineId, String nodeId) {
        JsonNode p = find("pipelines", pipelineId);
        JsonNode n = p.path("nodes").path(nodeId);
        if (n.isMissingNode()) {
            JsonNode other = (p == primary.path("pipelines").path(pipelineId) ? fallback : primary)
                    .path("pipelines").path(pipelineId);
            n = other.path("nodes").path(nodeId);
            p = other;
        }
        if (n.has("operation")) {
            String op = n.path("operation").asText();
            List<String> same = new ArrayList<>();
            p.path("nodes").properties().forEach(e -> {
                if (e.getValue().path("operation").asText().equals(op)) {
                    same.add(e.getKey());
                }
            });
            if (same.size() > 1) {
                same.sort(String::compareTo);
                return op + " #" + (same.indexOf(nodeId) + 1);
            }
            return op;
        }
        if (n.has("input")) {
            String artifact = n.path("input").path("artifact").asText("");
            return artifact.isEmpty() ? "Input" : "Input " + artifact(artifact);
        }
        if (n.has("output")) {
            String save = n.path("output").path("saveName").asText("");
            return save.isEmpty() ? "Output" : "Output " + save;
        }
        if (n.has("pipeline")) {
            return pipeline(n.path("pipeline").asText());
        }
        return nodeId;
    }

    /** "GetData.data → Train.data". */
    public String connection(String pipelineId, String connectionId) {
        JsonNode c = find("pipelines", pipelineId).path("connections").path(connectionId);
        if (c.isMissingNode()) {
            c = fallback.path("pipelines").path(pipelineId).path("connections").path(connectionId);
        }
        if (c.isMissingNode()) {
            return connectionId;
        }
        return node(pipelineId, c.path("from").path("node").asText()) + "." + c.path("from").path("port").asText()
                + " → " + node(pipelineId, c.path("to").path("node").asText()) + "." + c.path("to").path("port").asText();
    }

    /** A layer's name, else its type (numbered "Conv2d #2" when the architecture has several unnamed of that type). */
    public String layer(String architectureId, String layerId) {
        JsonNode a = find("architectures", architectureId);
        JsonNode l = a.path("layers").path(layerId);
        if (l.isMissingNode()) {
            a = fallback.path("architectures").path(architectureId);
            l = a.path("layers").path(layerId);
        }
        String name = l.path("name").asText("");
        if (!name.isEmpty()) {
            return name;
        }
        String type = l.path("type").asText(layerId);
        List<String> same = new ArrayList<>();
        a.path("layers").properties().forEach(e -> {
            if (e.getValue().path("type").asText().equals(type) && e.getValue().path("name").asText("").isEmpty()) {
                same.add(e.getKey());
            }
        });
        if (same.size() > 1) {
            same.sort(String::compareTo);
            return type + " #" + (same.indexOf(layerId) + 1);
        }
        return type;
    }

    public String archConnection(String architectureId, String connectionId) {
        JsonNode c = find("architectures", architectureId).path("connections").path(connectionId);
        if (c.isMissingNode()) {
            c = fallback.path("architectures").path(architectureId).path("connections").path(connectionId);
        }
        if (c.isMissingNode()) {
            return connectionId;
        }
        return layer(architectureId, c.path("from").path("layer").asText()) + " → " + layer(architectureId, c.path("to").path("layer").asText());
    }

    private JsonNode find(String collection, String id) {
        JsonNode n = primary.path(collection).path(id);
        return n.isMissingNode() ? fallback.path(collection).path(id) : n;
    }

    private static String text(JsonNode n, String otherwise) {
        String s = n.isTextual() ? n.asText().strip() : "";
        return s.isEmpty() ? otherwise : s;
    }
}
