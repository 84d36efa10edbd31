package org.deepforge.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * JSON Merge Patch (RFC 7386): a patch object names what changes; {@code null} removes a member, an
 * object merges into the member, anything else replaces it.
 */
public final class MergePatch {
    private MergePatch() {}

    /**
     * The patched document, sharing every unchanged subtree with {@code target}, which is left as it
     * was; callers must treat both as read-only afterwards.
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        if (target != null && target.isObject()) {
            target.properties().forEach(e -> result.set(e.getKey(), e.getValue()));
        }
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), apply(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }
}
