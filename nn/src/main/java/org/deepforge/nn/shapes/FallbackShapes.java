package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * Shapes for layers that have no Java rule, worked out elsewhere (the Python analysis process runs the
 * layer on PyTorch's meta device). Shapes are lists with {@code null} for the batch dimension.
 */
@FunctionalInterface
public interface FallbackShapes {
    /** What the layer produced: its output shapes and parameter count. */
    record Outputs(List<List<Integer>> shapes, long parameters) {}

    /**
     * The outputs of a {@code type} layer with these arguments on these inputs; empty when the fallback
     * cannot say; throws {@link IllegalArgumentException} with a readable message when the layer rejects them.
     */
    Optional<Outputs> outputs(String type, JsonNode arguments, List<List<Integer>> inputs);

    FallbackShapes NONE = (type, arguments, inputs) -> Optional.empty();
}
