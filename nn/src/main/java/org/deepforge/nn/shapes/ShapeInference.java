package org.deepforge.nn.shapes;

import org.deepforge.library.LayerError;
import org.deepforge.library.LayerInfo;
import org.deepforge.library.ArchitectureAnalysis;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deepforge.nn.Architecture;
import org.deepforge.nn.Connection;
import org.deepforge.nn.Layer;
import org.deepforge.nn.LayerCatalog;
import org.deepforge.nn.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works out the tensor shape on every connection of an architecture, each layer's parameters and the
 * arguments it can infer, in topological order; a layer that fails gets an error in the user's words,
 * and the layers after it get no shape and no further errors.
 */
public final class ShapeInference {
    private static final Logger LOG = LoggerFactory.getLogger(ShapeInference.class);

    private final LayerCatalog catalog;
    private final Rules rules = Rules.all();
    private final FallbackShapes fallback;
    /** Rule and fallback answers by type, arguments and input shapes: an edit reworks only what it changed. */
    private final LayerMemo memo = new LayerMemo(MEMO_CAPACITY);
    static final int MEMO_CAPACITY = 20_000;

    /** Shape inference with the catalog bundled in the jar. */
    public ShapeInference() {
        this(LayerCatalog.bundled());
    }

    public ShapeInference(LayerCatalog catalog) {
        this(catalog, FallbackShapes.NONE);
    }

    /** With a {@code fallback} for catalog layers that have no Java rule (e.g. the Python meta-device run). */
    public ShapeInference(LayerCatalog catalog, FallbackShapes fallback) {
        this.catalog = catalog;
        this.fallback = fallback;
    }

    /** Whether a layer type has a shape rule. */
    public boolean supports(String type) {
        return rules.find(type).isPresent();
    }

    public ArchitectureAnalysis analyze(JsonNode architecture) {
        return analyze(Architecture.parse(architecture));
    }

    public ArchitectureAnalysis analyze(Architecture architecture) {
        return new Run(architecture).run();
    }

    /** One analysis: the state while walking the layers in order. */
    private final class Run {
        private final Architecture a;
        private final Map<String, List<Shape>> outputs = new HashMap<>();
        private final Map<String, LayerInfo> infos = new LinkedHashMap<>();
        private final Set<String> failed = new HashSet<>();
        private final List<LayerError> errors = new ArrayList<>();
        /** Shared layers analysed before the layer they reuse: checked once that layer is done. */
        private final Map<String, List<Map.Entry<String, Map<String, JsonNode>>>> earlyShares = new HashMap<>();
        private long parameters;

        Run(Architecture a) {
            this.a = a;
        }

        ArchitectureAnalysis run() {
            for (Problem p : a.problems()) {
                errors.add(new LayerError(p.layer(), p.message()));
                if (p.blocking()) {
                    p.layer().ifPresent(failed::add);
                }
            }
            for (String id : a.order().order()) {
                if (!failed.contains(id) && a.incoming(id).stream().noneMatch(c -> failed.contains(c.from()))) {
                    analyzeLayer(a.layer(id).orElseThrow());
                } else {
                    failed.add(id);
                }
            }
            Map<String, List<Integer>> shapes = new LinkedHashMap<>();
            for (Connection c : a.connections()) {
                List<Shape> outs = outputs.get(c.from());
                if (outs != null && c.output() < outs.size()) {
                    shapes.put(c.id(), outs.get(c.output()).toList());
                }
            }
            return new ArchitectureAnalysis(shapes, infos, parameters, errors);
        }

