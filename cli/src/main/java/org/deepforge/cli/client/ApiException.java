package org.deepforge.cli.client;

/** A request the server refused or could not be sent: the message says what to do, the status what went wrong. */
public final class ApiException extends RuntimeException {
    /** The HTTP status; 0 when the server could not be reached at all. */
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean unreachable() {
        return status == 0;
    }
}
