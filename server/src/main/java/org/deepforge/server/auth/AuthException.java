package org.deepforge.server.auth;

/** A request that is not signed in (401) or not allowed (403 or, to hide existence, 404). */
public final class AuthException extends RuntimeException {
    private final int status;

    public AuthException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
