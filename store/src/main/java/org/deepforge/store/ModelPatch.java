package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import java.util.EnumSet;
import org.deepforge.model.Json;

/**
 * The RFC 6902 patch from one model view to another, as {@link JsonDiff} writes it (no move or copy ops),
 * but walking the model and its collections itself: an entry that is the very same node on both sides (an
 * edit shares every entry it did not touch with its parent) is skipped without being compared, so the cost
 * follows the size of the change rather than of the model.
 */
final class ModelPatch {
    private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);
    /** The model object and its collections are walked here; below that {@link JsonDiff} compares. */
    private static final int WALKED_LEVELS = 2;

    private ModelPatch() {}

    static ArrayNode between(JsonNode before, JsonNode after) {
        ArrayNode ops = Json.MAPPER.createArrayNode();
        diff("", before, after, 0, ops);
        return ops;
    }

    /** Like JsonDiff's object comparison: in {@code a}'s order removals and changes, then additions in {@code b}'s order. */
    private static void diff(String path, JsonNode a, JsonNode b, int level, ArrayNode ops) {
        if (a == b) {
            return;
        }
        if (level >= WALKED_LEVELS || !a.isObject() || !b.isObject()) {
            for (JsonNode op : JsonDiff.asJson(a, b, FLAGS)) {
                ((ObjectNode) op).put("path", path + op.get("path").asText());
                ops.add(op);
            }
            return;
        }
        for (var it = a.fields(); it.hasNext(); ) {
            var field = it.next();
            JsonNode other = b.get(field.getKey());
            if (other == field.getValue()) {
                continue; // shared: not even named
            }
            String at = path + "/" + escape(field.getKey());
            if (other == null) {
                ops.addObject().put("op", "remove").put("path", at).set("value", field.getValue());
            } else {
                diff(at, field.getValue(), other, level + 1, ops);
            }
        }
        for (var it = b.fields(); it.hasNext(); ) {
            var field = it.next();
            if (!a.has(field.getKey())) {
                ops.addObject().put("op", "add").put("path", path + "/" + escape(field.getKey())).set("value", field.getValue());
            }
        }
    }

    /** RFC 6901: '~' as ~0, '/' as ~1. */
    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
