package org.deepforge.server.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalInt;
import org.deepforge.model.Json;
import org.deepforge.server.http.BadRequest;

/**
 * Which finished executions of a project are kept: the newest {@code keepLast}, those created in the last {@code keepDays}
 * days, and (with {@code keepArtifactProducers}) those that made an artifact still in one of the project's branches. An
 * execution any rule keeps is kept; a policy with neither count keeps everything.
 */
public record RetentionPolicy(OptionalInt keepLast, OptionalInt keepDays, boolean keepArtifactProducers) {
    /** Most executions or days a rule may name. */
    static final int MOST = 1_000_000;

    /** What a project without a policy has: everything is kept. */
    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(OptionalInt.empty(), OptionalInt.empty(), true);

    /** Whether the policy deletes anything at all. */
    public boolean active() {
        return keepLast.isPresent() || keepDays.isPresent();
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("keepLast", keepLast.isPresent() ? keepLast.getAsInt() : null);
        o.put("keepDays", keepDays.isPresent() ? keepDays.getAsInt() : null);
        return o.put("keepArtifactProducers", keepArtifactProducers).put("active", active());
    }

    /** {@code {"keepLast": N|null, "keepDays": D|null, "keepArtifactProducers": bool}}; a 400 says what to fix. */
    public static RetentionPolicy parse(JsonNode body) {
        if (!body.isObject()) {
            throw new BadRequest("the policy is an object: {\"keepLast\": N or null, \"keepDays\": D or null, \"keepArtifactProducers\": true or false}");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("keepLast") && !f.equals("keepDays") && !f.equals("keepArtifactProducers") && !f.equals("active")) {
                throw new BadRequest("unknown field \"" + f + "\" in the policy; it has keepLast, keepDays and keepArtifactProducers");
            }
        });
        JsonNode producers = body.path("keepArtifactProducers");
        if (!producers.isMissingNode() && !producers.isBoolean()) {
            throw new BadRequest("\"keepArtifactProducers\" is true or false, not " + Json.compact(producers));
        }
        return new RetentionPolicy(count(body, "keepLast", 1), count(body, "keepDays", 1), producers.asBoolean(true));
    }

    private static OptionalInt count(JsonNode body, String field, int least) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return OptionalInt.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < least || v.asInt() > MOST) {
            String clipped = Json.compact(v);
            throw new BadRequest("\"" + field + "\" is a whole number from " + least + " to " + MOST + ", or null to not use it; not "
                    + (clipped.length() > 40 ? clipped.substring(0, 40) + "…" : clipped));
        }
        return OptionalInt.of(v.asInt());
    }
}
