package org.deepforge.nn.codegen;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.deepforge.nn.codegen.ArchitectureGraph.Layer;

/** Follows {@code Shared} layers to the torch layer whose module they apply again. */
final class SharedLayers {
    private SharedLayers() {}

    /** The layer a {@code Shared} layer applies; empty for other layers and for references that lead nowhere. */
    static Optional<Layer> target(ArchitectureGraph graph, Layer layer) {
        Set<String> seen = new HashSet<>();
        Layer current = layer;
        while (current.type().equals(LayerKinds.SHARED)) {
            if (!seen.add(current.id())) {
                return Optional.empty();
            }
            String ref = current.arguments().containsKey("layer") ? current.arguments().get("layer").asText() : "";
            Optional<Layer> next = graph.layer(ref);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return current == layer || LayerKinds.isLanguage(current.type()) ? Optional.empty() : Optional.of(current);
    }
}
