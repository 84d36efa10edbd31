package org.deepforge.nn.codegen;

import org.deepforge.library.CodeGenerationException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The layers and connections of an architecture JSON, in the topological order code is written in. */
final class ArchitectureGraph {
    /** A layer as drawn: its id, catalog type, optional user name and the arguments the user set. */
    record Layer(String id, String type, Optional<String> name, Map<String, JsonNode> arguments) {
        String describe() {
            return type + name.map(n -> " \"" + n + "\"").orElse(" " + id);
        }
    }

    /** One output of a layer: what a connection carries. */
    record Port(String layer, int output) {}

    /** Natural order of ids, so that {@code l2} comes before {@code l10}. */
    static final Comparator<String> NATURAL = ArchitectureGraph::compareNatural;

    private final Map<String, Layer> layers;
    private final Map<String, TreeMap<Integer, Port>> inputs;
    private final Map<Port, Integer> consumers;
    private final List<Layer> order;

    private ArchitectureGraph(Map<String, Layer> layers, Map<String, TreeMap<Integer, Port>> inputs,
                              Map<Port, Integer> consumers, List<Layer> order) {
        this.layers = layers;
        this.inputs = inputs;
        this.consumers = consumers;
        this.order = order;
    }

    static ArchitectureGraph parse(JsonNode architecture) {
        Map<String, Layer> layers = new TreeMap<>(NATURAL);
        architecture.path("layers").properties().forEach(e -> {
            JsonNode l = e.getValue();
            Map<String, JsonNode> args = new TreeMap<>();
            l.path("arguments").properties().forEach(a -> args.put(a.getKey(), a.getValue()));
            String name = l.path("name").asText("");
            layers.put(e.getKey(), new Layer(e.getKey(), l.path("type").asText(""),
                    name.isEmpty() ? Optional.empty() : Optional.of(name), Map.copyOf(args)));
        });
        for (Layer l : layers.values()) {
            if (l.type().isEmpty()) {
                throw new CodeGenerationException("Layer " + l.id() + " has no type");
            }
        }

        Map<String, TreeMap<Integer, Port>> inputs = new HashMap<>();
        Map<Port, Integer> consumers = new HashMap<>();
        List<String> connectionIds = new ArrayList<>();
        architecture.path("connections").fieldNames().forEachRemaining(connectionIds::add);
        connectionIds.sort(NATURAL);
        for (String id : connectionIds) {
            JsonNode c = architecture.path("connections").path(id);
            String from = c.path("from").path("layer").asText("");
            String to = c.path("to").path("layer").asText("");
            if (!layers.containsKey(from) || !layers.containsKey(to)) {
                throw new CodeGenerationException("Connection " + id + " joins a layer that does not exist");
            }
            Port port = new Port(from, c.path("from").path("output").asInt(0));
            int input = c.path("to").path("input").asInt(0);
            Port previous = inputs.computeIfAbsent(to, k -> new TreeMap<>()).put(input, port);
            if (previous != null) {
                throw new CodeGenerationException(layers.get(to).describe() + ": input " + input
                        + " takes more than one connection");
            }
            consumers.merge(port, 1, Integer::sum);
        }
        return new ArchitectureGraph(layers, inputs, consumers, topologicalOrder(layers, inputs));
    }

    /**
     * Kahn's algorithm with a stack, so that a chain of layers is written out before the next branch starts;
     * Inputs first, in name order, and ties by natural id order, so the same graph always gives the same order.
     */
    private static List<Layer> topologicalOrder(Map<String, Layer> layers,
                                                Map<String, TreeMap<Integer, Port>> inputs) {
        Map<String, Integer> pending = new HashMap<>();
        Map<String, Set<String>> successors = new HashMap<>();
        for (Layer l : layers.values()) {
            Set<String> sources = new HashSet<>();
            inputs.getOrDefault(l.id(), new TreeMap<>()).values().forEach(p -> sources.add(p.layer()));
            pending.put(l.id(), sources.size());
            for (String s : sources) {
                successors.computeIfAbsent(s, k -> new HashSet<>()).add(l.id());
            }
        }
        List<Layer> roots = new ArrayList<>();
        for (Layer l : layers.values()) {
            if (pending.get(l.id()) == 0) {
                roots.add(l);
            }
        }
        roots.sort(Comparator.comparing((Layer l) -> !l.type().equals("Input"))
                .thenComparing(l -> l.name().orElse(""))
                .thenComparing(Layer::id, NATURAL));
        Deque<Layer> ready = new ArrayDeque<>();
        for (int i = roots.size() - 1; i >= 0; i--) {
            ready.push(roots.get(i));
        }
        List<Layer> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            Layer layer = ready.pop();
            order.add(layer);
            List<String> next = new ArrayList<>(successors.getOrDefault(layer.id(), Set.of()));
            next.sort(NATURAL.reversed());
            for (String s : next) {
                if (pending.merge(s, -1, Integer::sum) == 0) {
                    ready.push(layers.get(s));
                }
            }
        }
        if (order.size() < layers.size()) {
            List<String> stuck = new ArrayList<>();
            for (Layer l : layers.values()) {
                if (pending.get(l.id()) > 0) {
                    stuck.add(l.describe());
                }
            }
            throw new CodeGenerationException("The connections form a cycle through " + String.join(", ", stuck));
        }
        return List.copyOf(order);
    }

    List<Layer> order() {
        return order;
    }

    Optional<Layer> layer(String id) {
        return Optional.ofNullable(layers.get(id));
    }

    /** The connected inputs of a layer, by input index. */
    Map<Integer, Port> inputs(String layerId) {
        return inputs.getOrDefault(layerId, new TreeMap<>());
    }

    /** Whether some connection takes this output. */
    boolean isUsed(Port port) {
        return consumers.containsKey(port);
    }

    /** The highest used output index of a layer, or -1 when none is used. */
    int highestUsedOutput(String layerId) {
        int highest = -1;
        for (Port p : consumers.keySet()) {
            if (p.layer().equals(layerId)) {
                highest = Math.max(highest, p.output());
            }
        }
        return highest;
    }

    private static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }
}
