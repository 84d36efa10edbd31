package org.deepforge.server.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.deepforge.model.Json;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers Jetty gives itself, before a request reaches a route (a URI it will not decode, a header
 * block or URI too large, two Content-Lengths, a bad Host, …), in the API's error format instead of
 * Jetty's HTML page: {@code {"error": "<what to fix>", "status": <code>}}, for every method.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);

    public JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        if (code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
            // the client's request line is at fault, not the server: say so with a 4xx
            code = HttpStatus.BAD_REQUEST_400;
            message = "unsupported HTTP version (" + message + "); use HTTP/1.1";
            response.setStatus(code);
        }
        byte[] body = body(code, message, cause);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
            status = HttpStatus.BAD_REQUEST_400;
        }
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason, null));
    }

    static byte[] body(int code, String message, Throwable cause) {
        String reason = message == null || message.isBlank() ? HttpStatus.getMessage(code) : clean(message);
        String text = switch (code) {
            case 400 -> "the request is malformed (" + reason + "); send a well-formed HTTP/1.1 request with one Host "
                    + "and one Content-Length, and a path without encoded '\\', '..' segments or control characters";
            case 404 -> "no such route (see docs/api.md)";
            case 405 -> "the method is not allowed on this path (see docs/api.md)";
            case 408 -> "the request took too long to arrive; send it again";
            case 413 -> "the request body is too large (" + reason + "); JSON bodies may be at most " + Bodies.MAX_JSON
                    + " bytes, upload large files through the artifact routes";
            case 414 -> "the URI is too long (" + reason + "); keep it under 8 kB and send long data in a JSON body";
            case 415 -> "unsupported content type (" + reason + "); JSON routes read \"Content-Type: application/json\"";
            case 431 -> "the request headers are too large (" + reason + "); keep the header block under 8 kB";
            default -> code >= 500 ? "internal error" : reason;
        };
        var json = Json.MAPPER.createObjectNode().put("error", text).put("status", code);
        if (code >= 500) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            LOG.error("incident {}: {} {}", id, code, reason, cause);
            json.put("error", "internal error; the server log has the details under incident " + id).put("id", id);
        }
        return Json.compact(json).getBytes(StandardCharsets.UTF_8);
    }

    private static String clean(String s) {
        String c = s.codePoints().map(ch -> ch < 0x20 || ch == 0x7f ? '?' : ch)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return c.length() > 200 ? c.substring(0, 200) + "…" : c;
    }
}
