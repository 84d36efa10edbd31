package org.deepforge.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.deepforge.exec.session.Sessions;
import org.deepforge.model.Json;

/**
 * A session's trainings as the trainer shows them, built from what their cells displayed: the latest
 * {@code training} output gives the state and epochs, the {@code metric} outputs the series by name.
 */
public final class SessionTrainings {
    private static final String TRAINING = "application/vnd.deepforge.training+json";
    private static final String METRIC = "application/vnd.deepforge.metric+json";

    private final Sessions sessions;
    private final SessionLedger ledger;

    public SessionTrainings(Sessions sessions, SessionLedger ledger) {
        this.sessions = sessions;
        this.ledger = ledger;
    }

    /** {@code {"items": [{"id", "config", "state", "epochs", "metrics": {name: [{"step", "epoch", "value"}]}, "cell"}]}}. */
    public ObjectNode list(String session) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        for (SessionLedger.Training t : ledger.trainings(session)) {
            Optional<Sessions.Cell> cell = sessions.cell(session, t.cell());
            items.add(view(t, cell));
        }
        return out;
    }

    static ObjectNode view(SessionLedger.Training t, Optional<Sessions.Cell> cell) {
        ObjectNode item = Json.MAPPER.createObjectNode().put("id", t.id());
        item.set("config", t.config().deepCopy());
        JsonNode latest = null;
        ObjectNode metrics = Json.MAPPER.createObjectNode();
        for (JsonNode o : cell.map(Sessions.Cell::outputs).orElse(java.util.List.of())) {
            JsonNode data = o.path("data");
            JsonNode training = data.path(TRAINING);
            if (training.isObject() && training.path("training").asText().equals(t.id())) {
                latest = training;
            }
            JsonNode metric = data.path(METRIC);
            if (metric.isObject() && metric.path("training").asText().equals(t.id()) && metric.path("name").isTextual()
                    && metric.path("value").isNumber()) {
                ArrayNode series = metrics.has(metric.get("name").asText()) ? (ArrayNode) metrics.get(metric.get("name").asText())
                        : metrics.putArray(metric.get("name").asText());
                series.addObject().put("step", metric.path("step").asLong()).put("epoch", metric.path("epoch").asLong())
                        .set("value", metric.get("value"));
            }
        }
        item.put("state", state(latest, cell));
        item.put("epochs", latest != null && latest.path("epochs").canConvertToLong() ? latest.path("epochs").asLong()
                : t.config().path("epochs").asLong(1));
        if (latest != null && latest.path("error").isTextual()) {
            item.put("error", latest.path("error").asText());
        }
        item.set("metrics", metrics);
        item.put("cell", t.cell());
        return item;
    }

    /**
     * The training's state: what it last reported, unless its cell ended without saying how the training ended (an
     * error before the first report: failed; interrupted or restarted: stopped); queued while its cell waits.
     */
    private static String state(JsonNode latest, Optional<Sessions.Cell> cell) {
        String reported = latest == null ? null : latest.path("state").asText(null);
        String cellState = cell.map(Sessions.Cell::state).orElse("aborted");
        boolean ended = !cellState.equals("queued") && !cellState.equals("running");
        if (reported != null && (!reported.equals("running") || !ended)) {
            return reported;
        }
        return switch (cellState) {
            case "queued" -> "queued";
            case "running" -> "running";
            case "ok" -> "finished";
            case "aborted" -> "stopped";
            default -> "failed";
        };
    }
}