        private void analyzeLayer(Layer layer) {
            String id = layer.id();
            String label = a.label(id);
            try {
                Result result;
                Map<String, JsonNode> inferred;
                if (layer.type().equals("Shared")) {
                    Shared shared = shared(layer);
                    if (failed.contains(shared.target().id())) {
                        failed.add(id); // the reused layer's own error says what is wrong
                        return;
                    }
                    Rule rule = rules.find(shared.target().type()).orElseThrow();
                    Args args = new Args(shared.target().type(), shared.arguments(), catalog, rule.defaults());
                    Result reused = rule.body().apply(new Call(shared.target().type(), args, inputs(layer, rule)));
                    result = new Result(reused.outputs(), 0);
                    inferred = Map.of();
                    if (!infos.containsKey(shared.target().id())) {
                        earlyShares.computeIfAbsent(shared.target().id(), k -> new ArrayList<>())
                                .add(Map.entry(id, args.inferred()));
                    }
                } else if (rules.find(layer.type()).isEmpty() && catalog.knows(layer.type()) && fallback != FallbackShapes.NONE) {
                    result = fromFallback(layer);
                    inferred = Map.of();
                } else {
                    Rule rule = rules.find(layer.type()).orElseThrow(() -> new ShapeException(unknownType(layer.type())));
                    List<Shape> in = inputs(layer, rule);
                    LayerMemo.Key key = LayerMemo.key(layer.type(), layer.arguments(), in);
                    LayerMemo.Answer answer = memo.get(key).orElse(null);
                    if (answer == null) {
                        Args args = new Args(layer.type(), layer.arguments(), catalog, rule.defaults());
                        try {
                            answer = LayerMemo.Answer.of(rule.body().apply(new Call(layer.type(), args, in)), args.inferred());
                        } catch (ShapeException e) {
                            answer = LayerMemo.Answer.failed(e.getMessage());
                        }
                        memo.put(key, answer);
                    }
                    result = answer.resultOrThrow();
                    inferred = answer.inferred();
                    checkEarlyShares(id, inferred);
                }
                outputs.put(id, result.outputs());
                infos.put(id, new LayerInfo(result.outputs().stream().map(Shape::toList).toList(), result.parameters(), inferred));
                parameters += result.parameters();
            } catch (ShapeException e) {
                fail(id, label + ": " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("shape rule for {} failed on layer {}", layer.type(), id, e);
                fail(id, label + ": its shape could not be worked out (an internal error of DeepForge: " + e + ")");
            }
        }

        /** A layer without a Java rule: asks the fallback, with its inputs' shapes in input order. */
        private Result fromFallback(Layer layer) {
            List<List<Integer>> shapes = new ArrayList<>();
            for (Connection c : a.incoming(layer.id())) {
                List<Shape> from = outputs.get(c.from());
                if (from == null || c.output() >= from.size()) {
                    throw new ShapeException("input " + c.input() + " has no known shape");
                }
                shapes.add(from.get(c.output()).toList());
            }
            // the fallback is a round trip to another process: a layer it answered before is not asked again
            List<Shape> in = new ArrayList<>();
            for (List<Integer> shape : shapes) {
                in.add(shapeOf(shape));
            }
            LayerMemo.Key key = LayerMemo.key(layer.type(), layer.arguments(), in);
            Optional<LayerMemo.Answer> known = memo.get(key);
            if (known.isPresent()) {
                return known.get().resultOrThrow();
            }
            FallbackShapes.Outputs out;
            try {
                Optional<FallbackShapes.Outputs> answered = fallback.outputs(layer.type(), layer.arguments(), shapes);
                if (answered.isEmpty()) {
                    throw new ShapeException(unknownType(layer.type())); // not remembered: the fallback may answer later
                }
                out = answered.get();
            } catch (IllegalArgumentException e) {
                memo.put(key, LayerMemo.Answer.failed(e.getMessage()));
                throw new ShapeException(e.getMessage());
            }
            List<Shape> result = new ArrayList<>();
            for (List<Integer> shape : out.shapes()) {
                result.add(shapeOf(shape));
            }
            Result r = new Result(result, out.parameters());
            memo.put(key, LayerMemo.Answer.of(r, Map.of()));
            return r;
        }

        private static Shape shapeOf(List<Integer> shape) {
            int[] dims = new int[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i) == null ? Shape.N : shape.get(i);
            }
            return Shape.of(dims);
        }

        private void fail(String id, String message) {
            failed.add(id);
            errors.add(LayerError.on(id, message));
        }

