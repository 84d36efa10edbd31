package org.deepforge.nn.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Arguments the caller worked out from the shapes ({@code in_channels}, {@code in_features}, …), by layer id;
 * code generation writes them explicitly. One pseudo-argument is read but never written: {@code chunks} on a
 * {@code Split} with an integer size says how many pieces it makes.
 */
public record InferredArguments(Map<String, Map<String, JsonNode>> byLayer) {
    public InferredArguments {
        Map<String, Map<String, JsonNode>> copy = new LinkedHashMap<>();
        byLayer.forEach((layer, args) -> copy.put(layer, Map.copyOf(args)));
        byLayer = Map.copyOf(copy);
    }

    public static InferredArguments none() {
        return new InferredArguments(Map.of());
    }

    /** The inferred arguments of one layer; empty when none. */
    public Map<String, JsonNode> of(String layerId) {
        return byLayer.getOrDefault(layerId, Map.of());
    }
}
