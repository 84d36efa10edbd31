package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.bundle.LibraryPackages;
import org.deepforge.exec.sandbox.UntrustedTree;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.compute.ComputeAdapter.Handle;
import org.deepforge.exec.compute.ComputeAdapter.State;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link Sessions}: session directories under {@link Config#directory}, sessions and cells in the run
 * database, processes started through the compute adapters, agents reached over a Unix socket in the session
 * directory (the {@code local} adapter) or the shared TCP agent port (any other). Cells are sent one at a time, the
 * next once the agent said the previous is done, so a running cell is exactly the one the agent has. A session's
 * processes outlive this object: a new manager on the same directory and database listens for their agents again.
 */
public final class SessionManager implements Sessions {
    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    private static final Set<String> ORIGINS = Set.of("console", "load", "explore", "train", "save");
    private static final int MAX_CODE = 1 << 20;
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Where and how sessions run. {@code directory}: the sessions' directories ({@code <data>/sessions});
     * {@code database}: the run database file; {@code runtime}: the Python runtime root (holding {@code deepforge/});
     * {@code maxPerUser}: live sessions a user may have; {@code idleTimeout}: a session without cell activity this long
     * is stopped; {@code startTimeout}: how long a started (not queued) session's agent may take to connect;
     * {@code agentAddress}: where agents of non-local adapters connect (empty: loopback, an ephemeral port).
     */
    public record Config(Path directory, Path database, Path runtime, int maxPerUser, Duration idleTimeout, Duration startTimeout,
                         Optional<InetSocketAddress> agentAddress) {
        /** The defaults: 2 sessions a user, 30 minutes idle, 2 minutes to connect, agents of remote adapters on loopback. */
        public static Config of(Path directory, Path database, Path runtime) {
            return new Config(directory, database, runtime, 2, Duration.ofMinutes(30), Duration.ofMinutes(2), Optional.empty());
        }

        public Config withMaxPerUser(int max) {
            return new Config(directory, database, runtime, max, idleTimeout, startTimeout, agentAddress);
        }

        public Config withIdleTimeout(Duration timeout) {
            return new Config(directory, database, runtime, maxPerUser, timeout, startTimeout, agentAddress);
        }

        public Config withStartTimeout(Duration timeout) {
            return new Config(directory, database, runtime, maxPerUser, idleTimeout, timeout, agentAddress);
        }

        public Config withAgentAddress(InetSocketAddress address) {
            return new Config(directory, database, runtime, maxPerUser, idleTimeout, startTimeout, Optional.of(address));
        }
    }

    private final Config config;
    private final Map<String, ComputeAdapter> adapters;
    private final SessionStore store;
    private final SessionDirectory directories;
    private final AgentListeners agents;
    private final Map<String, LiveSession> live = new ConcurrentHashMap<>();
    private final SessionEvents events;
    private final AgentHub hub;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("session-timer"));
    private final ExecutorService stopper = Executors.newCachedThreadPool(daemon("session-stop"));
    private final Object starting = new Object();

    /** Opens the sessions of {@code config}, listening again for the agents of those still running. */
    public SessionManager(Config config, Map<String, ComputeAdapter> adapters, ArchitectureModules architectures) {
        this(config, adapters, architectures, LibraryPackages.NONE);
    }

    /** With {@code libraries}: a session directory gets the packages of its project's libraries, which its kernel imports first. */
    public SessionManager(Config config, Map<String, ComputeAdapter> adapters, ArchitectureModules architectures,
                          LibraryPackages libraries) {
        this.config = config;
        Map<String, ComputeAdapter> chosen = new HashMap<>();
        adapters.forEach((name, adapter) -> chosen.put(name, adapter instanceof LocalCompute l ? l.cold() : adapter)); // no zygote's child
        this.adapters = Map.copyOf(chosen);
        this.store = new SessionStore(config.database());
        this.directories = new SessionDirectory(config.runtime(), architectures, libraries);
        this.events = new SessionEvents(store);
        this.hub = new AgentHub(store, live, events);
        this.agents = new AgentListeners(config.agentAddress(), hub, timer);
        reattach();
        removeEnded();
        timer.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public Info start(Start start) throws IOException {
        ComputeAdapter adapter = adapters.get(start.adapter());
        if (adapter == null) {
            throw new IllegalArgumentException("there is no compute adapter \"" + start.adapter() + "\"; choose one of " + adapters.keySet());
        }
        boolean local = local(adapter);
        ObjectNode settings = start.config() != null && start.config().isObject() ? start.config().deepCopy() : Json.MAPPER.createObjectNode();
        if (local && !settings.has("network")) {
            settings.put("network", false); // a local session has no network unless asked for
        }
        adapter.validate(settings);
        String id = HexFormat.of().formatHex(bytes(8));
        String secret = HexFormat.of().formatHex(bytes(32));
        Path dir = config.directory().resolve(id);
        String connect = local ? "unix:" + AgentListeners.SOCKET : "tcp:" + agents.tcpAddress(0);
        long seed = RANDOM.nextInt(Integer.MAX_VALUE);
        Instant now = Instant.now();
        Info info = new Info(id, start.project(), start.owner(), adapter.name(), "starting", null, now, now, false, start.branch(),
                start.commit(), config.idleTimeout().toSeconds(), seed, Json.MAPPER.createObjectNode(), Json.MAPPER.createObjectNode());
        synchronized (starting) {
            int running = store.liveOfOwner(start.owner());
            if (running >= config.maxPerUser()) {
                throw new LimitReached("you already run " + running + " session" + (running == 1 ? "" : "s") + ", as many as this server allows ("
                        + config.maxPerUser() + "); stop one before starting another");
            }
            store.insert(new SessionStore.Row(info, settings, null, connect, AgentHub.sha256(secret), false));
        }
        LiveSession session = new LiveSession(id, adapter, dir, local);
        live.put(id, session);
        try {
            directories.write(dir, new SessionDirectory.Spec(id, start.project(), start.branch(), start.commit(), connect,
                    config.idleTimeout().toSeconds(), seed), start.model(), secret, local);
            if (local) {
                session.listener = agents.unix(id, dir);
            }
            Path home = dir.toRealPath().resolve("home"); // where the sandbox binds it
            Handle handle = adapter.submit(dir, Map.of("HOME", home.toString(), "IPYTHONDIR", home.resolve(".ipython").toString(),
                    "MPLCONFIGDIR", home.resolve(".matplotlib").toString()), settings);
            session.handle = handle;
            store.handle(id, handle.ref());
        } catch (IOException | RuntimeException e) {
            if (session.claim()) {
                end(session, "failed", "it could not start: " + e.getMessage());
            }
            throw e;
        }
        events.status(id);
        return get(id).orElseThrow();
    }

    @Override
    public Optional<Info> get(String session) {
        return store.session(session).map(SessionStore.Row::info);
    }

    @Override
    public List<Info> list(String project) {
        return store.liveOfProject(project).stream().map(SessionStore.Row::info).toList();
    }

    @Override
    public Info share(String session, boolean shared) {
        known(session);
        store.shared(session, shared);
        return events.status(session);
    }

    @Override
    public Cell execute(String session, String code, String origin) {
        if (!ORIGINS.contains(origin)) {
            throw new IllegalArgumentException("a cell's origin is one of " + ORIGINS + ", not \"" + origin + "\"");
        }
        if (code.length() > MAX_CODE) {
            throw new IllegalArgumentException("a cell's code is at most 1 MiB");
        }
        LiveSession s = running(session);
        if (known(session).state().equals("failed")) {
            throw new IllegalStateException("session " + session + " has failed; restart or stop it");
        }
        Cell cell = store.addCell(session, HexFormat.of().formatHex(bytes(8)), code, origin);
        store.activity(session, Instant.now());
        events.cell(cell);
        hub.dispatch(s);
        return store.cell(session, cell.id()).orElse(cell);
    }

    @Override
    public List<Cell> cells(String session, long afterIndex, int limit) {
        return store.cells(session, afterIndex, Math.max(1, Math.min(limit, 1000)));
    }

    @Override
    public Optional<Cell> cell(String session, String cell) {
        return store.cell(session, cell);
    }

    @Override
    public Cell await(String session, String cell, Duration timeout) throws InterruptedException {
        return events.await(session, cell, timeout);
    }

    @Override
    public void interrupt(String session) {
        LiveSession s = running(session);
        AgentConnection c = s.connection;
        if (c != null) {
            c.send(message("interrupt"));
        }
    }

    @Override
    public void restart(String session) {
        LiveSession s = running(session);
        synchronized (s) {
            AgentConnection c = s.connection;
            if (c == null) {
                throw new IllegalStateException("session " + session + " is not connected yet; try again in a moment");
            }
            // a fresh kernel has none of the variables the queued cells expect
            store.abortUnfinished(session).forEach(events::cell);
            events.cellsChanged();
            store.state(session, "restarting", null, false);
            c.send(message("restart"));
        }
        events.status(session);
    }

    @Override
    public void stop(String session) {
        stop(session, "failed".equals(get(session).map(Info::state).orElse("")) ? "stopped after its kernel died" : "stopped");
    }

    @Override
    public void stopProject(String project) {
        List<CompletableFuture<Void>> stops = list(project).stream()
                .map(s -> CompletableFuture.runAsync(() -> stop(s.id(), "its project was deleted"), stopper)).toList();
        stops.forEach(CompletableFuture::join);
    }

    @Override
    public Path inputs(String session) {
        return config.directory().resolve(known(session).id()).resolve("inputs");
    }

    @Override
    public Path outputs(String session) {
        return config.directory().resolve(known(session).id()).resolve("outputs");
    }

    @Override
    public void listen(Listener listener) {
        events.listen(listener);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        stopper.shutdownNow();
        agents.close();
        live.values().forEach(s -> {
            if (s.listener != null) {
                s.listener.close();
            }
            AgentConnection c = s.connection;
            if (c != null) {
                c.close();
            }
        });
        live.clear();
        store.close();
    }

    /** Stops {@code session} with this reason: shutdown to the agent, a grace period, then the adapter's cancel. */
    void stop(String session, String reason) {
        LiveSession s = live.get(session);
        if (s == null) {
            return;
        }
        if (!s.claim()) {
            s.ended.join(); // another caller stops it: returns once it is gone
            return;
        }
        try {
            store.state(session, "stopping", null, false);
            events.status(session);
            AgentConnection c = s.connection;
            if (c != null) {
                c.send(message("shutdown"));
            }
            if (s.handle != null) {
                long deadline = System.nanoTime() + GRACE.toNanos();
                while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted() && !ended(s.adapter.state(s.handle))) {
                    pause(100);
                }
            }
            end(s, "stopped", reason);
        } finally {
            s.ended.complete(null);
        }
    }

    /** Makes sure nothing of the session runs, then records how it ended; only by the caller that {@link LiveSession#claim claimed} it. */
    private void end(LiveSession s, String state, String reason) {
        if (s.handle != null) {
            s.adapter.cancel(s.handle); // the whole process group, also when it exited on its own (what it left behind)
        }
        AgentConnection c = s.connection;
        if (c != null) {
            c.close();
        }
        if (s.listener != null) {
            s.listener.close();
            agents.removeSocket(s.dir);
        }
        store.abortUnfinished(s.id).forEach(events::cell);
        store.state(s.id, state, reason, true);
        live.remove(s.id);
        events.cellsChanged();
        events.status(s.id);
        remove(s);
        s.ended.complete(null);
    }

    /** Deletes the directory of a session that ended, once its process is gone (else the next start of a manager does). */
    private void remove(LiveSession s) {
        if (s.handle != null) {
            long deadline = System.nanoTime() + GRACE.toNanos();
            while (!ended(s.adapter.state(s.handle))) {
                if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                    LOG.warn("session {} still runs after it was cancelled; its directory stays until the server starts again", s.id);
                    return;
                }
                pause(100);
            }
        }
        remove(s.id, s.dir);
    }

    private static void remove(String id, Path dir) {
        try {
            UntrustedTree.delete(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot delete the directory of session {} ({}); the server tries again when it starts", id, e.toString());
        }
    }

    /** Deletes what is left of the directories of sessions that ended (before this manager, or when deleting failed). */
    private void removeEnded() {
        if (!Files.isDirectory(config.directory(), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(config.directory())) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (store.session(id).map(SessionStore.Row::ended).orElse(false)) {
                    remove(id, dir);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the session directories in {}: {}", config.directory(), e.toString());
        }
    }

    /** Takes up the sessions a previous manager left running: their listeners again, or how they ended meanwhile. */
    private void reattach() {
        for (SessionStore.Row row : store.live()) {
            String id = row.info().id();
            ComputeAdapter adapter = adapters.get(row.info().adapter());
            Path dir = config.directory().resolve(id);
            if (adapter == null) {
                store.state(id, "lost", "this server has no compute adapter \"" + row.info().adapter() + "\" any more", true);
                continue;
            }
            LiveSession s = new LiveSession(id, adapter, dir, local(adapter));
            if (row.handle() == null && s.claim()) {
                end(s, "failed", "it did not start (the server stopped while starting it)");
                continue;
            }
            s.handle = new Handle(adapter.name(), row.handle(), dir);
            State state = adapter.state(s.handle);
            if (ended(state) && s.claim()) {
                end(s, "lost", "it ended while the server was away: " + describe(state));
                continue;
            }
            try {
                if (s.local) {
                    s.listener = agents.unix(id, dir);
                } else {
                    agents.tcpAddress(port(row.connect()));
                }
                live.put(id, s);
            } catch (IOException | RuntimeException e) {
                if (s.claim()) {
                    end(s, "lost", "the server cannot listen for its agent again: " + e.getMessage());
                }
            }
        }
    }

    /** Once a second: sessions whose process ended, whose agent never came, or that sat idle too long. */
    private void watch() {
        try {
            Instant now = Instant.now();
            for (SessionStore.Row row : store.live()) {
                LiveSession s = live.get(row.info().id());
                if (s == null || s.stopping || s.handle == null) {
                    continue;
                }
                if (s.connection == null) {
                    State state = s.adapter.state(s.handle);
                    if (ended(state)) {
                        if (s.claim()) {
                            // exit code 0: the agent ended by itself (e.g. it could not reach the server for its idle timeout)
                            String how = state instanceof State.Lost ? "lost" : ((State.Exited) state).code() == 0 ? "stopped" : "failed";
                            end(s, how, describe(state) + tail(s.dir));
                        }
                        continue;
                    }
                    if (state instanceof State.Waiting) {
                        s.waitingSince = now; // time in a scheduler's queue is not time to start
                    } else if (!s.everConnected && Duration.between(s.waitingSince, now).compareTo(config.startTimeout()) > 0) {
                        String why = "its agent did not connect within " + config.startTimeout().toSeconds() + " s" + tail(s.dir);
                        stopper.execute(() -> stop(s.id, why));
                        continue;
                    }
                }
                boolean busy = row.info().state().equals("busy") || store.anyUnfinished(s.id);
                if (!busy && Duration.between(row.info().lastActivity(), now).compareTo(config.idleTimeout()) > 0) {
                    long seconds = config.idleTimeout().toSeconds();
                    String why = "idle for " + (seconds % 60 == 0 ? seconds / 60 + " minutes" : seconds + " seconds");
                    stopper.execute(() -> stop(s.id, why));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("watching sessions failed", e);
        }
    }

    private LiveSession running(String session) {
        LiveSession s = live.get(session);
        if (s == null || s.stopping) {
            Info info = known(session);
            throw new IllegalStateException("session " + session + " is " + info.state() + (info.reason() == null ? "" : ": " + info.reason()));
        }
        return s;
    }

    private Info known(String session) {
        return get(session).orElseThrow(() -> new IllegalArgumentException("there is no session " + session));
    }

    private static boolean local(ComputeAdapter adapter) {
        return adapter.name().equals("local");
    }

    private static boolean ended(State state) {
        return state instanceof State.Exited || state instanceof State.Lost;
    }

    private static String describe(State state) {
        if (state instanceof State.Exited e) {
            return "its process exited with code " + e.code() + (e.reason() == null ? "" : " (" + e.reason() + ")");
        }
        return state instanceof State.Lost l ? "its process is gone: " + l.why() : state.toString();
    }

    /** The end of the agent's own output, which says why it could not start. */
    private static String tail(Path dir) {
        try {
            String log = Files.readString(dir.resolve("console.log"), StandardCharsets.UTF_8).strip();
            return log.isEmpty() ? "" : "; console.log ends: " + (log.length() > 500 ? "…" + log.substring(log.length() - 500) : log);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static int port(String connect) {
        return Integer.parseInt(connect.substring(connect.lastIndexOf(':') + 1));
    }

    private static ObjectNode message(String type) {
        return Json.MAPPER.createObjectNode().put("type", type);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
