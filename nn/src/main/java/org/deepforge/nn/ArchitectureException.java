package org.deepforge.nn;

/** An architecture that cannot be used as it is; the message says what to fix, in the user's words. */
public final class ArchitectureException extends RuntimeException {
    public ArchitectureException(String message) {
        super(message);
    }
}
