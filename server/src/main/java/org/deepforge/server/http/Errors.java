package org.deepforge.server.http;

import org.deepforge.library.CodeGenerationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Optional;
import java.util.UUID;
import org.deepforge.model.Json;
import org.deepforge.server.auth.AuthException;
import org.deepforge.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps failures to JSON error bodies: 4xx with a message that says what to fix, 500 with an incident id. */
public final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    public static void handle(Exception e, Context ctx) {
        if (e instanceof StoreException s) {
            int status = switch (s.kind()) {
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case TOO_LARGE -> 413;
                case BAD_REQUEST -> 400;
            };
            write(ctx, status, body(s.getMessage(), s.detail()));
        } else if (e instanceof org.deepforge.nn.ArchitectureException || e instanceof org.deepforge.library.CodeGenerationException
                || e instanceof org.deepforge.library.UnknownKindException) {
            // the request was well formed; the architecture in it (or named by it) cannot be used as it is
            write(ctx, 422, body(e.getMessage()));
        } else if (e instanceof BadRequest b) {
            write(ctx, b.status(), body(b.getMessage()));
        } else if (e instanceof AuthException a) {
            write(ctx, a.status(), body(a.getMessage()));
        } else if (e instanceof org.deepforge.exec.storage.StorageException st) {
            write(ctx, 507, body(st.getMessage()));
        } else if (e instanceof HttpResponseException h) {
            write(ctx, h.getStatus(), body(h.getMessage()));
        } else {
            String id = UUID.randomUUID().toString().substring(0, 8);
            LOG.error("incident {} on {} {}", id, ctx.method(), ctx.path(), e);
            ObjectNode body = body("internal error; the server log has the details under incident " + id);
            body.put("id", id);
            write(ctx, 500, body);
        }
    }

    public static ObjectNode body(String message) {
        return Json.MAPPER.createObjectNode().put("error", message);
    }

    /** The body with what the UI can show beside the message: under {@code detail}, and its fields at the top level too. */
    private static ObjectNode body(String message, Optional<JsonNode> detail) {
        ObjectNode body = body(message);
        detail.ifPresent(d -> {
            body.set("detail", d);
            if (d.isObject()) {
                d.fields().forEachRemaining(f -> body.set(f.getKey(), f.getValue()));
            }
        });
        return body;
    }

    private static void write(Context ctx, int status, ObjectNode body) {
        if (status == 413) {
            Bodies.discardUnread(ctx); // whichever route refused the body for its size
        }
        ctx.status(status).contentType("application/json").result(Json.compact(body));
    }
}
