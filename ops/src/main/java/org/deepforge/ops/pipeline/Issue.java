package org.deepforge.ops.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deepforge.model.Json;

/** Something wrong with a pipeline, attached to a node (and port) where it can be shown. */
public record Issue(String node, String port, String kind, String message) {
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (node != null) {
            o.put("node", node);
        } else {
            o.putNull("node");
        }
        if (port != null) {
            o.put("port", port);
        }
        o.put("kind", kind);
        o.put("message", message);
        return o;
    }
}
