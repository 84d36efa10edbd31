package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** An edit: a JSON Patch against the model view at {@code base} (empty: the branch head). */
public record ChangeSet(Optional<String> base, String message, JsonNode patch, Author author) {}
