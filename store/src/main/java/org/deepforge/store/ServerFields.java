package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import org.deepforge.model.Json;

/**
 * Fields of the model view that only the server writes: an artifact's {@code storage} record (adapter, key,
 * sha256, size, where). A client's change set may rename or describe an artifact, or remove it, but whatever it
 * does to the patch's operations (add, replace, copy, move, a whole {@code /artifacts}), the storage records of
 * the edited model must equal those of its base.
 */
public final class ServerFields {
    private ServerFields() {}

    /** Throws a 400 naming the first server-owned field that {@code edited} sets or changes relative to {@code base}. */
    public static void check(JsonNode base, JsonNode edited) {
        JsonNode after = edited.path("artifacts");
        JsonNode before = base.path("artifacts");
        if (!after.isObject()) {
            return; // ModelView.validate refuses a non-object collection
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode now = e.getValue().isObject() ? e.getValue().path("storage") : MissingNode.getInstance();
            JsonNode was = before.path(e.getKey()).path("storage");
            if (!now.equals(was)) {
                String pointer = "/artifacts/" + escape(e.getKey()) + "/storage" + firstDifference(was, now);
                var detail = Json.MAPPER.createObjectNode().put("path", pointer);
                throw new StoreException(StoreException.Kind.BAD_REQUEST,
                        pointer + " is set by the server; upload the data instead (POST /api/v1/projects/{p}/branches/{b}/artifacts)",
                        detail);
            }
        }
    }

    /** "/field" of the first differing field when both are objects; "" when the whole record differs. */
    private static String firstDifference(JsonNode was, JsonNode now) {
        if (!was.isObject() || !now.isObject()) {
            return "";
        }
        TreeSet<String> names = new TreeSet<>();
        was.fieldNames().forEachRemaining(names::add);
        now.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!was.path(name).equals(now.path(name))) {
                return "/" + escape(name);
            }
        }
        return "";
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
