package org.deepforge.nn.codegen;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.deepforge.model.PythonNames;
import org.deepforge.nn.codegen.ArchitectureGraph.Layer;
import org.deepforge.nn.codegen.ArchitectureGraph.Port;

/**
 * The Python names of one architecture: each layer's name (its attribute on {@code self} and its variable in
 * {@code forward}) and the variable holding each tensor. User names are kept where Python allows them;
 * the rest are the type in snake case with a counter. A tensor that feeds a named Output takes that name.
 */
final class Naming {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final ArchitectureGraph graph;
    private final Identifiers pool = new Identifiers();
    private final Map<String, String> layerNames = new HashMap<>();
    private final Map<Port, String> tensors = new HashMap<>();
    private final List<Layer> inputs;
    private final List<Layer> outputs;

    Naming(ArchitectureGraph graph) {
        this.graph = graph;
        List<Layer> order = graph.order();
        for (Layer l : order) {
            if (hasUserName(l)) {
                layerNames.put(l.id(), pool.claim(l.name().orElseThrow()));
            }
        }
        for (Layer l : order) {
            if (!layerNames.containsKey(l.id()) && !l.type().equals(LayerKinds.SHARED)
                    && !l.type().equals(LayerKinds.OUTPUT)) {
                layerNames.put(l.id(), pool.claimNumbered(Identifiers.snakeCase(l.type())));
            }
        }
        for (Layer l : order) {
            if (!layerNames.containsKey(l.id()) && l.type().equals(LayerKinds.SHARED)) {
                Optional<String> target = SharedLayers.target(graph, l).map(t -> layerNames.get(t.id()));
                layerNames.put(l.id(), target.map(pool::claim).orElseGet(() -> pool.claimNumbered("shared")));
            }
        }
        Comparator<Layer> byName = Comparator.comparing((Layer l) -> l.name().orElse(""))
                .thenComparing(Layer::id, ArchitectureGraph.NATURAL);
        inputs = order.stream().filter(l -> l.type().equals(LayerKinds.INPUT)).sorted(byName).toList();
        outputs = order.stream().filter(l -> l.type().equals(LayerKinds.OUTPUT)).sorted(byName).toList();
        nameTensors(order);
    }

    private static boolean hasUserName(Layer l) {
        return l.name().filter(n -> IDENTIFIER.matcher(n).matches() && !PythonNames.isKeyword(n)).isPresent();
    }

    private void nameTensors(List<Layer> order) {
        for (Layer l : order) {
            if (l.type().equals(LayerKinds.OUTPUT)) {
                continue;
            }
            String name = layerNames.get(l.id());
            tensors.put(new Port(l.id(), 0), name);
            String callee = SharedLayers.target(graph, l).map(Layer::type).orElse(l.type());
            int highest = graph.highestUsedOutput(l.id());
            if (l.type().equals("Split")) {
                for (int k = 0; k <= Math.max(highest, 0); k++) {
                    tensors.put(new Port(l.id(), k), pool.claim(name + "_" + k));
                }
            } else if (LayerKinds.isRecurrent(callee) && highest >= 1) {
                tensors.put(new Port(l.id(), 1), pool.claim(name + "_hidden"));
            } else if (LayerKinds.isAttention(callee) && highest >= 1) {
                tensors.put(new Port(l.id(), 1), pool.claim(name + "_weights"));
            }
        }
        List<Port> renamed = new ArrayList<>();
        for (Layer out : outputs) {
            Optional<Port> source = Optional.ofNullable(graph.inputs(out.id()).get(0));
            if (source.isEmpty() || !layerNames.containsKey(out.id()) || renamed.contains(source.get())) {
                continue;
            }
            Port port = source.get();
            if (tensors.containsKey(port) && tensors.get(port).equals(out.name().orElse(""))) {
                renamed.add(port);
                continue;
            }
            boolean fromInput = graph.layer(port.layer()).map(s -> s.type().equals(LayerKinds.INPUT)).orElse(true);
            if (!fromInput && tensors.containsKey(port)) {
                tensors.put(port, layerNames.get(out.id()));
                renamed.add(port);
            }
        }
    }

    /** The layer's attribute name (or, for language nodes, the name its tensor would take). */
    String layer(String layerId) {
        return layerNames.get(layerId);
    }

    /** The variable holding the tensor at this output, if the layer has such an output. */
    Optional<String> tensor(Port port) {
        return Optional.ofNullable(tensors.get(port));
    }

    /** Input layers in name order: the parameters of {@code forward}. */
    List<Layer> inputs() {
        return inputs;
    }

    /** Output layers in name order: what {@code forward} returns. */
    List<Layer> outputs() {
        return outputs;
    }
}
