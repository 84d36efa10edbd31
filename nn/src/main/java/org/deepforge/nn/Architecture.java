package org.deepforge.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An architecture read from its JSON ({@code docs/architectures.md}): layers, connections by input
 * order, a topological order and the structural problems found on the way. Reading never throws for
 * bad content: what cannot be used is left out and listed in {@link #problems()}.
 */
public final class Architecture {
    private final String name;
    private final Map<String, Layer> layers;
    private final List<Connection> connections;
    private final Map<String, List<Connection>> incoming;
    private final Map<String, List<Connection>> outgoing;
    private final TopologicalOrder order;
    private final Map<String, String> names;
    private final List<Problem> problems;

    private Architecture(String name, Map<String, Layer> layers, List<Connection> connections, List<Problem> problems) {
        this.name = name;
        this.layers = Collections.unmodifiableMap(layers);
        this.connections = List.copyOf(connections);
        Map<String, List<Connection>> in = new LinkedHashMap<>();
        Map<String, List<Connection>> out = new LinkedHashMap<>();
        for (String id : layers.keySet()) {
            in.put(id, new ArrayList<>());
            out.put(id, new ArrayList<>());
        }
        for (Connection c : connections) {
            in.get(c.to()).add(c);
            out.get(c.from()).add(c);
        }
        in.values().forEach(l -> l.sort(Comparator.comparingInt(Connection::input)));
        in.replaceAll((k, v) -> List.copyOf(v));
        out.replaceAll((k, v) -> List.copyOf(v));
        this.incoming = Collections.unmodifiableMap(in);
        this.outgoing = Collections.unmodifiableMap(out);
        this.order = TopologicalSort.of(layers.keySet(), outgoing);
        this.names = Collections.unmodifiableMap(LayerNames.assign(layers, order.order()));
        List<Problem> all = new ArrayList<>(problems);
        for (List<String> cycle : order.cycles()) {
            all.add(new Problem(Optional.of(cycle.get(0)), cycleMessage(cycle), true));
        }
        this.problems = List.copyOf(all);
    }

    /** {@code base} with {@code layers} (same ids, types, names and connections): all else is shared, not worked out again. */
    private Architecture(Architecture base, Map<String, Layer> layers) {
        this.name = base.name;
        this.layers = Collections.unmodifiableMap(layers);
        this.connections = base.connections;
        this.incoming = base.incoming;
        this.outgoing = base.outgoing;
        this.order = base.order;
        this.names = base.names;
        this.problems = base.problems;
    }

    /** Reads an architecture; never throws for bad content (see {@link #problems()}). */
    public static Architecture parse(JsonNode json) {
        return ArchitectureReader.read(json == null ? JsonNodeFactory.instance.nullNode() : json);
    }

    /** Reads an architecture and throws {@link ArchitectureException} listing its problems, if it has any. */
    public static Architecture parseStrict(JsonNode json) {
        Architecture a = parse(json);
        if (!a.problems.isEmpty()) {
            throw new ArchitectureException(String.join("; ", a.problems.stream().map(Problem::message).toList()));
        }
        return a;
    }

    static Architecture of(String name, Map<String, Layer> layers, List<Connection> connections, List<Problem> problems) {
        return new Architecture(name, layers, connections, problems);
    }

    /**
     * This architecture with new arguments for some layers ({@code arguments} by layer id, each a JSON
     * object): what the layers' ids, types, names and connections decide — order, names, problems — is
     * unchanged and shared, so an edit of arguments costs no new reading of the graph.
     *
     * @throws IllegalArgumentException for an id that is not a layer here or arguments that are not an object
     */
    public Architecture withArguments(Map<String, JsonNode> arguments) {
        Map<String, Layer> changed = new LinkedHashMap<>(layers);
        arguments.forEach((id, args) -> {
            Layer layer = layers.get(id);
            if (layer == null || !args.isObject()) {
                throw new IllegalArgumentException(layer == null ? "no layer " + id : "the arguments of " + id + " are not an object");
            }
            changed.put(id, new Layer(id, layer.type(), layer.name(), args));
        });
        return new Architecture(this, changed);
    }

    public String name() {
        return name;
    }

    /** Layers by id, in the order of the JSON. */
    public Map<String, Layer> layers() {
        return layers;
    }

    public Optional<Layer> layer(String id) {
        return Optional.ofNullable(layers.get(id));
    }

    public List<Connection> connections() {
        return connections;
    }

    /** Connections into a layer, by input index. */
    public List<Connection> incoming(String layerId) {
        return incoming.getOrDefault(layerId, List.of());
    }

    /** Connections out of a layer. */
    public List<Connection> outgoing(String layerId) {
        return outgoing.getOrDefault(layerId, List.of());
    }

    public TopologicalOrder order() {
        return order;
    }

    /** The layer's name: the user's, or the type in snake case plus a number. */
    public String name(String layerId) {
        return names.getOrDefault(layerId, layerId);
    }

    /** How messages name a layer: {@code Conv2d "conv1"}. */
    public String label(String layerId) {
        Layer l = layers.get(layerId);
        return (l == null ? "layer" : l.type()) + " \"" + name(layerId) + "\"";
    }

    /** Structural problems: bad layers or connections, inputs with two connections, cycles. */
    public List<Problem> problems() {
        return problems;
    }

    private String cycleMessage(List<String> cycle) {
        List<String> path = new ArrayList<>(cycle.stream().map(this::name).toList());
        path.add(name(cycle.get(0)));
        String labels = String.join(", ", cycle.stream().map(this::label).toList());
        return labels + (cycle.size() == 1 ? " feeds itself" : " form a cycle") + ": " + String.join(" → ", path)
                + " (a network must flow one way; remove one of these connections)";
    }
}
