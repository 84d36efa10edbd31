package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.deepforge.model.Json;

/**
 * What an agent may say (docs/sessions.md), parsed from one line and rebuilt from the fields the protocol knows: an
 * unknown type, a missing or ill-typed field, or an unknown output kind make the line nothing ({@link #parse} is
 * empty), and unknown fields never pass on. The agent runs users' code, so nothing it says is trusted.
 */
sealed interface AgentMessage {
    record Hello(String session, String secret, int protocol, long pid, ObjectNode environment) implements AgentMessage {}

    record Status(String state) implements AgentMessage {}

    record Output(String cell, ObjectNode output) implements AgentMessage {}

    record Done(String cell, String status, Integer executionCount) implements AgentMessage {}

    record Resources(ObjectNode resources) implements AgentMessage {}

    record Pong() implements AgentMessage {}

    Set<String> STATES = Set.of("starting", "idle", "busy", "restarting", "dead");
    Set<String> DONE = Set.of("ok", "error", "aborted");
    Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    Pattern MIMETYPE = Pattern.compile("[a-z]+/[A-Za-z0-9.+_-]{1,100}");
    int MAX_MIMETYPES = 16;
    int MAX_ENVIRONMENT = 32;

    /** The message on this line, if it is one the protocol knows and well formed. */
    static Optional<AgentMessage> parse(byte[] line) {
        JsonNode m;
        try {
            m = Json.MAPPER.readTree(line);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (m == null || !m.isObject()) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (m.path("type").asText("")) {
            case "hello" -> m.path("secret").isTextual() && m.path("protocol").isInt() && id(m.path("session"))
                    ? new Hello(m.get("session").asText(), m.get("secret").asText(), m.get("protocol").asInt(),
                    m.path("pid").asLong(0), environment(m.path("environment")))
                    : null;
            case "status" -> STATES.contains(m.path("state").asText()) && m.path("state").isTextual()
                    ? new Status(m.get("state").asText()) : null;
            case "output" -> id(m.path("id")) ? output(m.path("output")).map(o -> new Output(m.get("id").asText(), o)).orElse(null) : null;
            case "done" -> id(m.path("id")) && m.path("status").isTextual() && DONE.contains(m.get("status").asText())
                    ? new Done(m.get("id").asText(), m.get("status").asText(),
                    m.path("executionCount").isInt() ? m.get("executionCount").asInt() : null)
                    : null;
            case "resources" -> new Resources(resources(m));
            case "pong" -> new Pong();
            default -> null;
        });
    }

    private static boolean id(JsonNode id) {
        return id.isTextual() && ID.matcher(id.asText()).matches();
    }

    /** One of Jupyter's output kinds, with only the fields of its kind. */
    private static Optional<ObjectNode> output(JsonNode o) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        String kind = o.path("kind").asText("");
        out.put("kind", kind);
        switch (kind) {
            case "stream" -> {
                String name = o.path("name").asText("");
                if (!(name.equals("stdout") || name.equals("stderr")) || !o.path("text").isTextual()) {
                    return Optional.empty();
                }
                out.put("name", name).put("text", o.get("text").asText());
            }
            case "display" -> out.set("data", data(o.path("data")));
            case "result" -> {
                if (o.path("executionCount").isInt()) {
                    out.put("executionCount", o.get("executionCount").asInt());
                }
                out.set("data", data(o.path("data")));
            }
            case "error" -> {
                if (!o.path("ename").isTextual() || !o.path("evalue").isTextual() || !o.path("traceback").isArray()) {
                    return Optional.empty();
                }
                out.put("ename", o.get("ename").asText()).put("evalue", o.get("evalue").asText());
                var traceback = out.putArray("traceback");
                for (JsonNode line : o.get("traceback")) {
                    if (!line.isTextual()) {
                        return Optional.empty();
                    }
                    traceback.add(line.asText());
                }
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(out);
    }

    /** A mimetype map: text values, or JSON values for JSON types (every DeepForge type is one); other entries are left out. */
    private static ObjectNode data(JsonNode data) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext() && out.size() < MAX_MIMETYPES; ) {
            var e = it.next();
            boolean json = e.getKey().equals("application/json") || e.getKey().endsWith("+json");
            if (MIMETYPE.matcher(e.getKey()).matches() && (e.getValue().isTextual() || json)) {
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The agent's environment report: short scalar values under short names. */
    private static ObjectNode environment(JsonNode env) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (!env.isObject()) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext() && out.size() < MAX_ENVIRONMENT; ) {
            var e = it.next();
            JsonNode v = e.getValue();
            if (e.getKey().length() <= 64 && (v.isBoolean() || v.isNumber() || v.isNull() || v.isTextual() && v.asText().length() <= 200)) {
                out.set(e.getKey(), v);
            }
        }
        return out;
    }

    private static ObjectNode resources(JsonNode m) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (m.path("rssBytes").canConvertToLong() && m.get("rssBytes").asLong() >= 0) {
            out.put("rssBytes", m.get("rssBytes").asLong());
        }
        if (m.path("cpuSeconds").isNumber() && m.get("cpuSeconds").asDouble() >= 0 && Double.isFinite(m.get("cpuSeconds").asDouble())) {
            out.put("cpuSeconds", m.get("cpuSeconds").asDouble());
        }
        if (m.path("cuda").isBoolean()) {
            out.put("cuda", m.get("cuda").asBoolean());
        }
        return out;
    }
}
