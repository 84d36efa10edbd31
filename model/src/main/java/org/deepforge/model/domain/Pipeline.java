package org.deepforge.model.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline of the model view, typed: its nodes (in the order the model lists them) and its
 * connections. Read from JSON by {@link PipelineJson}; every connection joins two of its nodes; {@code name}
 * is empty when the model gives none.
 */
public record Pipeline(String id, String name, Map<String, Node> nodes, List<Connection> connections) {
    public Pipeline {
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        connections = List.copyOf(connections);
    }

    /** The node with this id. */
    public Optional<Node> node(String id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /** The connections into {@code node}, in the order the model lists them. */
    public List<Connection> into(String node) {
        return connections.stream().filter(c -> c.to().node().equals(node)).toList();
    }

    /** The source of input {@code port} of {@code node}, if something is connected to it. */
    public Optional<Port> source(String node, String port) {
        return connections.stream().filter(c -> c.to().node().equals(node) && c.to().port().equals(port)).map(Connection::from).findFirst();
    }
}