        /** The input shapes by input index, after checking that the right inputs are connected. */
        private List<Shape> inputs(Layer layer, Rule rule) {
            List<Connection> in = a.incoming(layer.id());
            if (rule.maxInputs() == 0 && !in.isEmpty()) {
                throw new ShapeException("takes no inputs, but connection " + in.get(0).id() + " goes into it");
            }
            List<Shape> shapes = new ArrayList<>(in.size());
            for (Connection c : in) {
                if (c.input() >= rule.maxInputs()) {
                    throw new ShapeException("has " + (rule.maxInputs() == 1 ? "one input" : rule.maxInputs() + " inputs")
                            + ", but connection " + c.id() + " goes to input " + c.input());
                }
                if (c.input() != shapes.size()) {
                    throw new ShapeException(missingInput(shapes.size(), in.isEmpty()));
                }
                List<Shape> from = outputs.get(c.from());
                if (c.output() >= from.size()) {
                    throw new ShapeException("input " + c.input() + " comes from output " + c.output() + " of " + a.label(c.from())
                            + ", which has " + (from.size() == 1 ? "only output 0" : "outputs 0…" + (from.size() - 1)));
                }
                shapes.add(from.get(c.output()));
            }
            if (shapes.size() < rule.minInputs()) {
                throw new ShapeException(missingInput(shapes.size(), shapes.isEmpty()));
            }
            return shapes;
        }

        private String missingInput(int index, boolean none) {
            return none && index == 0 ? "has no input connected" : "input " + index + " is not connected";
        }

        private record Shared(Layer target, ObjectNode arguments) {}

        private Shared shared(Layer layer) {
            JsonNode ref = layer.arguments().get("layer");
            if (ref == null || !ref.isTextual()) {
                throw new ShapeException("needs layer (the id of the layer whose module and weights it reuses)");
            }
            Layer target = a.layer(ref.asText())
                    .orElseThrow(() -> new ShapeException("reuses layer \"" + ref.asText() + "\", which does not exist"));
            if (rules.find(target.type()).isEmpty() || LanguageRules.TYPES.contains(target.type())) {
                throw new ShapeException("can only reuse a torch.nn layer, not " + a.label(target.id()));
            }
            ObjectNode args = ((ObjectNode) target.arguments()).deepCopy();
            LayerInfo targetInfo = infos.get(target.id());
            if (targetInfo != null) {
                targetInfo.inferred().forEach(args::set);
            }
            return new Shared(target, args);
        }

        private void checkEarlyShares(String id, Map<String, JsonNode> inferred) {
            for (Map.Entry<String, Map<String, JsonNode>> share : earlyShares.getOrDefault(id, List.of())) {
                share.getValue().forEach((name, value) -> {
                    JsonNode own = inferred.get(name);
                    if (own != null && !own.equals(value)) {
                        errors.add(LayerError.on(share.getKey(), a.label(share.getKey()) + ": reuses " + a.label(id)
                                + " whose " + name + " is " + own + ", but its own input needs " + value));
                    }
                });
            }
        }
    }

    private String unknownType(String type) {
        if (catalog.knows(type) || KnownTorchLayers.NAMES.contains(type)) {
            return "no shape rule for " + type + " yet, so the shapes after it are unknown";
        }
        String suggestion = closest(type);
        return "unknown layer type " + type + " (not a torch.nn layer nor a node of DeepForge"
                + (suggestion.isEmpty() ? ")" : "; did you mean " + suggestion + "?)");
    }

    private String closest(String type) {
        String lower = type.toLowerCase(Locale.ROOT);
        return rules.types().stream()
                .filter(t -> editDistance(lower, t.toLowerCase(Locale.ROOT)) < 3)
                .min(Comparator.comparingInt((String t) -> editDistance(lower, t.toLowerCase(Locale.ROOT)))
                        .thenComparing(t -> t))
                .orElse("");
    }

    private static int editDistance(String x, String y) {
        int[] prev = new int[y.length() + 1];
        int[] cur = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[y.length()];
    }
}
