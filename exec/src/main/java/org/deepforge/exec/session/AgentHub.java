package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.session.Sessions.Cell;
import org.deepforge.model.Json;

/**
 * The server's side of agent connections: whom to admit (a live session's own agent, by the hash of its secret,
 * compared in constant time), what each validated message does to the session and its cells, and sending cells one
 * at a time — the next once the agent said the previous is done, so a running cell is exactly the one the agent has.
 */
final class AgentHub implements AgentConnection.Hub {
    private static final Duration RESOURCES_INTERVAL = Duration.ofSeconds(1);
    private final SessionStore store;
    private final Map<String, LiveSession> live;
    private final SessionEvents events;

    AgentHub(SessionStore store, Map<String, LiveSession> live, SessionEvents events) {
        this.store = store;
        this.live = live;
        this.events = events;
    }

    @Override
    public boolean admit(AgentMessage.Hello hello, Optional<String> listenerSession) {
        LiveSession s = live.get(hello.session());
        if (s == null || s.stopping || hello.protocol() != 1 || listenerSession.isPresent() != s.local
                || listenerSession.isPresent() && !listenerSession.get().equals(hello.session())) {
            return false;
        }
        Optional<SessionStore.Row> row = store.session(hello.session());
        return row.isPresent() && MessageDigest.isEqual(sha256(hello.secret()).getBytes(StandardCharsets.US_ASCII),
                row.get().secretSha256().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void connected(AgentConnection connection, AgentMessage.Hello hello) {
        LiveSession s = live.get(hello.session());
        if (s == null) {
            connection.close();
            return;
        }
        synchronized (s) {
            AgentConnection old = s.connection;
            s.connection = connection;
            s.everConnected = true;
            if (old != null && old != connection) {
                old.close(); // the agent reconnected before the old connection was seen to drop
            }
        }
        store.environment(s.id, hello.environment());
        events.status(s.id);
        dispatch(s);
    }

    @Override
    public void message(AgentConnection connection, AgentMessage message) {
        LiveSession s = live.get(connection.session());
        if (s == null || s.connection != connection) {
            return;
        }
        String id = s.id;
        if (message instanceof AgentMessage.Status st) {
            if (!s.stopping) {
                boolean dead = st.state().equals("dead");
                store.state(id, dead ? "failed" : st.state(), dead ? "its kernel died; restart the session or stop it" : null, false);
                events.status(id);
            }
        } else if (message instanceof AgentMessage.Output o) {
            if (store.cell(id, o.cell()).filter(c -> c.state().equals("running")).isPresent()) {
                store.appendOutput(id, o.cell(), o.output(), note());
                store.activity(id, Instant.now());
                events.output(id, o.cell(), o.output());
            }
        } else if (message instanceof AgentMessage.Done d) {
            if (store.cellState(id, d.cell(), "running", d.status(), d.executionCount())) {
                store.activity(id, Instant.now());
                store.cell(id, d.cell()).ifPresent(events::cell);
                events.cellsChanged();
                dispatch(s);
            }
        } else if (message instanceof AgentMessage.Resources r) {
            Instant now = Instant.now();
            if (Duration.between(s.resourcesAt, now).compareTo(RESOURCES_INTERVAL) >= 0) { // the agent reports every 5 s; a flood is dropped
                s.resourcesAt = now;
                store.resources(id, r.resources());
                events.resources(id, r.resources());
            }
        }
    }

    @Override
    public void disconnected(AgentConnection connection) {
        LiveSession s = live.get(connection.session());
        if (s != null) {
            synchronized (s) {
                if (s.connection == connection) {
                    s.connection = null;
                }
            }
        }
    }

    /** Sends the next queued cell when the agent is connected and runs none. */
    void dispatch(LiveSession s) {
        Cell sent = null;
        synchronized (s) {
            AgentConnection c = s.connection;
            if (c == null || s.stopping || store.first(s.id, "running").isPresent()) {
                return;
            }
            Optional<Cell> next = store.first(s.id, "queued");
            if (next.isPresent() && store.cellState(s.id, next.get().id(), "queued", "running", null)) {
                if (c.send(Json.MAPPER.createObjectNode().put("type", "execute").put("id", next.get().id()).put("code", next.get().code()))) {
                    sent = store.cell(s.id, next.get().id()).orElseThrow();
                } else {
                    store.cellState(s.id, next.get().id(), "running", "queued", null); // sent again on reconnection
                }
            }
        }
        if (sent != null) {
            events.cell(sent);
        }
    }

    /** What a cell's stored outputs end with once they passed the cap. */
    private static JsonNode note() {
        return Json.MAPPER.createObjectNode().put("kind", "stream").put("name", "stderr")
                .put("text", "[DeepForge: this cell's output passed " + (SessionStore.MAX_OUTPUTS >> 20) + " MiB; the rest is not kept]\n");
    }

    /** How the database keeps a secret. */
    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
