package org.deepforge.nn.codegen;

import org.deepforge.library.CodeGenerationException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deepforge.nn.codegen.ArchitectureGraph.Layer;
import org.deepforge.nn.codegen.ArchitectureGraph.Port;

/** The body of {@code forward}: one statement per layer in topological order, then the return. */
final class ForwardStatements {
    private final ArchitectureGraph graph;
    private final Naming names;
    private final InferredArguments inferred;

    ForwardStatements(ArchitectureGraph graph, Naming names, InferredArguments inferred) {
        this.graph = graph;
        this.names = names;
        this.inferred = inferred;
    }

    void write(PythonLines py, int depth) {
        Map<String, List<String>> freed = lastUses();
        for (Layer layer : graph.order()) {
            switch (layer.type()) {
                case LayerKinds.INPUT, LayerKinds.OUTPUT -> { }
                case "Concatenate" -> py.call(depth, out(layer) + " = torch.cat",
                        List.of("[" + String.join(", ", inputs(layer)) + "]", "dim=" + dim(layer)), "");
                case "Add" -> py.add(depth, out(layer) + " = " + String.join(" + ", inputs(layer)));
                case "Multiply" -> py.add(depth, out(layer) + " = " + String.join(" * ", inputs(layer)));
                case "Mean" -> py.call(depth, out(layer) + " = torch.stack",
                        List.of("[" + String.join(", ", inputs(layer)) + "]"), ".mean(0)");
                case "Reshape" -> reshape(py, depth, layer);
                case "Split" -> split(py, depth, layer);
                case "Permute" -> py.call(depth, out(layer) + " = " + input(layer, 0) + ".permute",
                        sizes(layer, "dims"), "");
                case "ReduceMean" -> reduceMean(py, depth, layer);
                case "Expand" -> expand(py, depth, layer);
                case "Select" -> select(py, depth, layer);
                case LayerKinds.PARAMETER -> py.add(depth, out(layer) + " = self." + names.layer(layer.id()));
                default -> module(py, depth, layer);
            }
            List<String> dead = freed.getOrDefault(layer.id(), List.of());
            if (!dead.isEmpty()) {
                py.add(depth, "del " + String.join(", ", dead));
            }
        }
        py.add(depth, "return " + String.join(", ", returned()));
    }

    /**
     * The variables each layer uses for the last time, by layer id: {@code forward} lets go of a tensor
     * right after its last use (as hand-written code does by reusing a name), so training reuses memory
     * instead of holding every intermediate until the end (measured: about 5 % more time per step on CPU,
     * bench/run train-parity). Inputs of {@code forward} and what it returns are kept.
     */
    private Map<String, List<String>> lastUses() {
        Map<Port, String> last = new LinkedHashMap<>();
        Set<Port> kept = new HashSet<>();
        for (Layer layer : graph.order()) {
            for (Port port : graph.inputs(layer.id()).values()) {
                boolean parameter = graph.layer(port.layer()).map(l -> l.type().equals(LayerKinds.INPUT)).orElse(true);
                if (parameter || layer.type().equals(LayerKinds.OUTPUT)) {
                    kept.add(port);
                } else {
                    last.put(port, layer.id());
                }
            }
        }
        Map<String, List<String>> freed = new HashMap<>();
        last.forEach((port, layer) -> {
            if (!kept.contains(port)) {
                names.tensor(port).ifPresent(v -> {
                    List<String> vars = freed.computeIfAbsent(layer, k -> new ArrayList<>());
                    if (!vars.contains(v)) {
                        vars.add(v);
                    }
                });
            }
        });
        return freed;
    }

    private void module(PythonLines py, int depth, Layer layer) {
        Layer callee = layer;
        if (layer.type().equals(LayerKinds.SHARED)) {
            callee = SharedLayers.target(graph, layer).orElseThrow(() -> new CodeGenerationException(
                    layer.describe() + ": \"layer\" must name a torch layer of this architecture"));
        }
        String call = "self." + names.layer(callee.id());
        List<String> args;
        if (LayerKinds.isAttention(callee.type())) {
            String query = input(layer, 0);
            Map<Integer, Port> connected = graph.inputs(layer.id());
            String key = connected.containsKey(1) ? input(layer, 1) : query;
            String value = connected.containsKey(2) ? input(layer, 2) : query;
            args = List.of(query, key, value);
        } else {
            args = inputs(layer);
        }

        int highest = graph.highestUsedOutput(layer.id());
        boolean pair = LayerKinds.isRecurrent(callee.type()) || LayerKinds.isAttention(callee.type());
        if (highest > (pair ? 1 : 0)) {
            throw new CodeGenerationException(layer.describe() + " has no output " + highest);
        }
        String output = graph.isUsed(new Port(layer.id(), 0)) || highest < 1 ? out(layer) : "_";
        if (!pair) {
            py.call(depth, output + " = " + call, args, "");
        } else if (highest < 1) {
            py.call(depth, output + " = " + call, args, "[0]");
        } else {
            String second = names.tensor(new Port(layer.id(), 1)).orElseThrow();
            // An LSTM's hidden state is (h, c); the hidden output of the language is h.
            String target = callee.type().equals("LSTM") ? "(" + second + ", _)" : second;
            py.call(depth, output + ", " + target + " = " + call, args, "");
        }
    }

