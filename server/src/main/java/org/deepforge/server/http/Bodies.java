package org.deepforge.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.model.Names;

/** Reading request bodies and parameters with messages that say what to fix. */
public final class Bodies {
    /** Largest JSON body accepted (bytes). */
    public static final long MAX_JSON = 16L * 1024 * 1024;

    /** Largest page a paged route serves ({@code limit}); docs/api.md names it. */
    public static final int MAX_LIMIT = 1000;
    /** Request bodies are read strictly: one document, no repeated keys (which one would win is a guess). */
    private static final ObjectMapper STRICT = Json.MAPPER.copy()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Bodies() {}

    /** Refuses a body sent as anything but JSON (415); a request without a body may omit the type. */
    static void requireJson(Context ctx, int length) {
        String type = ctx.header("Content-Type");
        if (type == null || type.isBlank()) {
            if (length == 0) {
                return;
            }
            throw new BadRequest(415, "the request body needs \"Content-Type: application/json\"");
        }
        String[] parts = type.split(";");
        String media = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new BadRequest(415, "this route reads JSON: send the body as \"Content-Type: application/json\", not \""
                    + clip(type) + "\"");
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].strip().toLowerCase(Locale.ROOT).replace("\"", "");
            if (param.startsWith("charset=") && !param.equals("charset=utf-8")) {
                throw new BadRequest(415, "JSON bodies are UTF-8: send \"Content-Type: application/json\" (or charset=utf-8), not \""
                        + clip(type) + "\"");
            }
        }
    }

    public static String clip(String s) {
        String clean = s.codePoints().map(c -> c < 0x20 || c > 0x7e ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }

    /** The most of a refused body that is read (and dropped) before the refusal is sent; a bigger one is not waited for. */
    static final long DISCARD_AT_MOST = 64L * 1024 * 1024;

    /**
     * Reads and drops what is left of a refused request's body (never held in memory), so that a client still sending
     * it gets the refusal: a connection closed while a body is still arriving is reset, and the answer is lost with
     * it. Not for a body declared bigger than {@link #DISCARD_AT_MOST}; the connection is closed after the answer.
     */
    static void discardUnread(Context ctx) {
        if (ctx.contentLength() > DISCARD_AT_MOST) {
            return;
        }
        ctx.header("Connection", "close");
        byte[] sink = new byte[64 * 1024];
        try {
            InputStream in = ctx.bodyInputStream();
            for (long read = 0; read <= DISCARD_AT_MOST; ) {
                int n = in.read(sink);
                if (n < 0) {
                    break;
                }
                read += n;
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or the body was read as text already: nothing is left to wait for
        }
    }

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
        requireJson(ctx, bytes.length);
        if (bytes.length == 0) {
            if (emptyIsFine) {
                return Json.MAPPER.createObjectNode();
            }
            throw new BadRequest("the request needs a JSON object body");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(bytes);
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
        checkText(node, "");
        return (ObjectNode) node;
    }

    /** Refuses lone surrogates anywhere in a body (keys and strings): they are not text and cannot be stored as UTF-8. */
    private static void checkText(JsonNode node, String path) {
        // spelling out every node's path cost as much as parsing the body: only for the message
        if (!textIsValid(node)) {
            checkTextAt(node, path);
        }
    }

    private static boolean textIsValid(JsonNode node) {
        if (node.isTextual()) {
            return !Names.hasLoneSurrogate(node.textValue());
        }
        if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var field = it.next();
                if (Names.hasLoneSurrogate(field.getKey()) || !textIsValid(field.getValue())) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                if (!textIsValid(child)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Finds the bad text and says where; walks with the path spelled out, so only once a check failed. */
    private static void checkTextAt(JsonNode node, String path) {
        if (node.isTextual()) {
            if (Names.hasLoneSurrogate(node.asText())) {
                throw new BadRequest("the string at " + (path.isEmpty() ? "/" : path) + " holds a lone UTF-16 surrogate (an escape like "
                        + "\\ud800 without its pair), which is not a character; send valid Unicode");
            }
        } else if (node.isContainerNode()) {
            var fields = node.fields();
            int index = 0;
            for (JsonNode child : node) {
                String key;
                if (node.isObject()) {
                    key = fields.next().getKey();
                    if (Names.hasLoneSurrogate(key)) {
                        throw new BadRequest("a key inside " + (path.isEmpty() ? "/" : path) + " holds a lone UTF-16 surrogate; send valid Unicode");
                    }
                } else {
                    key = String.valueOf(index++);
                }
                checkTextAt(child, path + "/" + key.replace("~", "~0").replace("/", "~1"));
            }
        }
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

    /** A page size: 1 to {@code max}; 400 otherwise, naming the range. */
    public static int limitQuery(Context ctx, String name, int fallback, int max) {
        int v = intQuery(ctx, name, fallback);
        if (v < 1 || v > max) {
            throw new BadRequest("query parameter \"" + name + "\" must be from 1 to " + max + ", not " + v);
        }
        return v;
    }

    /** A position in a list: 0 or more; 400 otherwise. */
    public static int offsetQuery(Context ctx, String name) {
        int v = intQuery(ctx, name, 0);
        if (v < 0) {
            throw new BadRequest("query parameter \"" + name + "\" must be 0 or more, not " + v);
        }
        return v;
    }

    public static int intQuery(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadRequest("query parameter \"" + name + "\" must be a whole number, not \"" + clip(v) + "\"");
        }
    }
}
