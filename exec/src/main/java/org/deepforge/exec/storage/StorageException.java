package org.deepforge.exec.storage;

import java.io.IOException;

/** Storage refused or lost something; the message says what and what to do. */
public final class StorageException extends IOException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
