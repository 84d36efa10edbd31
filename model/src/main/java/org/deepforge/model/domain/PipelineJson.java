package org.deepforge.model.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deepforge.model.InvalidModelException;
import org.deepforge.model.Json;
import org.deepforge.model.ModelView;

/**
 * Reads pipelines of the model view (JSON, format unchanged) into {@link Pipeline} records: the one
 * place that knows how a node's kind is written. A malformed pipeline is refused with an
 * {@link InvalidModelException} naming the JSON Pointer of the first problem and what to write instead.
 */
public final class PipelineJson {
    /** The keys that give a node its kind; a node has exactly one of them. */
    public static final List<String> KINDS = List.of("operation", "input", "output", "pipeline");

    private PipelineJson() {}

    /** Pipeline {@code id} of {@code model}. */
    public static Pipeline read(JsonNode model, String id) {
        JsonNode pipeline = model.path(ModelView.PIPELINES).path(id);
        if (pipeline.isMissingNode()) {
            throw new InvalidModelException("/pipelines/" + id, "there is no pipeline " + id);
        }
        return read(id, pipeline);
    }

    /** A pipeline from its own JSON ({@code {"name", "nodes", "connections"}}). */
    public static Pipeline read(String id, JsonNode pipeline) {
        String path = "/pipelines/" + id;
        if (!pipeline.isObject()) {
            throw new InvalidModelException(path, "pipeline " + id + " must be a JSON object with \"nodes\" and \"connections\"");
        }
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(pipeline, "nodes", path).fields(); it.hasNext(); ) {
            var e = it.next();
            nodes.put(e.getKey(), node(e.getKey(), e.getValue(), path + "/nodes/" + e.getKey()));
        }
        List<Connection> connections = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(pipeline, "connections", path).fields(); it.hasNext(); ) {
            var e = it.next();
            String at = path + "/connections/" + e.getKey();
            Connection c = connection(e.getKey(), e.getValue(), at);
            for (Port end : List.of(c.from(), c.to())) {
                if (!nodes.containsKey(end.node())) {
                    throw new InvalidModelException(at, "connection " + e.getKey() + " joins node " + end.node()
                            + ", which is not in pipeline " + id + "; remove the connection or add the node");
                }
            }
            connections.add(c);
        }
        JsonNode name = pipeline.path("name");
        return new Pipeline(id, name.isTextual() ? name.asText() : "", nodes, connections);
    }

    /** One node, {@code path} its JSON Pointer (for the message when it is malformed). */
    public static Node node(String id, JsonNode json, String path) {
        if (!json.isObject()) {
            throw new InvalidModelException(path, "node " + id + " must be a JSON object");
        }
        List<String> kinds = KINDS.stream().filter(json::has).toList();
        if (kinds.size() != 1) {
            throw new InvalidModelException(path, "node " + id + " must have exactly one of \"operation\", \"input\", \"output\" or \"pipeline\""
                    + (kinds.isEmpty() ? "" : "; it has " + String.join(" and ", kinds)));
        }
        JsonNode body = json.get(kinds.get(0));
        switch (kinds.get(0)) {
            case "operation": {
                String operation = text(body, path + "/operation", "node " + id + ": \"operation\" must name an operation");
                JsonNode attributes = json.path("attributes");
                if (attributes.isMissingNode() || attributes.isNull()) {
                    attributes = Json.MAPPER.createObjectNode();
                } else if (!attributes.isObject()) {
                    throw new InvalidModelException(path + "/attributes", "node " + id + ": \"attributes\" must be an object of attribute values");
                }
                Map<String, String> references = new LinkedHashMap<>();
                JsonNode refs = json.path("references");
                if (!refs.isMissingNode() && !refs.isNull() && !refs.isObject()) {
                    throw new InvalidModelException(path + "/references", "node " + id + ": \"references\" must map reference names to architecture ids");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = refs.fields(); it.hasNext(); ) {
                    var r = it.next();
                    if (r.getValue().isTextual()) {
                        references.put(r.getKey(), r.getValue().asText());
                    } else if (!r.getValue().isNull()) { // null: not chosen yet
                        throw new InvalidModelException(path + "/references/" + r.getKey(), "node " + id + ": reference \"" + r.getKey()
                                + "\" must be an architecture id (a string) or null");
                    }
                }
                return new Node.Operation(id, operation, attributes, references);
            }
            case "input":
                requireObject(body, path + "/input", "Input node " + id + " needs {\"input\": {\"artifact\": …}}");
                return new Node.Input(id, optionalText(body, "artifact", path + "/input"), optionalText(body, "name", path + "/input"));
            case "output":
                requireObject(body, path + "/output", "Output node " + id + " needs {\"output\": {\"saveName\": …}}");
                return new Node.Output(id, optionalText(body, "saveName", path + "/output"));
            default:
                return new Node.SubPipeline(id, text(body, path + "/pipeline", "node " + id + ": \"pipeline\" must be the id of a pipeline"));
        }
    }

    private static Connection connection(String id, JsonNode json, String path) {
        String shape = "connection " + id + " needs {\"from\": {\"node\", \"port\"}, \"to\": {\"node\", \"port\"}}";
        if (!json.isObject()) {
            throw new InvalidModelException(path, shape);
        }
        return new Connection(id, port(json.path("from"), path + "/from", shape), port(json.path("to"), path + "/to", shape));
    }

    private static Port port(JsonNode json, String path, String shape) {
        if (!json.isObject()) {
            throw new InvalidModelException(path, shape);
        }
        return new Port(text(json.path("node"), path + "/node", shape), text(json.path("port"), path + "/port", shape));
    }

    private static JsonNode object(JsonNode parent, String field, String path) {
        JsonNode value = parent.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return Json.MAPPER.createObjectNode();
        }
        if (!value.isObject()) {
            throw new InvalidModelException(path + "/" + field, "\"" + field + "\" must be an object keyed by id");
        }
        return value;
    }

    private static String text(JsonNode value, String path, String message) {
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new InvalidModelException(path, message);
        }
        return value.asText();
    }

    private static void requireObject(JsonNode value, String path, String message) {
        if (!value.isObject()) {
            throw new InvalidModelException(path, message);
        }
    }

    private static String optionalText(JsonNode parent, String field, String path) {
        JsonNode value = parent.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new InvalidModelException(path + "/" + field, "\"" + field + "\" must be a string");
        }
        return value.asText();
    }
}
