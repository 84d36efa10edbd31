package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * An edit: a JSON Patch against the model view at {@code base} (empty: the branch head). Only a change set
 * made by the server itself ({@link #byServer}) may write server-owned fields ({@link ServerFields}).
 */
public record ChangeSet(Optional<String> base, String message, JsonNode patch, Author author, boolean writesServerFields) {
    /** An edit from a client: server-owned fields are refused. */
    public ChangeSet(Optional<String> base, String message, JsonNode patch, Author author) {
        this(base, message, patch, author, false);
    }

    /** An edit the server makes on its own authority, e.g. recording an artifact whose data it has just stored. */
    public static ChangeSet byServer(Optional<String> base, String message, JsonNode patch, Author author) {
        return new ChangeSet(base, message, patch, author, true);
    }
}