    private void reshape(PythonLines py, int depth, Layer layer) {
        JsonNode shape = layer.arguments().get("shape");
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw new CodeGenerationException(layer.describe() + ": set \"shape\", the shape of one sample");
        }
        String x = input(layer, 0);
        List<String> args = new ArrayList<>();
        args.add(x + ".shape[0]");
        shape.forEach(d -> args.add(PythonLiteral.of(d)));
        py.call(depth, out(layer) + " = " + x + ".reshape", args, "");
    }

    /** An argument that is a list of whole numbers (or one), as call arguments. */
    private static List<String> sizes(Layer layer, String argument) {
        JsonNode v = layer.arguments().get(argument);
        if (v == null || !(v.isArray() || v.isIntegralNumber())) {
            throw new CodeGenerationException(layer.describe() + ": set \"" + argument + "\"");
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(d -> out.add(PythonLiteral.of(d)));
        } else {
            out.add(PythonLiteral.of(v));
        }
        return out;
    }

    private void reduceMean(PythonLines py, int depth, Layer layer) {
        List<String> dims = sizes(layer, "dim");
        List<String> args = new ArrayList<>();
        args.add(dims.size() == 1 ? dims.get(0) : "[" + String.join(", ", dims) + "]");
        JsonNode keep = layer.arguments().get("keepdim");
        if (keep != null && keep.asBoolean(false)) {
            args.add("keepdim=True");
        }
        py.call(depth, out(layer) + " = " + input(layer, 0) + ".mean", args, "");
    }

    /** {@code x.expand(image.shape[0], -1, -1)}: null in the shape is the batch size, read off the first input. */
    private void expand(PythonLines py, int depth, Layer layer) {
        JsonNode shape = layer.arguments().get("shape");
        if (shape == null || !shape.isArray()) {
            throw new CodeGenerationException(layer.describe() + ": set \"shape\", the sizes to expand to");
        }
        List<String> args = new ArrayList<>();
        for (JsonNode d : shape) {
            if (d.isNull()) {
                if (names.inputs().isEmpty()) {
                    throw new CodeGenerationException(layer.describe() + ": the batch size (null in shape) needs an Input");
                }
                args.add(names.layer(names.inputs().get(0).id()) + ".shape[0]");
            } else {
                args.add(PythonLiteral.of(d));
            }
        }
        py.call(depth, out(layer) + " = " + input(layer, 0) + ".expand", args, "");
    }

    /** {@code x[:, 0]}: one index along one dimension. */
    private void select(PythonLines py, int depth, Layer layer) {
        JsonNode dim = layer.arguments().get("dim");
        JsonNode index = layer.arguments().get("index");
        if (dim == null || !dim.isIntegralNumber() || index == null || !index.isIntegralNumber()) {
            throw new CodeGenerationException(layer.describe() + ": set \"dim\" and \"index\", whole numbers");
        }
        String x = input(layer, 0);
        if (dim.asInt() >= 0 && dim.asInt() <= 3) {
            py.add(depth, out(layer) + " = " + x + "[" + ":, ".repeat(dim.asInt()) + index.asInt() + "]");
        } else {
            py.call(depth, out(layer) + " = " + x + ".select", List.of(dim.asText(), index.asText()), "");
        }
    }

    private void split(PythonLines py, int depth, Layer layer) {
        int highest = graph.highestUsedOutput(layer.id());
        if (highest < 0) {
            return;
        }
        JsonNode size = layer.arguments().get("split_size_or_sections");
        if (size == null || !(size.isIntegralNumber() || size.isArray())) {
            throw new CodeGenerationException(layer.describe()
                    + ": set \"split_size_or_sections\", a size or a list of sizes");
        }
        Optional<Integer> pieces = size.isArray() ? Optional.of(size.size())
                : Optional.ofNullable(inferred.of(layer.id()).get("chunks")).map(JsonNode::asInt);
        if (pieces.isPresent() && highest >= pieces.get()) {
            throw new CodeGenerationException(layer.describe() + " makes " + pieces.get()
                    + " pieces; it has no output " + highest);
        }
        List<String> targets = new ArrayList<>();
        for (int k = 0; k <= highest; k++) {
            Port port = new Port(layer.id(), k);
            targets.add(graph.isUsed(port) ? names.tensor(port).orElseThrow() : "_");
        }
        List<String> args = List.of(input(layer, 0), PythonLiteral.list(size), "dim=" + dim(layer));
        if (pieces.isEmpty()) {
            targets.add("*_");
        } else if (pieces.get() == 1) {
            py.call(depth, targets.get(0) + " = torch.split", args, "[0]");
            return;
        } else {
            while (targets.size() < pieces.get()) {
                targets.add("_");
            }
        }
        py.call(depth, String.join(", ", targets) + " = torch.split", args, "");
    }

    private List<String> returned() {
        if (names.outputs().isEmpty()) {
            throw new CodeGenerationException("The architecture has no Output layer: add one for what forward returns");
        }
        List<String> values = new ArrayList<>();
        for (Layer out : names.outputs()) {
            values.add(input(out, 0));
        }
        return values;
    }

    private String out(Layer layer) {
        return names.tensor(new Port(layer.id(), 0)).orElseThrow();
    }

    private String dim(Layer layer) {
        JsonNode dim = layer.arguments().get("dim");
        return dim == null ? "1" : PythonLiteral.of(dim);
    }

    /** The variables feeding a layer, by input index; input 0 must be connected. */
    private List<String> inputs(Layer layer) {
        Map<Integer, Port> connected = graph.inputs(layer.id());
        input(layer, 0);
        List<String> vars = new ArrayList<>();
        connected.keySet().forEach(i -> vars.add(input(layer, i)));
        return vars;
    }

    private String input(Layer layer, int index) {
        Port port = graph.inputs(layer.id()).get(index);
        if (port == null) {
            throw new CodeGenerationException(layer.describe() + ": input " + index + " is not connected");
        }
        return names.tensor(port).orElseThrow(() -> new CodeGenerationException(layer.describe()
                + ": its input " + index + " comes from an output that "
                + graph.layer(port.layer()).map(Layer::describe).orElse(port.layer()) + " does not have"));
    }
}
