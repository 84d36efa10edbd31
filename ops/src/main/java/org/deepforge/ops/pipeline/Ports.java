package org.deepforge.ops.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.InvalidModelException;
import org.deepforge.model.domain.Node;
import org.deepforge.model.domain.PipelineJson;

/**
 * The ports of a pipeline node: an operation's interface inputs and outputs, {@code data} for Input and
 * Output nodes, and for a sub-pipeline one input per inner Input node and one output per inner Output
 * node. Port types are Python type expressions; {@code null} means untyped.
 */
public record Ports(Map<String, String> inputs, Map<String, String> outputs) {
    /** The ports of a node as the model view writes it; empty when the node is malformed (its rules report that). */
    public static Optional<Ports> of(JsonNode model, JsonNode node) {
        try {
            return of(model, PipelineJson.node("", node, ""));
        } catch (InvalidModelException e) {
            return Optional.empty();
        }
    }

    /** The ports of {@code node}; empty when it uses an operation or pipeline that does not exist. */
    public static Optional<Ports> of(JsonNode model, Node node) {
        Map<String, String> in = new LinkedHashMap<>();
        Map<String, String> out = new LinkedHashMap<>();
        if (node instanceof Node.Operation o) {
            JsonNode op = model.path("operations").path(o.operation());
            if (op.isMissingNode()) {
                return Optional.empty();
            }
            JsonNode iface = op.path("interface");
            iface.path("inputs").forEach(p -> in.put(p.path("name").asText(), text(p.get("type"))));
            iface.path("outputs").forEach(p -> out.put(p.path("name").asText(), text(p.get("type"))));
        } else if (node instanceof Node.Input i) {
            out.put("data", artifactType(model, i));
        } else if (node instanceof Node.Output) {
            in.put("data", null);
        } else if (node instanceof Node.SubPipeline s) {
            JsonNode inner = model.path("pipelines").path(s.pipeline());
            if (inner.isMissingNode()) {
                return Optional.empty();
            }
            inner.path("nodes").fields().forEachRemaining(e -> {
                Node n;
                try {
                    n = PipelineJson.node(e.getKey(), e.getValue(), "");
                } catch (InvalidModelException bad) {
                    return; // reported by the inner pipeline's own rules
                }
                if (n instanceof Node.Input i) {
                    in.put(i.portName(), null);
                } else if (n instanceof Node.Output o) {
                    out.put(o.portName(), null);
                }
            });
        }
        return Optional.of(new Ports(in, out));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }

    /** The type an Input node feeds: its artifact's type; none (untyped) for pickled or unknown artifacts. */
    static String artifactType(JsonNode model, Node.Input input) {
        String type = text(model.path("artifacts").path(input.artifact()).get("type"));
        return type == null || type.equals("pickle") ? null : type;
    }

    /**
     * Whether a value of type {@code from} may flow into a port of type {@code to}. Untyped ports,
     * {@code Any} and {@code object} take anything; {@code Optional[X]} and {@code X | None} are {@code X};
     * a union fits when one of its members does; generics compare by their container ({@code List[int]}
     * is a {@code list}); {@code bool} fits {@code int} and both fit {@code float}. Two different types
     * are refused only when both are types this check knows ({@link TypeNames#KNOWN}: builtins, arrays,
     * tensors, modules, files, data frames); a class it does not know may be a subclass, so it fits.
     */
    public static boolean compatible(String from, String to) {
        if (from == null || to == null) {
            return true;
        }
        List<String> as = TypeNames.alternatives(from);
        List<String> bs = TypeNames.alternatives(to);
        if (as.isEmpty() || bs.isEmpty()) {
            return true;
        }
        for (String a : as) {
            for (String b : bs) {
                if (TypeNames.fits(a, b)) {
                    return true;
                }
            }
        }
        return false;
    }
}
