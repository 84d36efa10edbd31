package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deepforge.model.Json;

/** Builds architecture JSON for tests; layer ids double as names, {@link #then} wires the previous layer in. */
final class Arch {
    private final ObjectNode root = Json.MAPPER.createObjectNode();
    private final ObjectNode layers = root.putObject("layers");
    private final ObjectNode connections = root.putObject("connections");
    private String last;
    private int wires;

    static Arch named(String name) {
        Arch a = new Arch();
        a.root.put("name", name);
        return a;
    }

    /** An Input layer with the per-sample shape. */
    Arch input(String id, int... shape) {
        ObjectNode args = Json.MAPPER.createObjectNode();
        var s = args.putArray("shape");
        for (int d : shape) {
            s.add(d);
        }
        layers.putObject(id).put("type", "Input").put("name", id).set("arguments", args);
        last = id;
        return this;
    }

    /** A layer with no wire in; {@code args} alternate name, value (values: numbers, booleans, strings, int[], lists, null). */
    Arch layer(String id, String type, Object... args) {
        ObjectNode l = layers.putObject(id).put("type", type).put("name", id);
        l.set("arguments", arguments(args));
        last = id;
        return this;
    }

    /** A layer fed by the previous one. */
    Arch then(String id, String type, Object... args) {
        String from = last;
        layer(id, type, args);
        return wire(from, 0, id, 0);
    }

    Arch wire(String from, int output, String to, int input) {
        ObjectNode c = connections.putObject("k" + (++wires));
        c.putObject("from").put("layer", from).put("output", output);
        c.putObject("to").put("layer", to).put("input", input);
        return this;
    }

    Arch wire(String from, String to, int input) {
        return wire(from, 0, to, input);
    }

    /** Continue chaining from {@code id}. */
    Arch from(String id) {
        last = id;
        return this;
    }

    JsonNode json() {
        return root;
    }

    static ObjectNode arguments(Object... args) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (int i = 0; i < args.length; i += 2) {
            o.set((String) args[i], Json.MAPPER.valueToTree(args[i + 1]));
        }
        return o;
    }

    /** Input → one layer → Output, for family tests. */
    static Arch single(int[] inputShape, String type, Object... args) {
        return named(type).input("x", inputShape).then("layer", type, args).then("out", "Output");
    }

    static int[] shape(int... dims) {
        return dims;
    }
}
