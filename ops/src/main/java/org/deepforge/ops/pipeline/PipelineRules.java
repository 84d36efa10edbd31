package org.deepforge.ops.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a pipeline (docs/operations.md). {@link #violations} are refused when a change set
 * introduces them; {@link #problems} adds what is allowed while editing but blocks a run.
 */
public final class PipelineRules {
    private PipelineRules() {}

    /** Broken rules: bad nodes, bad connections, cycles, self-containment, wrong attribute values. */
    public static List<Issue> violations(JsonNode model, String pipelineId) {
        List<Issue> out = new ArrayList<>();
        JsonNode pipeline = model.path("pipelines").path(pipelineId);
        JsonNode nodes = pipeline.path("nodes");
        JsonNode connections = pipeline.path("connections");
        if (!pipeline.path("nodes").isMissingNode() && !nodes.isObject()) {
            out.add(new Issue(null, null, "structure", "\"nodes\" of pipeline " + pipelineId + " must be an object keyed by node id"));
            return out;
        }
        if (!connections.isMissingNode() && !connections.isObject()) {
            out.add(new Issue(null, null, "structure", "\"connections\" of pipeline " + pipelineId + " must be an object keyed by id"));
            return out;
        }
        Map<String, Ports> ports = new HashMap<>();
        nodes.fields().forEachRemaining(e -> checkNode(model, pipelineId, e.getKey(), e.getValue(), ports, out));

        Map<String, String> sourceOf = new HashMap<>();
        Map<String, List<String>> edges = new LinkedHashMap<>();
        connections.fields().forEachRemaining(e -> checkConnection(nodes, ports, e.getKey(), e.getValue(), sourceOf, edges, out));
        cycle(edges).ifPresent(c -> out.add(new Issue(c.get(0), null, "cycle",
                "the connections make a cycle: " + describePath(nodes, c) + "; pipelines must be acyclic")));
        return out;
    }

    /**
     * Everything that keeps the pipeline from running (violations plus unconnected inputs, missing values,
     * syntax errors), and as warnings what the code analysis found (undefined names, unresolved imports).
     */
    public static List<Issue> problems(JsonNode model, String pipelineId) {
        List<Issue> out = new ArrayList<>(violations(model, pipelineId));
        JsonNode pipeline = model.path("pipelines").path(pipelineId);
        Set<String> connected = new HashSet<>();
        pipeline.path("connections").forEach(c -> connected.add(c.path("to").path("node").asText() + "\u0000" + c.path("to").path("port").asText()));
        pipeline.path("nodes").fields().forEachRemaining(e -> {
            String id = e.getKey();
            JsonNode node = e.getValue();
            Ports.of(model, node).ifPresent(p -> p.inputs().keySet().forEach(port -> {
                if (!connected.contains(id + "\u0000" + port)) {
                    out.add(new Issue(id, port, "unconnected", label(id, node) + ": input \"" + port + "\" is not connected"));
                }
            }));
            if (node.has("operation")) {
                JsonNode iface = model.path("operations").path(node.path("operation").asText()).path("interface");
                JsonNode syntax = iface.path("syntaxError");
                if (syntax.isObject()) {
                    out.add(new Issue(id, null, "code", label(id, node) + ": the operation's code has a syntax error at line "
                            + syntax.path("line").asInt() + ": " + syntax.path("message").asText(), syntax.path("line").asInt(), false));
                } else {
                    iface.path("lint").forEach(l -> out.add(new Issue(id, null, l.path("kind").asText("lint"),
                            label(id, node) + ": line " + l.path("line").asInt() + ": " + l.path("message").asText(),
                            l.path("line").asInt(), true)));
                }
                iface.path("errors").forEach(err -> out.add(new Issue(id, null, "code", label(id, node) + ": " + err.asText())));
                iface.path("attributes").forEach(a -> {
                    if (a.path("required").asBoolean(false) && node.path("attributes").path(a.path("name").asText()).isMissingNode()) {
                        out.add(new Issue(id, null, "attribute", label(id, node) + ": attribute \"" + a.path("name").asText() + "\" needs a value"));
                    }
                });
                iface.path("references").forEach(r -> {
                    String name = r.path("name").asText();
                    JsonNode value = node.path("references").path(name);
                    if (!value.isTextual() || value.asText().isEmpty()) {
                        out.add(new Issue(id, null, "reference", label(id, node) + ": choose an architecture for \"" + name + "\""));
                    }
                });
            } else if (node.has("input")) {
                String artifact = node.path("input").path("artifact").asText("");
                if (artifact.isEmpty()) {
                    out.add(new Issue(id, "data", "input", "Input " + id + ": choose the artifact it feeds in"));
                } else if (!model.path("artifacts").has(artifact)) {
                    out.add(new Issue(id, "data", "input", "Input " + id + ": artifact " + artifact + " does not exist"));
                }
            } else if (node.has("output")) {
                if (node.path("output").path("saveName").asText("").isBlank()) {
                    out.add(new Issue(id, "data", "output", "Output " + id + ": give the artifact a save name"));
                }
            }
        });
        return out;
    }

    private static void checkNode(JsonNode model, String pipelineId, String id, JsonNode node, Map<String, Ports> ports, List<Issue> out) {
        if (!node.isObject()) {
            out.add(new Issue(id, null, "structure", "node " + id + " must be an object"));
            return;
        }
        int kinds = (node.has("operation") ? 1 : 0) + (node.has("input") ? 1 : 0) + (node.has("output") ? 1 : 0) + (node.has("pipeline") ? 1 : 0);
        if (kinds != 1) {
            out.add(new Issue(id, null, "structure", "node " + id + " must have exactly one of \"operation\", \"input\", \"output\" or \"pipeline\""));
            return;
        }
        if (node.has("operation")) {
            String op = node.path("operation").asText();
            JsonNode operation = model.path("operations").path(op);
            if (operation.isMissingNode()) {
                out.add(new Issue(id, null, "operation", "node " + id + " uses operation \"" + op + "\", which does not exist in this project"));
                return;
            }
            checkAttributes(model, id, node, operation.path("interface"), out);
        } else if (node.has("pipeline")) {
            String inner = node.path("pipeline").asText();
            if (!model.path("pipelines").has(inner)) {
                out.add(new Issue(id, null, "pipeline", "node " + id + " uses pipeline \"" + inner + "\", which does not exist"));
                return;
            }
            containment(model, pipelineId, inner).ifPresent(path -> out.add(new Issue(id, null, "cycle",
                    "pipeline " + pipelineId + " would contain itself: " + String.join(" → ", path))));
        } else if (node.has("input") && !node.get("input").isObject()) {
            out.add(new Issue(id, null, "structure", "Input node " + id + " needs {\"input\": {\"artifact\": …}}"));
        } else if (node.has("output") && !node.get("output").isObject()) {
            out.add(new Issue(id, null, "structure", "Output node " + id + " needs {\"output\": {\"saveName\": …}}"));
        }
        Ports.of(model, node).ifPresent(p -> ports.put(id, p));
    }

    private static void checkAttributes(JsonNode model, String id, JsonNode node, JsonNode iface, List<Issue> out) {
        String op = node.path("operation").asText();
        Map<String, JsonNode> specs = new HashMap<>();
        iface.path("attributes").forEach(a -> specs.put(a.path("name").asText(), a));
        Set<String> references = new HashSet<>();
        iface.path("references").forEach(r -> references.add(r.path("name").asText()));
        JsonNode attributes = node.path("attributes");
        if (!attributes.isMissingNode() && !attributes.isObject()) {
            out.add(new Issue(id, null, "attribute", "node " + id + ": \"attributes\" must be an object"));
        }
        attributes.fields().forEachRemaining(e -> {
            JsonNode spec = specs.get(e.getKey());
            if (spec == null) {
                if (!iface.path("syntaxError").isObject()) {
                    out.add(new Issue(id, null, "attribute", op + " has no attribute \"" + e.getKey() + "\""
                            + (specs.isEmpty() ? "" : "; it has " + String.join(", ", specs.keySet()))));
                }
                return;
            }
            AttributeValues.check(spec, e.getValue()).ifPresent(msg -> out.add(new Issue(id, null, "attribute",
                    op + " (" + id + "): attribute \"" + e.getKey() + "\" " + msg)));
        });
        JsonNode refs = node.path("references");
        refs.fields().forEachRemaining(e -> {
            if (!references.contains(e.getKey())) {
                if (!iface.path("syntaxError").isObject()) {
                    out.add(new Issue(id, null, "reference", op + " has no reference \"" + e.getKey() + "\""));
                }
                return;
            }
            JsonNode v = e.getValue();
            if (v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
                return;
            }
            if (!v.isTextual() || !model.path("architectures").has(v.asText())) {
                out.add(new Issue(id, null, "reference", op + " (" + id + "): reference \"" + e.getKey() + "\" names architecture "
                        + v + ", which does not exist"));
            }
        });
    }

    private static void checkConnection(JsonNode nodes, Map<String, Ports> ports, String id, JsonNode c,
                                        Map<String, String> sourceOf, Map<String, List<String>> edges, List<Issue> out) {
        String from = c.path("from").path("node").asText("");
        String fromPort = c.path("from").path("port").asText("");
        String to = c.path("to").path("node").asText("");
        String toPort = c.path("to").path("port").asText("");
        if (from.isEmpty() || fromPort.isEmpty() || to.isEmpty() || toPort.isEmpty()) {
            out.add(new Issue(null, null, "connection", "connection " + id + " needs {\"from\": {\"node\", \"port\"}, \"to\": {\"node\", \"port\"}}"));
            return;
        }
        if (!nodes.has(from) || !nodes.has(to)) {
            out.add(new Issue(nodes.has(from) ? to : from, null, "connection", "connection " + id + " joins node "
                    + (nodes.has(from) ? to : from) + ", which is not in this pipeline"));
            return;
        }
        Ports a = ports.get(from);
        Ports b = ports.get(to);
        if (a == null || b == null) {
            return; // the node itself is broken and reported
        }
        if (!a.outputs().containsKey(fromPort)) {
            out.add(new Issue(from, fromPort, "connection", label(from, nodes.get(from)) + " has no output \"" + fromPort + "\""
                    + (a.outputs().isEmpty() ? " (it has no outputs)" : "; its outputs are " + String.join(", ", a.outputs().keySet()))));
            return;
        }
        if (!b.inputs().containsKey(toPort)) {
            out.add(new Issue(to, toPort, "connection", label(to, nodes.get(to)) + " has no input \"" + toPort + "\""
                    + (b.inputs().isEmpty() ? " (it has no inputs)" : "; its inputs are " + String.join(", ", b.inputs().keySet()))));
            return;
        }
        if (!Ports.compatible(a.outputs().get(fromPort), b.inputs().get(toPort))) {
            out.add(new Issue(to, toPort, "type", "cannot connect " + label(from, nodes.get(from)) + "." + fromPort + " ("
                    + a.outputs().get(fromPort) + ") to " + label(to, nodes.get(to)) + "." + toPort + " (" + b.inputs().get(toPort)
                    + "): a " + a.outputs().get(fromPort) + " is not a " + b.inputs().get(toPort)
                    + "; change one of the two types, or annotate the input Any to take anything"));
            return;
        }
        String key = to + "\u0000" + toPort;
        String previous = sourceOf.putIfAbsent(key, id);
        if (previous != null) {
            out.add(new Issue(to, toPort, "connection", label(to, nodes.get(to)) + ": input \"" + toPort
                    + "\" already has a source (connection " + previous + "); an input takes one source"));
            return;
        }
        edges.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
    }

    /** A cycle in the node graph as a closed path (first node repeated at the end), if any. */
    static Optional<List<String>> cycle(Map<String, List<String>> edges) {
        Map<String, Integer> state = new HashMap<>(); // 1 = on stack, 2 = done
        for (String start : edges.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<String> stack = new ArrayDeque<>();
            Deque<Iterator<String>> its = new ArrayDeque<>();
            stack.push(start);
            its.push(edges.getOrDefault(start, List.of()).iterator());
            state.put(start, 1);
            while (!stack.isEmpty()) {
                var it = its.peek();
                if (it.hasNext()) {
                    String next = it.next();
                    Integer s = state.get(next);
                    if (s == null) {
                        state.put(next, 1);
                        stack.push(next);
                        its.push(edges.getOrDefault(next, List.of()).iterator());
                    } else if (s == 1) {
                        List<String> path = new ArrayList<>();
                        List<String> onStack = new ArrayList<>(stack);
                        Collections.reverse(onStack);
                        path.addAll(onStack.subList(onStack.indexOf(next), onStack.size()));
                        path.add(next);
                        return Optional.of(path);
                    }
                } else {
                    state.put(stack.pop(), 2);
                    its.pop();
                }
            }
        }
        return Optional.empty();
    }

    /** The chain of sub-pipelines by which {@code outer} would contain itself through {@code inner}. */
    private static Optional<List<String>> containment(JsonNode model, String outer, String inner) {
        Deque<List<String>> queue = new ArrayDeque<>();
        queue.add(List.of(outer, inner));
        Set<String> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            List<String> path = queue.poll();
            String last = path.get(path.size() - 1);
            if (last.equals(outer)) {
                return Optional.of(path);
            }
            if (!seen.add(last)) {
                continue;
            }
            model.path("pipelines").path(last).path("nodes").forEach(n -> {
                if (n.has("pipeline")) {
                    List<String> next = new ArrayList<>(path);
                    next.add(n.path("pipeline").asText());
                    queue.add(next);
                }
            });
        }
        return Optional.empty();
    }

    private static String describePath(JsonNode nodes, List<String> ids) {
        List<String> parts = new ArrayList<>();
        ids.forEach(id -> parts.add(label(id, nodes.path(id))));
        return String.join(" → ", parts);
    }

    /** How a node is named in messages: {@code Train (n2)}, {@code Input (i1)}. */
    static String label(String id, JsonNode node) {
        if (node.has("operation")) {
            return node.path("operation").asText() + " (" + id + ")";
        }
        if (node.has("input")) {
            return "Input (" + id + ")";
        }
        if (node.has("output")) {
            return "Output (" + id + ")";
        }
        if (node.has("pipeline")) {
            return "pipeline " + node.path("pipeline").asText() + " (" + id + ")";
        }
        return id;
    }
}
