package org.deepforge.store.history;

import com.fasterxml.jackson.databind.JsonNode;

/** The message an edit is committed with, so that {@code git log} of a cloned project reads in the users' names. */
public final class CommitMessages {
    private CommitMessages() {}

    /**
     * The client's message when it says something in users' words; otherwise (none, the generic "Edit", or one
     * naming internal ids such as {@code n1}) a description of what changed: "Train and score ▸ Train ▸ epochs: 10 → 12".
     */
    public static String forEdit(String clientMessage, JsonNode before, JsonNode after) {
        String m = clientMessage == null ? "" : clientMessage.strip();
        if (!m.isEmpty() && !m.equals("Edit") && !ChangeDescriber.mentionsIds(m, before, after)) {
            return m;
        }
        return ChangeDescriber.message(ChangeDescriber.describe(before, after));
    }
}
