package org.deepforge.nn.codegen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Architecture JSON for tests, written the way the editor stores it, plus hand-filled inferred arguments. */
final class ArchitectureBuilder {
    static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode root = JSON.createObjectNode();
    private final Map<String, Map<String, JsonNode>> inferred = new LinkedHashMap<>();
    private int connections;

    ArchitectureBuilder(String name) {
        root.put("name", name);
        root.putObject("layers");
        root.putObject("connections");
    }

    /** A layer; {@code name} may be null, {@code arguments} is JSON object text. */
    ArchitectureBuilder layer(String id, String type, String name, String arguments) {
        ObjectNode layer = ((ObjectNode) root.get("layers")).putObject(id);
        layer.put("type", type);
        if (name != null) {
            layer.put("name", name);
        }
        layer.set("arguments", parse(arguments));
        return this;
    }

    ArchitectureBuilder layer(String id, String type, String name) {
        return layer(id, type, name, "{}");
    }

    /** Output 0 of each layer into input 0 of the next. */
    ArchitectureBuilder chain(String... ids) {
        for (int i = 0; i + 1 < ids.length; i++) {
            connect(ids[i], 0, ids[i + 1], 0);
        }
        return this;
    }

    ArchitectureBuilder connect(String from, int output, String to, int input) {
        ObjectNode c = ((ObjectNode) root.get("connections")).putObject("k" + ++connections);
        c.putObject("from").put("layer", from).put("output", output);
        c.putObject("to").put("layer", to).put("input", input);
        return this;
    }

    /** Arguments shape inference would supply, as JSON object text. */
    ArchitectureBuilder inferred(String id, String arguments) {
        Map<String, JsonNode> args = new LinkedHashMap<>();
        parse(arguments).properties().forEach(e -> args.put(e.getKey(), e.getValue()));
        inferred.put(id, args);
        return this;
    }

    JsonNode json() {
        return root.deepCopy();
    }

    Map<String, Map<String, JsonNode>> inferred() {
        return inferred;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
