package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.AnalysisException;

/** Shapes of layers without a Java rule: the analysis process runs them on PyTorch's meta device. */
public final class MetaDeviceShapes implements FallbackShapes {
    private final Analysis analysis;

    public MetaDeviceShapes(Analysis analysis) {
        this.analysis = analysis;
    }

    @Override
    public Optional<Outputs> outputs(String type, JsonNode arguments, List<List<Integer>> inputs) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("type", "layer_shapes").put("layer", type);
        request.set("arguments", arguments);
        request.set("inputs", Json.MAPPER.valueToTree(inputs));
        try {
            JsonNode result = analysis.request(request);
            List<List<Integer>> shapes = new ArrayList<>();
            result.path("outputs").forEach(o -> {
                List<Integer> dims = new ArrayList<>();
                o.forEach(d -> dims.add(d.isNull() ? null : d.asInt()));
                shapes.add(dims);
            });
            return Optional.of(new Outputs(shapes, result.path("parameters").asLong()));
        } catch (AnalysisException e) {
            if (e.userError()) {
                throw new IllegalArgumentException(e.getMessage());
            }
            return Optional.empty();
        }
    }
}
