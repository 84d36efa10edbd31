package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The result of shape inference: the shape on every connection (by connection id, {@code null} for
 * the batch dimension), per-layer details, the trainable parameters of the layers that could be
 * analysed and the errors. Only an analysis without errors has a total ({@link #parameters()}): with
 * errors, the sum covers only the layers before them and must not be read as the network's size.
 */
public record ArchitectureAnalysis(Map<String, List<Integer>> shapes, Map<String, LayerInfo> layers,
                                   long partialParameters, List<LayerError> errors) {
    public ArchitectureAnalysis {
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        errors = List.copyOf(errors);
    }

    /** The network's trainable parameters; empty while the analysis has errors (see {@link #partialParameters()}). */
    public OptionalLong parameters() {
        return errors.isEmpty() ? OptionalLong.of(partialParameters) : OptionalLong.empty();
    }

    /** The errors about one layer. */
    public List<LayerError> errorsOf(String layer) {
        return errors.stream().filter(e -> e.layer().filter(layer::equals).isPresent()).toList();
    }

    /** The analysis as the API returns it (docs/architectures.md). */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        ObjectNode shapesJson = root.putObject("shapes");
        shapes.forEach((id, shape) -> shapesJson.set(id, shapeJson(shape)));
        ObjectNode layersJson = root.putObject("layers");
        layers.forEach((id, info) -> {
            ObjectNode l = layersJson.putObject(id);
            l.set("output", shapeJson(info.output()));
            ArrayNode outs = l.putArray("outputs");
            info.outputs().forEach(s -> outs.add(shapeJson(s)));
            l.put("parameters", info.parameters());
            ObjectNode inferred = l.putObject("inferred");
            info.inferred().forEach(inferred::set);
        });
        // with errors the sum is partial: null where a total is shown, so it cannot be mistaken for one
        if (errors.isEmpty()) {
            root.put("parameters", partialParameters);
        } else {
            root.putNull("parameters");
            root.put("partialParameters", partialParameters);
        }
        ArrayNode errorsJson = root.putArray("errors");
        for (LayerError e : errors) {
            ObjectNode o = errorsJson.addObject();
            e.layer().ifPresent(layer -> o.put("layer", layer));
            o.put("message", e.message());
        }
        return root;
    }

    private static ArrayNode shapeJson(List<Integer> shape) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        shape.forEach(d -> {
            if (d == null) {
                a.addNull();
            } else {
                a.add(d);
            }
        });
        return a;
    }
}
