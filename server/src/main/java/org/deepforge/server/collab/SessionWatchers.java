package org.deepforge.server.collab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.deepforge.exec.session.Sessions;
import org.deepforge.model.Json;
import org.deepforge.server.auth.AuthException;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.session.SessionJson;
import org.deepforge.server.session.SessionWorkspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browsers watching interactive sessions over {@code /api/v1/ws} ({@code watchSession}, {@code unwatchSession}): each
 * hears its session's status, cells, outputs and resources (docs/sessions.md). A watch is authorised as the session's
 * REST routes are; whoever may not use the session gets an error and nothing else, and watchers who lose the right
 * (unshared, removed from the project) stop hearing it.
 */
public final class SessionWatchers implements Sessions.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SessionWatchers.class);

    private final Sessions sessions;
    private final Authz authz;
    private final Map<String, Set<CodeDocs.Peer>> watchers = new ConcurrentHashMap<>();

    public SessionWatchers(Sessions sessions, Authz authz) {
        this.sessions = sessions;
        this.authz = authz;
    }

    void watch(CodeDocs.Peer peer, String session) throws Exception {
        Optional<Sessions.Info> info = sessions.get(session);
        try {
            authz.checkSession(Optional.of(peer.principal()), session, info.map(SessionWorkspace::grant));
        } catch (AuthException e) {
            error(peer, session, e.getMessage());
            return;
        }
        watchers.computeIfAbsent(session, s -> ConcurrentHashMap.newKeySet()).add(peer);
        peer.send(Json.compact(Json.MAPPER.createObjectNode().put("type", "watchingSession").put("session", session)));
        send(Set.of(peer), statusMessage(info.get()));
    }

    void unwatch(CodeDocs.Peer peer, String session) {
        Set<CodeDocs.Peer> set = watchers.get(session);
        if (set != null) {
            set.remove(peer);
        }
    }

    /** A connection closed. */
    void leave(CodeDocs.Peer peer) {
        watchers.values().forEach(set -> set.remove(peer));
    }

    /** Rights changed somewhere: watchers who may no longer use their session stop hearing it. */
    void revalidate() {
        watchers.forEach((session, set) -> sessions.get(session).ifPresentOrElse(info -> recheck(info, set), set::clear));
    }

    private void recheck(Sessions.Info info, Set<CodeDocs.Peer> set) {
        for (CodeDocs.Peer peer : Set.copyOf(set)) {
            try {
                if (!authz.mayUseSession(peer.principal(), SessionWorkspace.grant(info))) {
                    set.remove(peer);
                    error(peer, info.id(), "no longer watching session " + info.id() + ": no session \"" + info.id() + "\"");
                }
            } catch (Exception e) {
                LOG.warn("re-checking a session watcher failed; dropping it", e);
                set.remove(peer);
            }
        }
    }

    @Override
    public void status(Sessions.Info session) {
        Set<CodeDocs.Peer> set = watchers.get(session.id());
        if (set == null || set.isEmpty()) {
            return;
        }
        recheck(session, set); // sharing may just have been turned off
        send(set, statusMessage(session));
    }

    @Override
    public void cell(Sessions.Cell cell) {
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "sessionCell").put("session", cell.session());
        msg.set("cell", SessionJson.cell(cell));
        send(watchers.get(cell.session()), msg);
    }

    @Override
    public void output(String session, String cell, JsonNode output) {
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "sessionOutput").put("session", session).put("cell", cell);
        msg.set("output", output);
        send(watchers.get(session), msg);
    }

    @Override
    public void resources(String session, JsonNode resources) {
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "sessionResources").put("session", session);
        msg.set("resources", resources);
        send(watchers.get(session), msg);
    }

    private static ObjectNode statusMessage(Sessions.Info session) {
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "session").put("session", session.id());
        msg.set("status", SessionJson.session(session));
        return msg;
    }

    private static void send(Set<CodeDocs.Peer> peers, ObjectNode msg) {
        if (peers == null || peers.isEmpty()) {
            return;
        }
        String text = Json.compact(msg);
        peers.forEach(p -> p.send(text));
    }

    /** An error about one session, naming it (the id the client sent) so a client can tell which of its watches it ends. */
    private static void error(CodeDocs.Peer peer, String session, String message) {
        peer.send(Json.compact(Json.MAPPER.createObjectNode().put("type", "error").put("session", session).put("error", message)));
    }
}
