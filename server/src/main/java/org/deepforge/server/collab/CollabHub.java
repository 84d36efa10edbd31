package org.deepforge.server.collab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.deepforge.model.Json;
import org.deepforge.server.auth.AuthException;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Access;
import org.deepforge.server.auth.Principal;
import org.deepforge.store.CommitEvent;
import org.deepforge.exec.run.JobStatus;
import org.deepforge.exec.events.JobEvent;
import org.deepforge.exec.run.RunListener;
import java.util.function.Function;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;
import org.deepforge.store.StoreListener;
import org.deepforge.store.VersionControl;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live collaboration over {@code /api/v1/ws}: clients subscribe to (project, branch) and receive every
 * durable commit in commit order, a replay of what they missed, and who else is there (presence).
 */
public final class CollabHub implements StoreListener, RunListener {
    private static final Logger LOG = LoggerFactory.getLogger(CollabHub.class);

    private record Key(String project, String branch) {}

    /** One window's presence; {@code updated} orders the windows of one person (the latest one's node wins). */
    private record Presence(String session, String user, String name, String node, long updated) {}

    /** A window that sent nothing (not even its heartbeat) for this long has left, even if its socket lingers. */
    static final long PRESENCE_TTL_MS = 15_000;

    /** One connected browser or script. */
    private static final class Client implements CodeDocs.Peer {
        final WsContext ctx;
        final Principal principal;
        /** The credentials of the upgrade request, to check again when rights change (sign-out, unsharing). */
        final Map<String, String> credentials;
        final Set<Key> subscriptions = ConcurrentHashMap.newKeySet();
        final boolean mayWrite;
        volatile long lastSeen = System.currentTimeMillis();

        Client(WsContext ctx, Principal principal, Map<String, String> credentials, boolean mayWrite) {
            this.ctx = ctx;
            this.principal = principal;
            this.credentials = credentials;
            this.mayWrite = mayWrite;
        }

        @Override
        public String id() {
            return ctx.sessionId();
        }

        @Override
        public Principal principal() {
            return principal;
        }

        @Override
        public boolean mayWrite() {
            return mayWrite;
        }

        @Override
        public void send(String text) {
            if (ctx.session.isOpen()) {
                ctx.session.sendText(text, Callback.from(() -> { }, t -> LOG.debug("send to {} failed: {}", ctx.sessionId(), t.toString())));
            }
        }
    }

    private static final class Channel {
        final Set<Client> subscribers = ConcurrentHashMap.newKeySet();
        final Map<String, Presence> presence = new ConcurrentHashMap<>();
    }

