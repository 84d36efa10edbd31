package org.deepforge.model;

/** A model view that breaks the schema; the message says what to fix and where (a bad argument to whoever passed the model). */
public final class InvalidModelException extends IllegalArgumentException {
    private final String path;

    public InvalidModelException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** JSON Pointer of the offending value. */
    public String path() {
        return path;
    }
}
