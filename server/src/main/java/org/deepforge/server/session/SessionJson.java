package org.deepforge.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.deepforge.exec.session.Sessions;
import org.deepforge.model.Json;

/** Sessions and cells as the API shows them (docs/sessions.md, "REST and WebSocket"). */
public final class SessionJson {
    private SessionJson() {}

    public static ObjectNode session(Sessions.Info s) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", s.id()).put("project", s.project()).put("owner", s.owner())
                .put("adapter", s.adapter()).put("state", s.state()).put("reason", s.reason())
                .put("created", time(s.created())).put("lastActivity", time(s.lastActivity())).put("shared", s.shared())
                .put("branch", s.branch()).put("commit", s.commit()).put("idleTimeoutSeconds", s.idleTimeoutSeconds());
        o.set("environment", object(s.environment()));
        o.set("resources", object(s.resources()));
        return o;
    }

    public static ObjectNode cell(Sessions.Cell c) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", c.id()).put("index", c.index()).put("code", c.code())
                .put("origin", c.origin()).put("state", c.state()).put("executionCount", c.executionCount())
                .put("created", time(c.created())).put("finished", time(c.finished()));
        ArrayNode outputs = o.putArray("outputs");
        c.outputs().forEach(outputs::add);
        return o;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    private static JsonNode object(JsonNode n) {
        return n != null && n.isObject() ? n : Json.MAPPER.createObjectNode();
    }
}
