package org.deepforge.ops.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deepforge.model.Json;

/**
 * Something wrong with a pipeline, attached to a node (and port, or line of the node's code) where it
 * can be shown. An error blocks a run; a warning (what the code analysis finds: undefined names,
 * unresolved imports) is shown but does not, since the job's interpreter may differ from the server's.
 */
public record Issue(String node, String port, String kind, String message, int line, boolean warning) {
    public Issue(String node, String port, String kind, String message) {
        this(node, port, kind, message, 0, false);
    }

    /** Whether this keeps the pipeline from running. */
    public boolean blocksRun() {
        return !warning;
    }

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
        if (line > 0) {
            o.put("line", line);
        }
        o.put("severity", warning ? "warning" : "error");
        return o;
    }
}
