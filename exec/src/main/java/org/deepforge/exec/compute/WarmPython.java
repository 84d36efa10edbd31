package org.deepforge.exec.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.deepforge.exec.sandbox.Sandbox;
import org.deepforge.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm Python for local jobs: a long-lived zygote ({@code python -u -m deepforge.zygote <socket>}) that
 * has imported numpy, torch and matplotlib once and forks each job from there, instead of paying the
 * imports (about 1.2 s) in every job. A forked job keeps the cold path's contract: its own session and
 * process group (the returned id), output in {@code console.log}, the exit code in {@code exitcode}.
 *
 * <p>The zygote speaks one JSON line each way over a Unix domain socket in a private temporary directory
 * (mode 700). {@link #fork} never waits long: when the zygote is not ready, not reachable within
 * {@value #CONNECT_MILLIS} ms, or does not answer in time, it returns empty and the caller starts the job
 * cold; a dead or unresponsive zygote is restarted in the background (with back-off). The request asks
 * the zygote to hold the job until this side confirms it read the reply, so a job is never started twice:
 * one that was not confirmed is dropped before it ran anything.
 *
 * <p>The zygote exits when this JVM goes away (it watches its stdin); jobs it started keep running.
 *
 * <p>With a {@link Sandbox} and a jobs directory, the zygote itself runs in a sandbox (the system and the
 * runtime read-only, the jobs directory writable, keeping the capabilities to make namespaces) and confines
 * every job it forks to its own bundle, /tmp, /proc and PID namespace with no capability left (see
 * {@code deepforge/isolate.py}); it takes only bundles inside the jobs directory.
 */
public final class WarmPython implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarmPython.class);
    static final long CONNECT_MILLIS = 200;
    private static final long REPLY_MILLIS = 2_000;
    private static final long MIN_RESTART_DELAY_MILLIS = 500;
    private static final long MAX_RESTART_DELAY_MILLIS = 60_000;
    private static final int MAX_FAILURES = 3;
    private static final int MAX_REPLY = 64 * 1024;
    /** The same variables the cold path passes on from the server's environment. */
    static final List<String> PASSED_ON = List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "USER");

    private final String python;
    private final Path runtimeRoot;
    private final Map<String, String> extraEnv;
    private final Path dir;
    private final Path socket;
    private final UnixDomainSocketAddress address;
    private final ScheduledExecutorService restarter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warm-python-restart");
        t.setDaemon(true);
        return t;
    });

    // guarded by this
    private Process process;
    private OutputStream stdin;
    private boolean closed;
    private boolean restartPending;
    private long restartDelay = MIN_RESTART_DELAY_MILLIS;
    private long lastStart;
    private int failures;
    private int starts;
    private volatile boolean ready;
    private final AtomicLong forked = new AtomicLong();
    private final List<Runnable> exitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> preload;
    private final Optional<Sandbox> sandbox;
    private final Optional<Path> jobsRoot;

    /**
     * {@code python}: the interpreter jobs use; {@code runtimeRoot}: the unpacked Python runtime (holding
     * {@code deepforge/}), put on the zygote's PYTHONPATH. Call {@link #start()} to launch it.
     */
    public WarmPython(String python, Path runtimeRoot) throws IOException {
        this(python, runtimeRoot, Map.of());
    }

    /** {@code extraEnv}: added to the zygote's own environment (not to the jobs'). */
    public WarmPython(String python, Path runtimeRoot, Map<String, String> extraEnv) throws IOException {
        this(python, runtimeRoot, extraEnv, HEAVY);
    }

    /** The libraries a zygote imports before forking: all of them, or numpy only (forks in a fraction of the time). */
    public static final List<String> HEAVY = List.of("numpy", "torch", "matplotlib");
    public static final List<String> LIGHT = List.of("numpy");

    public WarmPython(String python, Path runtimeRoot, Map<String, String> extraEnv, List<String> preload) throws IOException {
        this(python, runtimeRoot, extraEnv, preload, Optional.empty(), Optional.empty());
    }

    /**
     * A zygote in {@code sandbox} that isolates each job; it forks only bundles under {@code jobsRoot} (which must
     * not hold the runtime). Without a sandbox, jobs are forked unconfined.
     */
    public WarmPython(String python, Path runtimeRoot, Map<String, String> extraEnv, List<String> preload,
                      Optional<Sandbox> sandbox, Optional<Path> jobsRoot) throws IOException {
        if (sandbox.isPresent() != jobsRoot.isPresent()) {
            throw new IllegalArgumentException("a sandboxed zygote needs its jobs directory, and only it");
        }
        this.sandbox = sandbox;
        this.jobsRoot = jobsRoot.map(p -> {
            try {
                Files.createDirectories(p);
                return p.toRealPath();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        this.preload = List.copyOf(preload);
        this.python = python;
        this.runtimeRoot = runtimeRoot.toAbsolutePath();
        this.extraEnv = Map.copyOf(extraEnv);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (tmp.toAbsolutePath().toString().length() > 60) {
            tmp = Path.of("/tmp"); // a Unix socket path must stay under 108 bytes
        }
        this.dir = Files.createTempDirectory(tmp, "deepforge-warm",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        this.socket = dir.resolve("zygote.sock");
        this.address = UnixDomainSocketAddress.of(socket);
    }

    /** Launches the zygote (it is ready about a second later, after its imports); returns this. */
    public synchronized WarmPython start() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        launch();
        return this;
    }

    /** Whether each job forked is confined to a sandbox of its own. */
    public boolean isolates() {
        return sandbox.isPresent();
    }

    /** Whether the zygote has finished its imports and accepts jobs. */
    public boolean isReady() {
        return ready;
    }

    /** Waits until the zygote accepts jobs; false if it did not within {@code timeout}. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!ready) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        }
    }

    /** The zygote's process id, if one runs. */
    public synchronized Optional<Long> pid() {
        return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
    }

    /** Called whenever a job it forked has ended (its {@code exitcode} is written), so nobody need poll for it. */
    public void onExit(Runnable listener) {
        exitListeners.add(listener);
    }

    /** How many jobs were forked (started warm) so far. */
    public long forked() {
        return forked.get();
    }

    /** How many times a zygote was launched (1 + restarts). */
    public synchronized int starts() {
        return starts;
    }

    /**
     * Starts {@code python -u main.py} in {@code bundle} with exactly {@code env} as a fork of the zygote.
     * Returns the job's process (group) id, or empty when the caller should start the job cold: the zygote
     * is starting, gone, slow, or refuses this job (for example, an environment setting that its libraries
     * read at load time differs). Empty always means that no process of this job runs.
     */
    public Optional<Long> fork(Path bundle, Map<String, String> env) {
        return fork(bundle, env, true);
    }

    /** The same; {@code network} false: the job gets a network namespace with nothing in it (an isolating zygote only). */
    public Optional<Long> fork(Path bundle, Map<String, String> env, boolean network) {
        synchronized (this) {
            if (closed || starts == 0) {
                return Optional.empty(); // not started yet (a server starts it once it answers requests): cold
            }
            if (process == null || !process.isAlive()) {
                scheduleRestart("it is not running");
                return Optional.empty();
            }
        }
        if (!ready) {
            return Optional.empty(); // still importing
        }
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("bundle", bundle.toAbsolutePath().toString());
        ObjectNode e = request.putObject("env");
        env.forEach(e::put);
        request.put("confirm", true);
        if (!network) {
            request.put("network", false);
        }
        try {
            JsonNode reply = exchange(request);
            synchronized (this) {
                failures = 0;
            }
            if (reply.path("ok").asBoolean(false) && reply.path("pid").canConvertToLong()) {
                forked.incrementAndGet();
                return Optional.of(reply.path("pid").asLong());
            }
            LOG.debug("warm start refused for {}: {}; starting it cold", bundle, reply.path("error").asText());
            return Optional.empty();
        } catch (Unreachable u) {
            ready = false;
            LOG.warn("the warm Python is not reachable ({}); starting {} cold", u.getMessage(), bundle.getFileName());
            scheduleRestart("not reachable: " + u.getMessage());
            return Optional.empty();
        } catch (IOException | RuntimeException x) {
            int n;
            synchronized (this) {
                n = ++failures;
            }
            LOG.warn("the warm Python did not answer ({}); starting {} cold", x.toString(), bundle.getFileName());
            if (n >= MAX_FAILURES) {
                ready = false;
                scheduleRestart(n + " failed requests in a row");
            }
            return Optional.empty();
        }
    }

    /** Stops the zygote (jobs it started keep running) and removes its socket directory. */
    @Override
    public void close() {
        Process p;
        synchronized (this) {
            closed = true;
            ready = false;
            p = process;
            process = null;
            notifyAll();
        }
        restarter.shutdownNow();
        if (p != null) {
            stop(p, stdin);
        }
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", dir, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------ the zygote

    private void launch() throws IOException {
        Files.deleteIfExists(socket);
        List<String> command = new java.util.ArrayList<>(List.of(python, "-u", "-m", "deepforge.zygote", socket.toString(),
                "--exit-on-stdin-eof", "--preload=" + String.join(",", preload)));
        if (sandbox.isPresent()) {
            List<Path> keep = new java.util.ArrayList<>(List.of(runtimeRoot.toRealPath()));
            keep.addAll(Sandbox.interpreter(python));
            command.add("--isolate=" + jobsRoot.get());
            keep.forEach(k -> command.add("--keep=" + k));
            List<String> stages = new java.util.ArrayList<>();
            for (int i = 0; i <= keep.size(); i++) {
                stages.add("/.deepforge-stage/" + i); // where each job's bundle and the kept paths are parked (isolate.py)
            }
            Sandbox.Spec spec = new Sandbox.Spec(keep, List.of(jobsRoot.get(), dir.toRealPath()), false, true,
                    List.of("CAP_SYS_ADMIN", "CAP_SETPCAP"), stages, true, Optional.of(dir.toRealPath()), List.of());
            List<String> wrapped = sandbox.get().command(spec, command);
            command.clear();
            command.addAll(wrapped);
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> !PASSED_ON.contains(k));
        env.put("OMP_NUM_THREADS", "1"); // each job sets its own torch threads from its OMP_NUM_THREADS
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("PYTHONPATH", runtimeRoot.toString());
        if (sandbox.isPresent()) {
            env.put("HOME", "/tmp"); // as LocalCompute gives sandboxed jobs
            env.put("TMPDIR", "/tmp");
        }
        env.putAll(extraEnv);
        Process p = builder.start();
        process = p;
        stdin = p.getOutputStream();
        ready = false;
        lastStart = System.currentTimeMillis();
        starts++;
        Thread reader = new Thread(() -> follow(p), "warm-python-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        LOG.info("warm Python starting: {} -m deepforge.zygote (pid {})", python, p.pid());
    }

    /** Reads the zygote's output: its ready line, then anything it logs; restarts it when it ends. */
    private void follow(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("{\"exited\": true}")) {
                    exitListeners.forEach(Runnable::run);
                } else if (line.startsWith("{\"ready\"")) {
                    LOG.info("warm Python ready: {}", line);
                    synchronized (this) {
                        if (process == p) {
                            ready = true;
                            restartDelay = MIN_RESTART_DELAY_MILLIS;
                            failures = 0;
                        }
                        notifyAll();
                    }
                } else {
                    LOG.info("warm Python: {}", line);
                }
            }
        } catch (IOException e) {
            // the pipe closed
        }
        synchronized (this) {
            if (process == p) {
                ready = false;
                notifyAll();
                scheduleRestart("it exited");
            }
        }
    }

    private synchronized void scheduleRestart(String why) {
        if (closed || restartPending) {
            return;
        }
        restartPending = true;
        // restart at once after a zygote that ran a while; back off when it keeps failing at start
        long delay = System.currentTimeMillis() - lastStart > 30_000 ? 0 : restartDelay;
        restartDelay = Math.min(MAX_RESTART_DELAY_MILLIS, restartDelay * 2);
        LOG.warn("restarting the warm Python in {} ms: {}", delay, why);
        try {
            restarter.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            restartPending = false;
        }
    }

    private void restart() {
        Process old;
        OutputStream oldIn;
        synchronized (this) {
            restartPending = false;
            if (closed) {
                return;
            }
            old = process;
            oldIn = stdin;
            process = null;
            ready = false;
        }
        if (old != null) {
            stop(old, oldIn);
        }
        synchronized (this) {
            if (closed || process != null) {
                return;
            }
            try {
                launch();
            } catch (IOException e) {
                LOG.warn("cannot start the warm Python: {}", e.toString());
                scheduleRestart("start failed");
            }
        }
    }

    private static void stop(Process p, OutputStream in) {
        try {
            if (in != null) {
                in.close(); // it exits on end of input
            }
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------ the protocol

    /** Nothing was sent: the zygote is not listening (or too slow to accept). */
    private static final class Unreachable extends IOException {
        Unreachable(String message) {
            super(message);
        }
    }

    /** Request, reply, and (for an accepted job) the confirmation that releases it. */
    private JsonNode exchange(ObjectNode request) throws IOException {
        long start = System.nanoTime();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            try {
                if (!channel.connect(address)) {
                    SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
                    if (selector.select(CONNECT_MILLIS) == 0 || !channel.finishConnect()) {
                        throw new Unreachable("no connection within " + CONNECT_MILLIS + " ms");
                    }
                    key.cancel();
                    selector.selectNow();
                }
            } catch (Unreachable u) {
                throw u;
            } catch (IOException e) {
                throw new Unreachable(e.toString());
            }
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(REPLY_MILLIS);
            write(channel, selector, Json.MAPPER.writeValueAsString(request) + "\n", deadline);
            JsonNode reply = Json.MAPPER.readTree(readLine(channel, selector, deadline));
            if (reply.path("ok").asBoolean(false)) {
                // releases the job; if this fails the zygote drops it (it never got the go)
                write(channel, selector, "{\"go\": true}\n", deadline);
            }
            return reply;
        }
    }

    private static void write(SocketChannel channel, Selector selector, String text, long deadline) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        SelectionKey key = null;
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                if (key == null) {
                    key = channel.register(selector, SelectionKey.OP_WRITE);
                }
                key.interestOps(SelectionKey.OP_WRITE);
                await(selector, deadline);
            }
        }
        if (key != null) {
            key.interestOps(0);
        }
    }

    private static String readLine(SocketChannel channel, Selector selector, long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        SelectionKey key = channel.keyFor(selector);
        if (key == null) {
            key = channel.register(selector, SelectionKey.OP_READ);
        }
        key.interestOps(SelectionKey.OP_READ);
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                throw new IOException("the zygote closed the connection without an answer");
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    key.interestOps(0);
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            if (line.size() > MAX_REPLY) {
                throw new IOException("the zygote's answer is too long");
            }
            if (n == 0) {
                await(selector, deadline);
            }
        }
    }

    private static void await(Selector selector, long deadline) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || selector.select(left) == 0) {
            throw new IOException("no answer within " + REPLY_MILLIS + " ms");
        }
        selector.selectedKeys().clear();
    }
}
