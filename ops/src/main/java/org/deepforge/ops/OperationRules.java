package org.deepforge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.deepforge.model.Json;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.AnalysisException;
import org.deepforge.ops.pipeline.Issue;
import org.deepforge.ops.pipeline.PipelineRules;
import org.deepforge.store.ModelHook;
import org.deepforge.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store hook for operations and pipelines: derives each operation's {@code interface} from its code
 * (keeping the last good one while the code has a syntax error), and refuses change sets that break a
 * pipeline rule they did not break before.
 */
public final class OperationRules implements ModelHook {
    private static final Logger LOG = LoggerFactory.getLogger(OperationRules.class);
    private final Analysis analysis;

    public OperationRules(Analysis analysis) {
        this.analysis = analysis;
    }

    @Override
    public boolean derived(String pointer) {
        return pointer.startsWith("/operations/") && pointer.indexOf("/interface", "/operations/".length()) > 0;
    }

    @Override
    public JsonNode prepare(JsonNode before, JsonNode after) {
        ObjectNode result = null;
        JsonNode operations = after.path("operations");
        for (var it = operations.fields(); it.hasNext(); ) {
            var e = it.next();
            String name = e.getKey();
            JsonNode op = e.getValue();
            JsonNode prev = before.path("operations").path(name);
            String code = op.path("code").asText("");
            JsonNode iface;
            if (prev.isObject() && prev.has("interface") && prev.path("code").asText("").equals(code)) {
                iface = prev.get("interface"); // unchanged code: the interface stays (clients cannot write it)
            } else {
                JsonNode lastGood = prev.has("interface") ? prev.get("interface") : op.get("interface");
                iface = derive(name, code, lastGood);
            }
            if (!iface.equals(op.get("interface"))) {
                if (result == null) {
                    result = shallow(after);
                    result.set("operations", shallow(operations));
                }
                ObjectNode copy = ((ObjectNode) op).deepCopy();
                copy.set("interface", iface);
                ((ObjectNode) result.get("operations")).set(name, copy);
            }
        }
        JsonNode model = result != null ? result : after;
        for (var it = model.path("pipelines").fields(); it.hasNext(); ) {
            var e = it.next();
            if (Objects.equals(before.path("pipelines").get(e.getKey()), e.getValue())) {
                continue;
            }
            List<Issue> now = PipelineRules.violations(model, e.getKey());
            if (now.isEmpty()) {
                continue;
            }
            Set<String> known = new HashSet<>();
            if (before.path("pipelines").has(e.getKey())) {
                PipelineRules.violations(before, e.getKey()).forEach(i -> known.add(i.message()));
            }
            for (Issue issue : now) {
                if (!known.contains(issue.message())) {
                    ObjectNode detail = issue.toJson().put("pipeline", e.getKey());
                    throw new StoreException(StoreException.Kind.BAD_REQUEST, issue.message(), detail);
                }
            }
        }
        return model;
    }

    /** The interface of {@code code}; on a syntax error the last good interface with the error attached. */
    JsonNode derive(String name, String code, JsonNode lastGood) {
        JsonNode parsed;
        try {
            parsed = analysis.parse(code, name);
        } catch (AnalysisException e) {
            LOG.warn("cannot derive the interface of {}: {}", name, e.getMessage());
            ObjectNode kept = lastGood instanceof ObjectNode o ? o.deepCopy() : emptyInterface();
            kept.put("analysisError", e.getMessage());
            return kept;
        }
        if (parsed.path("syntaxError").isObject() && lastGood instanceof ObjectNode good && good.path("class").isTextual()) {
            ObjectNode kept = good.deepCopy();
            kept.set("syntaxError", parsed.get("syntaxError"));
            kept.remove("analysisError");
            return kept;
        }
        return parsed;
    }

    static ObjectNode emptyInterface() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putNull("class");
        o.putArray("attributes");
        o.putArray("references");
        o.putArray("inputs");
        o.putArray("outputs");
        o.putArray("errors");
        o.putNull("syntaxError");
        return o;
    }

    private static ObjectNode shallow(JsonNode node) {
        ObjectNode copy = Json.MAPPER.createObjectNode();
        node.fields().forEachRemaining(f -> copy.set(f.getKey(), f.getValue()));
        return copy;
    }
}
