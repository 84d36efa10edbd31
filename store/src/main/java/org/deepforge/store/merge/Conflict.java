package org.deepforge.store.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deepforge.model.Json;

/** One field changed differently on both sides of a merge; a missing side is {@link MissingNode}. */
public record Conflict(String path, JsonNode base, JsonNode ours, JsonNode theirs) {
    /** JSON for error bodies: absent values are omitted. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("path", path);
        if (!base.isMissingNode()) {
            o.set("base", base);
        }
        if (!ours.isMissingNode()) {
            o.set("ours", ours);
        }
        if (!theirs.isMissingNode()) {
            o.set("theirs", theirs);
        }
        return o;
    }
}
