package org.deepforge.library;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the analysis found for one layer: its outputs' shapes ({@code null} for the batch dimension),
 * its trainable parameters and the arguments inferred from its input.
 */
public record LayerInfo(List<List<Integer>> outputs, long parameters, Map<String, JsonNode> inferred) {
    public LayerInfo {
        outputs = List.copyOf(outputs);
        inferred = Collections.unmodifiableMap(new LinkedHashMap<>(inferred));
    }

    /** The shape of output 0. */
    public List<Integer> output() {
        return outputs.get(0);
    }
}
