package org.deepforge.server.collab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.model.Json;

/**
 * The authoritative state of one operation's code while people edit it together ({@code @codemirror/collab}'s
 * server side): the text, its version (the number of accepted updates) and the accepted updates themselves.
 * It rebases nothing: an update must be based on the latest version, otherwise it is refused and its sender
 * rebases it over the updates it has not seen yet. Not thread-safe; its owner serialises access.
 */
final class CodeDoc {
    /** Most updates kept for a reconnecting client to catch up from; older clients get the whole text. */
    static final int KEEP_UPDATES = 20_000;
    static final int MAX_LENGTH = 1_000_000;
    static final int MAX_UPDATES_PER_PUSH = 500;
    static final int MAX_CLIENT_ID = 64;

    /** One accepted update: who sent it and what it changed. */
    record Update(String clientId, String user, JsonNode changes) {
        ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode().put("clientID", clientId).put("user", user);
            o.set("changes", changes);
            return o;
        }
    }

    private String text;
    private int version;
    /** The version of {@code updates.get(0)}. */
    private int firstKept;
    private final List<Update> updates = new ArrayList<>();

    CodeDoc(String text) {
        this.text = normalise(text);
    }

    static String normalise(String text) {
        return text.indexOf('\r') < 0 ? text : text.replace("\r\n", "\n").replace('\r', '\n');
    }

    String text() {
        return text;
    }

    int version() {
        return version;
    }

    /**
     * Accepts {@code pushed} (a JSON array of {clientID, changes}) made against {@code base}: the accepted
     * updates, or empty when {@code base} is not the latest version (the client must rebase). Malformed
     * updates are refused whole with a {@link CollabException}; nothing of them is applied.
     */
    Optional<List<Update>> push(int base, JsonNode pushed, String user) {
        if (pushed == null || !pushed.isArray() || pushed.isEmpty()) {
            throw new CollabException("\"updates\" must be a non-empty array of {\"clientID\", \"changes\"}");
        }
        if (pushed.size() > MAX_UPDATES_PER_PUSH) {
            throw new CollabException("send at most " + MAX_UPDATES_PER_PUSH + " updates at a time, not " + pushed.size());
        }
        if (base < 0 || base > version) {
            throw new CollabException("version " + base + " does not exist; the document is at version " + version
                    + " — join again to get it");
        }
        if (base != version) {
            return Optional.empty();
        }
        String next = text;
        List<Update> accepted = new ArrayList<>();
        for (JsonNode u : pushed) {
            JsonNode id = u.get("clientID");
            if (id == null || !id.isTextual() || id.asText().isEmpty() || id.asText().length() > MAX_CLIENT_ID) {
                throw new CollabException("each update needs a \"clientID\" string of 1 to " + MAX_CLIENT_ID + " characters");
            }
            next = TextChanges.apply(next, u.get("changes"), MAX_LENGTH);
            accepted.add(new Update(id.asText(), user, u.get("changes")));
        }
        text = next;
        append(accepted);
        return Optional.of(accepted);
    }

    /** An update the server makes itself (folding in a commit made elsewhere); empty when the text is the same. */
    Optional<Update> replaceBy(String newText, String user) {
        String target = normalise(newText);
        if (target.equals(text)) {
            return Optional.empty();
        }
        ArrayNode changes = TextChanges.diff(text, target);
        text = target;
        Update u = new Update("server", user, changes);
        append(List.of(u));
        return Optional.of(u);
    }

    private void append(List<Update> accepted) {
        updates.addAll(accepted);
        version += accepted.size();
        if (updates.size() > KEEP_UPDATES) {
            int drop = updates.size() - KEEP_UPDATES;
            updates.subList(0, drop).clear();
            firstKept += drop;
        }
    }

    /** The updates after {@code since}, if they are still kept. */
    Optional<List<Update>> since(int since) {
        if (since < firstKept || since > version) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(updates.subList(since - firstKept, updates.size())));
    }
}
