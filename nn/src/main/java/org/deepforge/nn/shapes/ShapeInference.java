package org.deepforge.nn.shapes;

import org.deepforge.library.AnalysedArchitecture;
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
import java.util.Objects;
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
        return new Run(architecture, null, Set.of()).run();
    }

    /**
     * An analysed architecture as kept while the user edits it: besides the JSON and the analysis, the
     * parsed graph and each layer's output shapes, so that {@link #analyzeEdit} can rework only what an
     * edit changed.
     */
    public static final class Kept implements AnalysedArchitecture {
        private final JsonNode json;
        private final ArchitectureAnalysis analysis;
        private final Architecture parsed;
        private final Map<String, List<Shape>> outputs;
        /** Whether an edit of arguments may reuse layers: not when a Shared layer reads another layer's arguments. */
        private final boolean reusable;

        private Kept(JsonNode json, ArchitectureAnalysis analysis, Architecture parsed, Map<String, List<Shape>> outputs, boolean reusable) {
            this.json = json;
            this.analysis = analysis;
            this.parsed = parsed;
            this.outputs = outputs;
            this.reusable = reusable;
        }

        @Override
        public JsonNode architecture() {
            return json;
        }

        @Override
        public ArchitectureAnalysis analysis() {
            return analysis;
        }
    }

    /** {@link #analyze(JsonNode)}, kept for {@link #analyzeEdit}; {@code architecture} must not change afterwards. */
    public Kept analyzeKept(JsonNode architecture) {
        Architecture parsed = Architecture.parse(architecture);
        Run run = new Run(parsed, null, Set.of());
        return new Kept(architecture, run.run(), parsed, run.outputs,
                parsed.layers().values().stream().noneMatch(l -> l.type().equals("Shared")));
    }

    /**
     * The analysis of {@code edited}, which is {@code base}'s architecture with the JSON merge patch
     * {@code patch} applied — equal to {@code analyze(edited)}. When the patch changes only layers'
     * arguments (what the editor sends as the user types), the graph is not read again and only the
     * changed layers, and those after them whose inputs' shapes changed, are worked out; every other
     * layer's result is the base's. Anything else is analysed whole.
     */
    public Kept analyzeEdit(Kept base, JsonNode patch, JsonNode edited) {
        Optional<Map<String, JsonNode>> arguments = changedArguments(base, patch, edited);
        if (arguments.isEmpty()) {
            return analyzeKept(edited);
        }
        Architecture parsed = base.parsed.withArguments(arguments.get());
        Run run = new Run(parsed, base, arguments.get().keySet());
        return new Kept(edited, run.run(), parsed, run.outputs, true); // the same types as the base's, which had no Shared layer
    }

    /** The new arguments by layer when {@code patch} changes nothing else that the analysis reads; empty otherwise. */
    private static Optional<Map<String, JsonNode>> changedArguments(Kept base, JsonNode patch, JsonNode edited) {
        if (!base.reusable || !patch.isObject()) {
            return Optional.empty();
        }
        Map<String, JsonNode> arguments = new HashMap<>();
        if (patch.isEmpty()) {
            return Optional.of(arguments);
        }
        if (patch.size() != 1 || !patch.path("layers").isObject()) {
            return Optional.empty();
        }
        for (var it = patch.get("layers").properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            JsonNode change = e.getValue();
            if (!change.isObject() || change.has("type") || change.has("name") || !base.parsed.layers().containsKey(e.getKey())) {
                return Optional.empty();
            }
            if (change.has("arguments")) {
                JsonNode was = base.json.path("layers").path(e.getKey()).path("arguments");
                JsonNode now = edited.path("layers").path(e.getKey()).path("arguments");
                if (!now.isObject() || !(was.isObject() || was.isMissingNode() || was.isNull())) { // arguments that were not an object are a problem of the graph's
                    return Optional.empty();
                }
                arguments.put(e.getKey(), now);
            }
        }
        return Optional.of(arguments);
    }

    /** One analysis: the state while walking the layers in order. */
    private final class Run {
        private final Architecture a;
        /** An earlier analysis whose layer results stand where neither the arguments nor the inputs' shapes changed; null for none. */
        private final Kept base;
        private final Set<String> changed;
        /** Layers whose outputs differ from {@link #base}'s. */
        private final Set<String> differs = new HashSet<>();
        private final Map<String, List<Shape>> outputs;
        private final Map<String, LayerInfo> infos;
        private final Set<String> failed = new HashSet<>();
        private final List<LayerError> errors = new ArrayList<>();
        /** Shared layers analysed before the layer they reuse: checked once that layer is done. */
        private final Map<String, List<Map.Entry<String, Map<String, JsonNode>>>> earlyShares = new HashMap<>();
        private long parameters;

        Run(Architecture a, Kept base, Set<String> changed) {
            this.a = a;
            this.base = base;
            this.changed = changed;
            this.outputs = new HashMap<>(a.layers().size() * 4 / 3 + 1);
            this.infos = new LinkedHashMap<>(a.layers().size() * 4 / 3 + 1);
        }

        ArchitectureAnalysis run() {
            for (Problem p : a.problems()) {
                errors.add(new LayerError(p.layer(), p.message()));
                if (p.blocking()) {
                    p.layer().ifPresent(failed::add);
                }
            }
            for (String id : a.order().order()) {
                if (!failed.contains(id) && !fedBy(id, failed)) {
                    if (base == null) {
                        analyzeLayer(a.layer(id).orElseThrow());
                    } else if (!reuse(id)) {
                        analyzeLayer(a.layer(id).orElseThrow());
                        if (!Objects.equals(outputs.get(id), base.outputs.get(id))) {
                            differs.add(id);
                        }
                    }
                } else {
                    failed.add(id);
                }
            }
            Map<String, List<Integer>> shapes = new LinkedHashMap<>(a.connections().size() * 4 / 3 + 1);
            for (Connection c : a.connections()) {
                List<Shape> outs = outputs.get(c.from());
                List<Integer> before = base == null ? null : base.analysis.shapes().get(c.id());
                if (before != null && outs == base.outputs.get(c.from())) {
                    shapes.put(c.id(), before); // a reused layer's
                } else if (outs != null && c.output() < outs.size()) {
                    shapes.put(c.id(), outs.get(c.output()).toList());
                }
            }
            return new ArchitectureAnalysis(shapes, infos, parameters, errors);
        }

        /** Whether a connection into {@code id} comes from one of {@code layers}. */
        private boolean fedBy(String id, Set<String> layers) {
            if (layers.isEmpty()) {
                return false;
            }
            for (Connection c : a.incoming(id)) {
                if (layers.contains(c.from())) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Takes the base's result for a layer whose arguments did not change and whose inputs' shapes are
         * the base's; false when it must be worked out (also for a layer that failed: an error is cheap to
         * find again, and one that said a fallback was not ready must be asked again).
         */
        private boolean reuse(String id) {
            LayerInfo info = base.analysis.layers().get(id);
            if (info == null || changed.contains(id) || fedBy(id, differs)) {
                return false;
            }
            outputs.put(id, base.outputs.get(id));
            infos.put(id, info);
            parameters += info.parameters();
            return true;
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
