package org.deepforge.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.deepforge.model.PythonNames;

/** Turns architecture JSON into an {@link Architecture}, keeping what is usable and listing the rest as problems. */
final class ArchitectureReader {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private final Set<String> dropped = new HashSet<>();

    private ArchitectureReader() {}

    static Architecture read(JsonNode json) {
        return new ArchitectureReader().readArchitecture(json);
    }

    private Architecture readArchitecture(JsonNode json) {
        if (!json.isObject()) {
            problems.add(general("an architecture must be a JSON object with \"layers\" and \"connections\""));
            return Architecture.of("", layers, List.of(), problems);
        }
        String name = json.path("name").isTextual() ? json.get("name").asText() : "";
        JsonNode layersJson = json.path("layers");
        if (layersJson.isObject()) {
            layersJson.properties().forEach(e -> readLayer(e.getKey(), e.getValue()));
        } else if (!layersJson.isMissingNode() && !layersJson.isNull()) {
            problems.add(general("\"layers\" must be an object of layers by id"));
        }
        checkNames();
        List<Connection> connections = new ArrayList<>();
        JsonNode connectionsJson = json.path("connections");
        if (connectionsJson.isObject()) {
            Map<String, Connection> byInput = new HashMap<>();
            connectionsJson.properties().forEach(e -> readConnection(e.getKey(), e.getValue())
                    .ifPresent(c -> {
                        Connection other = byInput.putIfAbsent(c.to() + "\u0000" + c.input(), c);
                        if (other == null) {
                            connections.add(c);
                        } else {
                            problems.add(new Problem(Optional.of(c.to()), label(c.to()) + ": input " + c.input()
                                    + " has two connections (" + other.id() + " and " + c.id() + "); an input takes one", true));
                        }
                    }));
        } else if (!connectionsJson.isMissingNode() && !connectionsJson.isNull()) {
            problems.add(general("\"connections\" must be an object of connections by id"));
        }
        return Architecture.of(name, layers, connections, problems);
    }

    private void readLayer(String id, JsonNode json) {
        if (!json.isObject() || !json.path("type").isTextual() || json.get("type").asText().isBlank()) {
            dropped.add(id);
            problems.add(new Problem(Optional.of(id), "layer \"" + id + "\" has no type (a torch.nn class such as Conv2d, or Input, Output, Concatenate, …)", true));
            return;
        }
        Optional<String> name = Optional.empty();
        JsonNode n = json.path("name");
        if (n.isTextual() && !n.asText().isEmpty()) {
            name = Optional.of(n.asText());
        } else if (!n.isMissingNode() && !n.isNull() && !(n.isTextual())) {
            problems.add(new Problem(Optional.of(id), json.get("type").asText() + " \"" + id + "\": its name must be text", false));
        }
        JsonNode arguments = json.path("arguments");
        if (!arguments.isObject()) {
            if (!arguments.isMissingNode() && !arguments.isNull()) {
                problems.add(new Problem(Optional.of(id), json.get("type").asText() + " \"" + name.orElse(id) + "\": its arguments must be an object of name → value", true));
            }
            arguments = JsonNodeFactory.instance.objectNode();
        }
        layers.put(id, new Layer(id, json.get("type").asText(), name, arguments));
    }

    private void checkNames() {
        Map<String, String> seen = new HashMap<>();
        for (Layer l : layers.values()) {
            if (l.name().isEmpty()) {
                continue;
            }
            String name = l.name().get();
            if (!IDENTIFIER.matcher(name).matches() || PythonNames.isKeyword(name)) {
                problems.add(new Problem(Optional.of(l.id()), label(l.id()) + ": a name must be a Python identifier"
                        + " (letters, digits and _, not starting with a digit, not a keyword)", false));
            }
            String other = seen.putIfAbsent(name, l.id());
            if (other != null) {
                problems.add(new Problem(Optional.of(l.id()), label(l.id()) + ": the name is already used by layer " + other
                        + "; names must be unique", false));
            }
        }
    }

    private Optional<Connection> readConnection(String id, JsonNode json) {
        String from = json.path("from").path("layer").asText("");
        String to = json.path("to").path("layer").asText("");
        if (dropped.contains(from) || dropped.contains(to)) {
            return Optional.empty();
        }
        Optional<String> at = layers.containsKey(to) ? Optional.of(to) : layers.containsKey(from) ? Optional.of(from) : Optional.empty();
        for (String end : List.of(from, to)) {
            if (!layers.containsKey(end)) {
                String what = end.isEmpty() ? "no layer" : "layer \"" + end + "\", which does not exist";
                problems.add(new Problem(at, "connection " + id + " " + (end.equals(from) && !layers.containsKey(from) ? "comes from " : "goes to ") + what, at.isPresent()));
                return Optional.empty();
            }
        }
        Optional<Integer> output = index(json.path("from").path("output"));
        Optional<Integer> input = index(json.path("to").path("input"));
        if (output.isEmpty() || input.isEmpty()) {
            problems.add(new Problem(Optional.of(to), "connection " + id + ": "
                    + (output.isEmpty() ? "from.output" : "to.input") + " must be a whole number ≥ 0", true));
            return Optional.empty();
        }
        return Optional.of(new Connection(id, from, output.get(), to, input.get()));
    }

    private static Optional<Integer> index(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return Optional.of(0);
        }
        return n.canConvertToInt() && n.isIntegralNumber() && n.asInt() >= 0 ? Optional.of(n.asInt()) : Optional.empty();
    }

    private String label(String id) {
        Layer l = layers.get(id);
        return l.type() + " \"" + l.name().orElse(id) + "\"";
    }

    private static Problem general(String message) {
        return new Problem(Optional.empty(), message, false);
    }
}
