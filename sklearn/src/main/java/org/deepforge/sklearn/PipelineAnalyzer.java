package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalInt;
import org.deepforge.library.ArchitectureAnalysis;
import org.deepforge.library.LayerError;
import org.deepforge.library.LayerInfo;

/**
 * Analysis of an estimator pipeline: the drawing's errors, the graph rules ({@link Topology}, {@link ChainBuilder}),
 * argument checks and feature counts. Shapes are {@code [null, features]} after a transformer ({@code [null, null]}
 * when unknown) and {@code [null]} after a predictor (its predictions); nothing is trained, so parameters are 0.
 */
final class PipelineAnalyzer {
    private final EstimatorCatalog catalog;

    PipelineAnalyzer(EstimatorCatalog catalog) {
        this.catalog = catalog;
    }

    /** The analysis and, when it has no errors, the chain to generate code from. */
    record Analyzed(ArchitectureAnalysis analysis, PipelineDrawing drawing, Optional<Chain> chain) {}

    Analyzed analyze(JsonNode architecture) {
        PipelineDrawing drawing = PipelineDrawing.read(architecture, catalog);
        List<LayerError> errors = new ArrayList<>(drawing.errors());
        drawing.steps().values().forEach(s -> errors.addAll(ArgumentChecks.check(s)));
        Topology topology = Topology.of(drawing);
        errors.addAll(topology.errors());
        Optional<Chain> chain = Optional.empty();
        if (topology.errors().isEmpty()) {
            ChainBuilder.Result built = ChainBuilder.build(drawing, topology);
            errors.addAll(built.errors());
            chain = Optional.of(built.chain());
        }
        Map<String, OptionalInt> features = features(drawing, topology, errors);
        Map<String, List<Integer>> shapes = new LinkedHashMap<>();
        drawing.edges().forEach(e -> shapes.put(e.id(), shape(drawing.steps().get(e.from()), features.get(e.from()))));
        Map<String, LayerInfo> layers = new LinkedHashMap<>();
        drawing.steps().values().forEach(s -> layers.put(s.id(), new LayerInfo(List.of(shape(s, features.get(s.id()))), 0, Map.of())));
        ArchitectureAnalysis analysis = new ArchitectureAnalysis(shapes, layers, 0, errors);
        return new Analyzed(analysis, drawing, errors.isEmpty() ? chain : Optional.empty());
    }

    /** Feature counts in topological order (steps in cycles stay unknown). */
    private static Map<String, OptionalInt> features(PipelineDrawing drawing, Topology topology, List<LayerError> errors) {
        Map<String, OptionalInt> out = new HashMap<>();
        drawing.steps().keySet().forEach(id -> out.put(id, OptionalInt.empty()));
        OptionalInt inputFeatures = OptionalInt.empty();
        for (String id : topology.order()) {
            Step step = drawing.steps().get(id);
            List<OptionalInt> in = drawing.into(id).stream().map(e -> out.get(e.from())).toList();
            OptionalInt f = step.spec().name().equals(EstimatorSpec.COLUMN_TRANSFORMER)
                    ? FeatureRules.columnTransformer(step, in, columnsBefore(drawing, id), inputFeatures)
                    : FeatureRules.features(step, in, inputFeatures, message -> errors.add(LayerError.on(id, message)));
            out.put(id, f);
            if (step.spec().name().equals(EstimatorSpec.INPUT) && topology.input().filter(id::equals).isPresent()) {
                inputFeatures = f;
            }
        }
        return out;
    }

    /** The Columns steps that start the branches into a ColumnTransformer. */
    private static List<Step> columnsBefore(PipelineDrawing drawing, String id) {
        List<Step> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(id));
        while (!todo.isEmpty()) {
            for (Edge e : drawing.into(todo.remove(todo.size() - 1))) {
                Step from = drawing.steps().get(e.from());
                if (!seen.add(from.id()) || from.spec().name().equals(EstimatorSpec.INPUT)) {
                    continue;
                }
                if (from.spec().name().equals(EstimatorSpec.COLUMNS)) {
                    out.add(from);
                } else {
                    todo.add(from.id());
                }
            }
        }
        return out;
    }

    private static List<Integer> shape(Step step, OptionalInt features) {
        if (step.spec().isPredictor()) {
            return Arrays.asList((Integer) null);
        }
        return Arrays.asList(null, features.isPresent() ? features.getAsInt() : null);
    }
}