    private final ProjectStore store;
    private final VersionControl vc;
    private final Authz authz;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<Key, Channel> channels = new ConcurrentHashMap<>();
    private final Map<String, Set<Client>> watchers = new ConcurrentHashMap<>();
    private final Function<String, Optional<String>> projectOfExecution;
    private final CodeDocs docs;
    private final SessionWatchers sessionWatchers;
    private final java.util.concurrent.ScheduledExecutorService sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "presence-sweeper");
        t.setDaemon(true);
        return t;
    });

    /**
     * {@code projectOfExecution} finds the project of an execution (for authorising {@code watch}); empty if there is none.
     * {@code sessionWatchers} serves {@code watchSession} and {@code unwatchSession}.
     */
    public CollabHub(ProjectStore store, VersionControl vc, Authz authz, Function<String, Optional<String>> projectOfExecution,
                     SessionWatchers sessionWatchers) {
        this.store = store;
        this.vc = vc;
        this.authz = authz;
        this.projectOfExecution = projectOfExecution;
        this.sessionWatchers = sessionWatchers;
        this.docs = new CodeDocs(store, authz);
        authz.onChange(this::revalidate);
        sweeper.scheduleWithFixedDelay(this::expirePresence, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The co-editing authority for operation code. */
    public CodeDocs docs() {
        return docs;
    }

    /** Commits what is still being typed and stops; call before the store closes. */
    public void close() {
        sweeper.shutdownNow();
        docs.close();
    }

    /** Drops the presence of windows that went silent (a crashed browser, a socket the network lost). */
    private void expirePresence() {
        try {
            long cutoff = System.currentTimeMillis() - PRESENCE_TTL_MS;
            channels.forEach((key, channel) -> {
                boolean changed = channel.presence.values().removeIf(p -> {
                    Client c = clients.get(p.session());
                    return c == null || c.lastSeen < cutoff;
                });
                if (changed) {
                    sendPresence(key, channel);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("expiring presence failed", e);
        }
    }

    /**
     * Rights changed somewhere (sign-out, password change, a user disabled, a token revoked, a project
     * unshared): sockets whose credentials no longer hold are closed, and subscriptions and watches the
     * user may no longer read end with an error message.
     */
    public void revalidate() {
        sessionWatchers.revalidate();
        for (Client client : clients.values()) {
            try {
                Optional<Principal> now;
                try {
                    now = authz.authenticate(client.credentials::get);
                } catch (AuthException e) {
                    now = Optional.empty();
                }
                if (now.isEmpty() || !now.get().id().equals(client.principal.id())) {
                    client.ctx.closeSession(4401, "signed out");
                    disconnect(client.ctx.sessionId());
                    continue;
                }
                docs.revalidate(client);
                for (Key key : List.copyOf(client.subscriptions)) {
                    if (!authz.canRead(client.principal, key.project())) {
                        unsubscribe(client, key);
                        error(client, "no longer subscribed to " + key.project() + "/" + key.branch() + ": no project \""
                                + key.project() + "\"");
                    }
                }
                for (Map.Entry<String, Set<Client>> w : watchers.entrySet()) {
                    if (w.getValue().contains(client)) {
                        Optional<String> project = projectOfExecution.apply(w.getKey());
                        if (project.isEmpty() || !authz.canRead(client.principal, project.get())) {
                            w.getValue().remove(client);
                        }
                    }
                }
            } catch (Exception e) {
                LOG.warn("re-checking a WebSocket client's rights failed; closing it", e);
                client.ctx.closeSession(1011, "internal error");
                disconnect(client.ctx.sessionId());
            }
        }
    }

    public void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            Optional<Principal> who = authz.authenticate(ctx::header);
            if (who.isEmpty()) {
                ctx.closeSession(4401, "sign in first");
                return;
            }
            ctx.enableAutomaticPings();
            Map<String, String> credentials = new java.util.HashMap<>();
            for (String h : List.of("Authorization", "Cookie")) {
                String v = ctx.header(h);
                if (v != null) {
                    credentials.put(h, v);
                }
            }
            clients.put(ctx.sessionId(), new Client(ctx, who.get(), Map.copyOf(credentials), mayWrite(ctx)));
        });
        ws.onMessage(ctx -> {
            Client client = clients.get(ctx.sessionId());
            if (client != null) {
                handle(client, ctx.message());
            }
        });
        ws.onClose(ctx -> disconnect(ctx.sessionId()));
        ws.onError(ctx -> disconnect(ctx.sessionId()));
    }

    /**
     * Whether a socket may change anything (co-editing): not with a read-only token. (Pages of other sites
     * never get this far: {@code Guard} refuses cross-origin upgrades that ride on a cookie.)
     */
    private boolean mayWrite(WsContext ctx) throws java.sql.SQLException {
        Optional<org.deepforge.server.auth.Caller> caller = authz.identify(ctx::header);
        return caller.flatMap(org.deepforge.server.auth.Caller::scope).map(s -> s != org.deepforge.server.auth.TokenScope.READ).orElse(true);
    }

    private void handle(Client client, String text) {
        client.lastSeen = System.currentTimeMillis();
        JsonNode msg;
        try {
            msg = Json.MAPPER.readTree(text);
        } catch (Exception e) {
            error(client, "messages must be JSON objects: " + e.getMessage());
            return;
        }
        if (msg == null || !msg.isObject()) {
            error(client, "messages must be JSON objects like {\"type\":\"subscribe\",\"project\":\"…\",\"branch\":\"…\"}");
            return;
        }
        String type = msg.path("type").asText("");
        try {
            switch (type) {
                case "subscribe" -> subscribe(client, key(msg), Optional.ofNullable(msg.get("since"))
                        .filter(JsonNode::isTextual).map(JsonNode::asText).filter(s -> !s.isEmpty()));
                case "unsubscribe" -> unsubscribe(client, key(msg));
                case "presence" -> presence(client, key(msg), msg.path("node").isTextual() ? msg.get("node").asText() : null);
                case "ping" -> client.send("{\"type\":\"pong\"}");
                case "doc-join", "doc-push", "doc-cursor", "doc-resolve", "doc-leave" -> docs.handle(client, type, msg);
                case "watch" -> watch(client, msg.path("execution").asText(""));
                case "watchSession" -> sessionWatchers.watch(client, msg.path("session").asText(""));
                case "unwatchSession" -> sessionWatchers.unwatch(client, msg.path("session").asText(""));
                case "unwatch" -> {
                    Set<Client> set = watchers.get(msg.path("execution").asText(""));
                    if (set != null) {
                        set.remove(client);
                    }
                }
                default -> error(client, "unknown message type \"" + type
                        + "\"; use subscribe, unsubscribe, presence, watch, unwatch, watchSession, unwatchSession or doc-join/doc-push/doc-cursor/doc-resolve/doc-leave");
            }
        } catch (StoreException | AuthException | CollabException e) {
            error(client, e.getMessage());
        } catch (Exception e) {
            LOG.error("websocket message failed", e);
            error(client, "internal error; the server log has the details");
        }
    }

    private static Key key(JsonNode msg) {
        String project = msg.path("project").asText("");
        String branch = msg.path("branch").asText("");
        if (project.isEmpty() || branch.isEmpty()) {
            throw StoreException.badRequest("\"project\" and \"branch\" are required");
        }
        return new Key(project, branch);
    }

    private void subscribe(Client client, Key key, Optional<String> since) throws Exception {
        authz.check(Optional.of(client.principal), Access.PROJECT_READ, Optional.of(key.project()));
        Channel channel = channels.computeIfAbsent(key, k -> new Channel());
        // under the branch lock no commit can slip between the replay and joining the channel
        store.withBranchLock(key.project(), key.branch(), head -> {
            if (since.isPresent() && !since.get().equals(head)) {
                Optional<List<CommitEvent>> missed = vc.commitsSince(key.project(), key.branch(), since.get());
                if (missed.isPresent()) {
                    missed.get().forEach(e -> client.send(commitMessage(e)));
                } else {
                    client.send(Json.compact(Json.MAPPER.createObjectNode().put("type", "resync")
                            .put("project", key.project()).put("branch", key.branch()).put("head", head)));
                }
            }
            channel.subscribers.add(client);
            client.subscriptions.add(key);
            client.send(Json.compact(Json.MAPPER.createObjectNode().put("type", "subscribed")
                    .put("project", key.project()).put("branch", key.branch()).put("head", head)));
            return null;
        });
        sendPresence(key, channel);
    }

    private void watch(Client client, String execution) throws Exception {
        Optional<String> project = projectOfExecution.apply(execution);
        if (project.isEmpty()) {
            error(client, "no execution \"" + execution + "\"");
            return;
        }
        try {
            authz.check(Optional.of(client.principal), Access.PROJECT_READ, project);
        } catch (AuthException e) {
            // the same answer as for an id that does not exist: a stranger learns neither the project nor that it ran
            error(client, "no execution \"" + execution + "\"");
            return;
        }
        watchers.computeIfAbsent(execution, e -> ConcurrentHashMap.newKeySet()).add(client);
        client.send(Json.compact(Json.MAPPER.createObjectNode().put("type", "watching").put("execution", execution)));
    }

    @Override
    public void status(String execution, String job, JobStatus status, String message) {
        Set<Client> set = watchers.get(execution);
        if (set == null || set.isEmpty()) {
            return;
        }
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "job").put("execution", execution).put("job", job)
                .put("status", status.id());
        if (message != null) {
            msg.put("message", message);
        }
        String text = Json.compact(msg);
        set.forEach(c -> c.send(text));
    }

    @Override
    public void console(String execution, String job, List<String> lines) {
        Set<Client> set = watchers.get(execution);
        if (set == null || set.isEmpty()) {
            return;
        }
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "log").put("execution", execution).put("job", job);
        lines.forEach(msg.putArray("lines")::add);
        String text = Json.compact(msg);
        set.forEach(c -> c.send(text));
    }

    @Override
    public void events(String execution, String job, List<JobEvent> events) {
        Set<Client> set = watchers.get(execution);
        if (set == null || set.isEmpty()) {
            return;
        }
        for (JobEvent event : events) {
            // what a job wrote travels only inside this envelope: data of an execution, never a protocol message
            ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "job-event").put("execution", execution).put("job", job);
            msg.set("event", event.toJson());
            String text = Json.compact(msg);
            set.forEach(c -> c.send(text));
        }
    }

    @Override
    public void executionStatus(String execution, JobStatus status) {
        finished(execution, status); // the same message: the execution's status is now this
    }

    @Override
    public void finished(String execution, JobStatus status) {
        Set<Client> set = watchers.get(execution);
        if (set == null) {
            return;
        }
        String text = Json.compact(Json.MAPPER.createObjectNode().put("type", "execution").put("execution", execution)
                .put("status", status.id()));
        set.forEach(c -> c.send(text));
    }

    private void unsubscribe(Client client, Key key) {
        client.subscriptions.remove(key);
        Channel channel = channels.get(key);
        if (channel != null) {
            channel.subscribers.remove(client);
            if (channel.presence.remove(client.ctx.sessionId()) != null) {
                sendPresence(key, channel);
            }
        }
    }

    private void presence(Client client, Key key, String node) {
        Channel channel = channels.get(key);
        if (channel == null || !channel.subscribers.contains(client)) {
            error(client, "subscribe to " + key.project() + "/" + key.branch() + " before sending presence");
            return;
        }
        channel.presence.put(client.ctx.sessionId(), new Presence(client.ctx.sessionId(), client.principal.id(),
                client.principal.name(), node, System.nanoTime()));
        sendPresence(key, channel);
    }

    private void disconnect(String sessionId) {
        Client client = clients.remove(sessionId);
        if (client == null) {
            return;
        }
        for (Key key : client.subscriptions) {
            unsubscribe(client, key);
        }
        docs.leaveAll(client);
        watchers.values().forEach(set -> set.remove(client));
        sessionWatchers.leave(client);
    }

    /**
     * Sends the channel's presence to its subscribers. One snapshot at a time a channel: two windows' presence handled at
     * once must not let the older snapshot reach a browser after the newer one (it would show a window too few until
     * the next change).
     */
    private void sendPresence(Key key, Channel channel) {
        synchronized (channel) {
            sendPresenceNow(key, channel);
        }
    }

    private void sendPresenceNow(Key key, Channel channel) {
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "presence")
                .put("project", key.project()).put("branch", key.branch());
        ArrayNode users = msg.putArray("users");
        // one entry per person, however many windows they have open; the window they used last says where they are
        Map<String, List<Presence>> byUser = new java.util.TreeMap<>();
        channel.presence.values().forEach(p -> byUser.computeIfAbsent(p.user(), u -> new java.util.ArrayList<>()).add(p));
        byUser.forEach((user, windows) -> {
            Presence p = windows.stream().max(java.util.Comparator.comparingLong(Presence::updated)).orElseThrow();
            ObjectNode u = users.addObject().put("session", p.session()).put("user", p.user()).put("name", p.name())
                    .put("windows", windows.size());
            if (p.node() != null) {
                u.put("node", p.node());
            } else {
                u.putNull("node");
            }
        });
        String text = Json.compact(msg);
        channel.subscribers.forEach(c -> c.send(text));
    }

    private static void error(Client client, String message) {
        client.send(Json.compact(Json.MAPPER.createObjectNode().put("type", "error").put("error", message)));
    }

    private static String commitMessage(CommitEvent e) {
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "commit")
                .put("project", e.project()).put("branch", e.branch()).put("commit", e.commit())
                .put("parent", e.parent()).put("author", e.author()).put("message", e.message())
                .put("time", e.time().toString());
        msg.set("patch", e.patch());
        return Json.compact(msg);
    }

    /** Called under the branch lock, in commit order, after the commit is durable. */
    @Override
    public void onCommit(CommitEvent event) {
        docs.onCommit(event);
        Channel channel = channels.get(new Key(event.project(), event.branch()));
        if (channel == null || channel.subscribers.isEmpty()) {
            return;
        }
        String text = commitMessage(event);
        channel.subscribers.forEach(c -> c.send(text));
    }

    @Override
    public void onBranch(String project, String branch, Optional<String> head) {
        ObjectNode msg = Json.MAPPER.createObjectNode().put("type", "branch").put("project", project).put("branch", branch);
        if (head.isPresent()) {
            msg.put("head", head.get());
        } else {
            msg.putNull("head");
        }
        String text = Json.compact(msg);
        channels.forEach((key, channel) -> {
            if (key.project().equals(project)) {
                channel.subscribers.forEach(c -> c.send(text));
            }
        });
    }

    /** Connected clients, for health and benchmarks. */
    public int clientCount() {
        return clients.size();
    }
}
