package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** A run that cannot start as asked; the message says what to fix, {@code detail} what the UI can show (e.g. problems). */
public final class RunException extends RuntimeException {
    /** Whose move it is: a request to change, a thing that is not there, or a state that no longer allows it. */
    public enum Kind { BAD_REQUEST, NOT_FOUND, CONFLICT }

    private final Kind kind;
    private final transient JsonNode detail;

    public RunException(Kind kind, String message) {
        this(kind, message, null);
    }

    public RunException(Kind kind, String message, JsonNode detail) {
        super(message);
        this.kind = kind;
        this.detail = detail;
    }

    public Kind kind() {
        return kind;
    }

    public Optional<JsonNode> detail() {
        return Optional.ofNullable(detail);
    }
}
