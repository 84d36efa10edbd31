package org.deepforge.server.collab;

/** A co-editing message the server refuses, with a message that says what to fix. */
public final class CollabException extends RuntimeException {
    public CollabException(String message) {
        super(message);
    }
}
