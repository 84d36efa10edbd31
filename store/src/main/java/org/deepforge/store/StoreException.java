package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** A user-facing failure of the project store; {@link Kind} tells the server which 4xx it is. */
public class StoreException extends RuntimeException {
    /** What went wrong, from the caller's point of view. */
    public enum Kind { BAD_REQUEST, NOT_FOUND, CONFLICT, TOO_LARGE }

    private final Kind kind;
    private final JsonNode detail;

    public StoreException(Kind kind, String message) {
        this(kind, message, null);
    }

    public StoreException(Kind kind, String message, JsonNode detail) {
        super(message);
        this.kind = kind;
        this.detail = detail;
    }

    public Kind kind() {
        return kind;
    }

    /** Extra fields for the error body (e.g. the conflicting path and its current value). */
    public Optional<JsonNode> detail() {
        return Optional.ofNullable(detail);
    }

    public static StoreException notFound(String message) {
        return new StoreException(Kind.NOT_FOUND, message);
    }

    public static StoreException badRequest(String message) {
        return new StoreException(Kind.BAD_REQUEST, message);
    }

    public static StoreException conflict(String message) {
        return new StoreException(Kind.CONFLICT, message);
    }
}
