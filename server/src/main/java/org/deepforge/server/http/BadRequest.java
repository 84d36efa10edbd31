package org.deepforge.server.http;

/** A request the server cannot act on (400 unless said otherwise); the message says what to fix. */
public final class BadRequest extends RuntimeException {
    private final int status;

    public BadRequest(String message) {
        this(400, message);
    }

    public BadRequest(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
