package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Domain rules the store runs on every model it is about to commit (edits, merges, reverts, new
 * projects): derive fields (e.g. an operation's interface from its code) and refuse models that break
 * a rule by throwing a {@link StoreException}. Runs under the branch lock, so it must be quick.
 */
public interface ModelHook {
    /**
     * The model to commit in place of {@code after}. {@code before} is the branch head's model (or an
     * empty model for a new project). Must not modify either argument.
     */
    JsonNode prepare(JsonNode before, JsonNode after);

    /** Whether the field at this JSON Pointer is derived by {@link #prepare}: merges never conflict on it. */
    default boolean derived(String pointer) {
        return false;
    }

    /** The hook that changes nothing. */
    ModelHook NONE = (before, after) -> after;
}
