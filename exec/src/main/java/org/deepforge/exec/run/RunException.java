package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import org.deepforge.store.StoreException;

/**
 * A run that cannot start (or an execution that cannot be read) as asked: the message says what to fix, the detail
 * what the UI can show (e.g. the pipeline's problems). A {@link StoreException}, so the server answers it with the
 * same 4xx mapping.
 */
public final class RunException extends StoreException {
    public RunException(Kind kind, String message) {
        super(kind, message);
    }

    public RunException(Kind kind, String message, JsonNode detail) {
        super(kind, message, detail);
    }
}
