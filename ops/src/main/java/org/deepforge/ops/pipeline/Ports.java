package org.deepforge.ops.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ports of a pipeline node: an operation's interface inputs and outputs, {@code data} for Input and
 * Output nodes, and for a sub-pipeline one input per inner Input node and one output per inner Output
 * node. Port types are Python type expressions; {@code null} means untyped.
 */
public record Ports(Map<String, String> inputs, Map<String, String> outputs) {
    public static Optional<Ports> of(JsonNode model, JsonNode node) {
        Map<String, String> in = new LinkedHashMap<>();
        Map<String, String> out = new LinkedHashMap<>();
        if (node.has("operation")) {
            JsonNode op = model.path("operations").path(node.path("operation").asText());
            if (op.isMissingNode()) {
                return Optional.empty();
            }
            JsonNode iface = op.path("interface");
            iface.path("inputs").forEach(p -> in.put(p.path("name").asText(), text(p.get("type"))));
            iface.path("outputs").forEach(p -> out.put(p.path("name").asText(), text(p.get("type"))));
        } else if (node.has("input")) {
            out.put("data", artifactType(model, node));
        } else if (node.has("output")) {
            in.put("data", null);
        } else if (node.has("pipeline")) {
            JsonNode inner = model.path("pipelines").path(node.path("pipeline").asText());
            if (inner.isMissingNode()) {
                return Optional.empty();
            }
            inner.path("nodes").fields().forEachRemaining(e -> {
                JsonNode n = e.getValue();
                if (n.has("input")) {
                    in.put(subInputName(e.getKey(), n), null);
                } else if (n.has("output")) {
                    out.put(subOutputName(e.getKey(), n), null);
                }
            });
        } else {
            return Optional.empty();
        }
        return Optional.of(new Ports(in, out));
    }

    /** The port a sub-pipeline node shows for an inner Input node: its {@code name}, else its id. */
    public static String subInputName(String id, JsonNode inputNode) {
        String name = inputNode.path("input").path("name").asText("");
        return name.isBlank() ? id : name;
    }

    /** The port a sub-pipeline node shows for an inner Output node: its save name, else its id. */
    public static String subOutputName(String id, JsonNode outputNode) {
        String name = outputNode.path("output").path("saveName").asText("");
        return name.isBlank() ? id : name;
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }

    /** The type an Input node feeds: its artifact's type; none (untyped) for pickled or unknown artifacts. */
    static String artifactType(JsonNode model, JsonNode inputNode) {
        String artifact = inputNode.path("input").path("artifact").asText("");
        String type = text(model.path("artifacts").path(artifact).get("type"));
        return type == null || type.equals("pickle") ? null : type;
    }

    /**
     * Whether a value of type {@code from} may flow into a port of type {@code to}. Untyped ports,
     * {@code Any} and {@code object} take anything; {@code Optional[X]} and {@code X | None} are {@code X};
     * a union fits when one of its members does; generics compare by their container ({@code List[int]}
     * is a {@code list}); {@code bool} fits {@code int} and both fit {@code float}. Two different types
     * are refused only when both are types this check knows ({@link TypeNames#KNOWN}: builtins, arrays,
     * tensors, modules, files, data frames); a class it does not know may be a subclass, so it fits.
     */
    public static boolean compatible(String from, String to) {
        if (from == null || to == null) {
            return true;
        }
        List<String> as = TypeNames.alternatives(from);
        List<String> bs = TypeNames.alternatives(to);
        if (as.isEmpty() || bs.isEmpty()) {
            return true;
        }
        for (String a : as) {
            for (String b : bs) {
                if (TypeNames.fits(a, b)) {
                    return true;
                }
            }
        }
        return false;
    }
}
