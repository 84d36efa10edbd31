package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.library.LayerError;

/**
 * An architecture of kind {@code sklearn-pipeline} read from JSON: the steps the catalog knows, the connections
 * between them, and the errors of what could not be read (unknown types, dangling or doubled connections).
 */
final class PipelineDrawing {
    private final String name;
    private final Map<String, Step> steps = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();
    private final List<LayerError> errors = new ArrayList<>();
    private final Map<String, List<Edge>> into = new HashMap<>();
    private final Map<String, List<Edge>> outOf = new HashMap<>();

    private PipelineDrawing(String name) {
        this.name = name;
    }

    static PipelineDrawing read(JsonNode json, EstimatorCatalog catalog) {
        PipelineDrawing d = new PipelineDrawing(json.path("name").isTextual() ? json.get("name").asText() : "");
        if (!json.isObject()) {
            d.errors.add(new LayerError(Optional.empty(), "an architecture must be a JSON object with \"layers\" and \"connections\""));
            return d;
        }
        if (!json.path("layers").isObject() && !json.path("layers").isMissingNode()) {
            d.errors.add(new LayerError(Optional.empty(), "\"layers\" must be an object of layers by id"));
        }
        json.path("layers").properties().forEach(e -> d.readStep(e.getKey(), e.getValue(), catalog));
        if (!json.path("connections").isObject() && !json.path("connections").isMissingNode()) {
            d.errors.add(new LayerError(Optional.empty(), "\"connections\" must be an object of connections by id"));
        }
        Map<String, Edge> byInput = new HashMap<>();
        json.path("connections").properties().forEach(e -> d.readEdge(e.getKey(), e.getValue()).ifPresent(edge -> {
            Edge other = byInput.putIfAbsent(edge.to() + "\u0000" + edge.input(), edge);
            if (other == null) {
                d.edges.add(edge);
                d.into.computeIfAbsent(edge.to(), k -> new ArrayList<>()).add(edge);
                d.outOf.computeIfAbsent(edge.from(), k -> new ArrayList<>()).add(edge);
            } else {
                d.errors.add(LayerError.on(edge.to(), d.steps.get(edge.to()).label() + ": input " + edge.input()
                        + " has two connections (" + other.id() + " and " + edge.id() + "); remove one"));
            }
        }));
        d.into.values().forEach(edges -> edges.sort(Comparator.comparingInt(Edge::input)));
        return d;
    }

    private void readStep(String id, JsonNode layer, EstimatorCatalog catalog) {
        String type = layer.path("type").asText("");
        Optional<EstimatorSpec> spec = catalog.find(type);
        if (spec.isEmpty()) {
            errors.add(LayerError.on(id, type.isEmpty() ? "layer \"" + id + "\" has no type: pick an estimator from the palette"
                    : "\"" + type + "\" (layer \"" + id + "\") is not a scikit-learn estimator this library knows: pick one from the palette"));
            return;
        }
        Optional<String> stepName = layer.path("name").isTextual() && !layer.get("name").asText().isBlank()
                ? Optional.of(layer.get("name").asText()) : Optional.empty();
        Map<String, JsonNode> arguments = new LinkedHashMap<>();
        layer.path("arguments").properties().forEach(e -> arguments.put(e.getKey(), e.getValue()));
        Step step = new Step(id, spec.get(), stepName, arguments);
        if (stepName.filter(n -> n.contains("__")).isPresent()) {
            errors.add(LayerError.on(id, step.label() + ": a step name cannot contain \"__\" (scikit-learn uses it for nested"
                    + " parameters); rename it"));
        }
        steps.put(id, step);
    }

    private Optional<Edge> readEdge(String id, JsonNode c) {
        String from = c.path("from").path("layer").asText("");
        String to = c.path("to").path("layer").asText("");
        if (!steps.containsKey(from) || !steps.containsKey(to)) {
            String missing = steps.containsKey(from) ? to : from;
            Optional<String> on = steps.containsKey(to) ? Optional.of(to) : steps.containsKey(from) ? Optional.of(from) : Optional.empty();
            errors.add(new LayerError(on, "connection \"" + id + "\" joins layer \"" + missing + "\", which is not in the drawing (or has"
                    + " an unknown type); remove the connection"));
            return Optional.empty();
        }
        Step source = steps.get(from);
        Step target = steps.get(to);
        int output = c.path("from").path("output").asInt(0);
        int input = c.path("to").path("input").asInt(0);
        // a predictor's outgoing connections stay: Topology says it must be the last step
        if (output != 0 || source.spec().outputs() == 0 && !source.spec().isPredictor()) {
            errors.add(LayerError.on(from, source.label() + " has no output " + output + "; connect output 0"));
            return Optional.empty();
        }
        int max = target.spec().maxInputs().orElse(Integer.MAX_VALUE);
        if (input < 0 || input >= max) {
            errors.add(LayerError.on(to, target.label() + (max == 0 ? " takes no input" : " has no input " + input
                    + "; connect input 0") + " (connection \"" + id + "\")"));
            return Optional.empty();
        }
        return Optional.of(new Edge(id, from, output, to, input));
    }

    String name() {
        return name;
    }

    Map<String, Step> steps() {
        return Collections.unmodifiableMap(steps);
    }

    List<Edge> edges() {
        return Collections.unmodifiableList(edges);
    }

    /** The connections into a step, by input index. */
    List<Edge> into(String step) {
        return Collections.unmodifiableList(into.getOrDefault(step, List.of()));
    }

    /** The connections out of a step, in drawing order. */
    List<Edge> outOf(String step) {
        return Collections.unmodifiableList(outOf.getOrDefault(step, List.of()));
    }

    List<LayerError> errors() {
        return Collections.unmodifiableList(errors);
    }
}
