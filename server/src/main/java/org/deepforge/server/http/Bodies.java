package org.deepforge.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Optional;
import org.deepforge.model.Json;

/** Reading request bodies and parameters with messages that say what to fix. */
public final class Bodies {
    /** Largest JSON body accepted (bytes). */
    public static final long MAX_JSON = 16L * 1024 * 1024;

    private Bodies() {}

    /** The JSON object body, or an empty object when the request has no body. */
    public static ObjectNode optionalObject(Context ctx) {
        return object(ctx, true);
    }

    public static ObjectNode object(Context ctx) {
        return object(ctx, false);
    }

    private static ObjectNode object(Context ctx, boolean emptyIsFine) {
        long length = ctx.contentLength();
        if (length > MAX_JSON) {
            throw new BadRequest(413, "the request body is " + length + " bytes; JSON bodies may be at most " + MAX_JSON
                    + " bytes (upload large files through the artifact routes)");
        }
        byte[] bytes;
        try {
            bytes = ctx.bodyInputStream().readNBytes((int) MAX_JSON + 1);
        } catch (IOException e) {
            throw new BadRequest("could not read the request body: " + e.getMessage());
        }
        if (bytes.length > MAX_JSON) {
            throw new BadRequest(413, "the request body is larger than " + MAX_JSON + " bytes");
        }
        if (bytes.length == 0) {
            if (emptyIsFine) {
                return Json.MAPPER.createObjectNode();
            }
            throw new BadRequest("the request needs a JSON object body");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new BadRequest("the request body is not valid JSON"
                    + (loc != null ? " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")" : "")
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequest("could not read the request body: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadRequest("the request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    public static String requiredText(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw new BadRequest("\"" + field + "\" is required");
        }
        if (!v.isTextual()) {
            throw new BadRequest("\"" + field + "\" must be a string");
        }
        return v.asText();
    }

    public static Optional<String> optionalText(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new BadRequest("\"" + field + "\" must be a string");
        }
        return Optional.of(v.asText());
    }

    public static int intQuery(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadRequest("query parameter \"" + name + "\" must be a whole number, not \"" + v + "\"");
        }
    }
}
