package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline as a DAG of jobs on a compute adapter: one job per operation node, a job starts when
 * every job it reads from succeeded, up to {@code slots} at a time; a failed or cancelled job skips its
 * dependents. Outputs reach dependents as hard links, so large data is not copied. One scheduler thread
 * polls the adapter and follows each job's output through it ({@link JobOutputFollower}).
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final BundleWriter bundles;
    /** Where runs go unless they say otherwise (tests, benchmarks). */
    private final Placement defaults;
    private final java.util.Set<ComputeAdapter> watched = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Path workDir;
    private final int slots;
    private final RunListener listener;
    private final ArtifactSink sink;
    /** How long a job's presigned links to its inputs stay valid. */
    static final java.time.Duration FETCH_TTL = java.time.Duration.ofHours(6);
    private volatile JobCache cache = JobCache.NONE;
    /** Part of every cache key: results made by another runtime version are not reused. */
    static final String RUNTIME_VERSION = "deepforge-runtime-1";
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Thread loop;
    private final java.util.concurrent.ExecutorService starter = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "deepforge-job-start");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private final Object wake = new Object();
    private boolean woken;

    public Engine(BundleWriter bundles, ComputeAdapter compute, Path workDir, int slots, RunListener listener) {
        this(bundles, compute, null, ArtifactSink.NONE, workDir, slots, listener);
    }

    /** {@code storage} holds artifact data for Input and Output nodes; {@code sink} records saved artifacts. */
    public Engine(BundleWriter bundles, ComputeAdapter compute, StorageAdapter storage, ArtifactSink sink, Path workDir, int slots,
                  RunListener listener) {
        this(bundles, new Placement(compute, Json.MAPPER.createObjectNode(), storage), sink, workDir, slots, listener);
    }

    /** Runs go to {@code defaults} unless started with a placement of their own. */
    public Engine(BundleWriter bundles, Placement defaults, ArtifactSink sink, Path workDir, int slots, RunListener listener) {
        this.defaults = defaults;
        this.sink = sink;
        this.bundles = bundles;
        this.workDir = workDir;
        this.slots = slots;
        this.listener = listener;
        watch(defaults.compute());
        loop = new Thread(this::loop, "deepforge-engine");
        loop.setDaemon(true);
        loop.start();
    }

    /** One job of a run. */
    static final class Job {
        final String node;
        final String kind; // operation, input, output
        JsonNode environment;
        final List<String[]> reads = new ArrayList<>(); // {from node, from port, to port}
        JobStatus status = JobStatus.PENDING;
        ComputeAdapter.Handle handle;
        long consoleOffset;
        long eventsOffset;
        /** Reads what the job writes, through its adapter (made when the job is first followed). */
        JobOutputFollower output;
        String message;
        String cacheKey;
        /** Being prepared and submitted off the scheduler thread (counts against the slots). */
        boolean starting;

        Job(String node, String kind) {
            this.node = node;
            this.kind = kind;
        }
    }

    /** One execution being run. */
    static final class Run {
        final String id;
        final JsonNode model;
        final String pipeline;
        String commit;
        /** Cache entries are shared only within a scope (a project): no results leak between projects. */
        String scope = "";
        boolean ignoreCache;
        java.util.Set<String> ignoreCacheJobs = java.util.Set.of();
        final Map<String, Job> jobs = new LinkedHashMap<>();
        /** Where it runs and keeps its artifacts. */
        final Placement placement;
        boolean cancelled;
        boolean done;

        Run(String id, JsonNode model, String pipeline, Placement placement) {
            this.id = id;
            this.model = model;
            this.pipeline = pipeline;
            this.placement = placement;
        }
    }

    public void useCache(JobCache cache) {
        this.cache = cache;
    }

    /** Turns caching off for this execution, or for some of its jobs. Call right after start. */
    public synchronized void ignoreCache(String execution, String scope, boolean all, java.util.Set<String> jobs) {
        Run run = runs.get(execution);
        if (run != null) {
            run.scope = scope;
            run.ignoreCache = all;
            run.ignoreCacheJobs = java.util.Set.copyOf(jobs);
        }
    }

    /** Plans and starts an execution of {@code pipeline} in {@code model}; returns its job ids (node ids). */
    public List<String> start(String execution, JsonNode model, String pipeline) {
        return start(execution, model, pipeline, null);
    }

    /** Like {@link #start(String, JsonNode, String)}, recording the commit the model was read at (for provenance). */
    public List<String> start(String execution, JsonNode model, String pipeline, String commit) {
        return start(execution, model, pipeline, commit, defaults);
    }

    /** Starts an execution whose jobs run and whose artifacts are kept where {@code placement} says. */
    public List<String> start(String execution, JsonNode model, String pipeline, String commit, Placement placement) {
        JsonNode p = model.path("pipelines").path(pipeline);
        if (p.isMissingNode()) {
            throw new IllegalArgumentException("there is no pipeline " + pipeline);
        }
        Run run = new Run(execution, model, pipeline, placement);
        run.commit = commit;
        watch(placement.compute());
        p.path("nodes").fields().forEachRemaining(e -> {
            JsonNode n = e.getValue();
            String kind = n.has("operation") ? "operation" : n.has("input") ? "input" : n.has("output") ? "output" : "pipeline";
            if (kind.equals("pipeline")) {
                throw new IllegalArgumentException("node " + e.getKey() + " is a sub-pipeline, which this version cannot run yet; "
                        + "run the inner pipeline on its own");
            }
            if (!kind.equals("operation") && run.placement.storage() == null) {
                throw new IllegalArgumentException("node " + e.getKey() + " needs artifact storage, which this engine has none of");
            }
            run.jobs.put(e.getKey(), new Job(e.getKey(), kind));
        });
        p.path("connections").forEach(c -> run.jobs.get(c.path("to").path("node").asText()).reads.add(new String[] {
            c.path("from").path("node").asText(), c.path("from").path("port").asText(), c.path("to").path("port").asText()}));
        synchronized (this) {
            runs.put(execution, run);
        }
        wake();
        return List.copyOf(run.jobs.keySet());
    }

    /** What the run database knows of a job, to pick an execution up again after a restart. */
    public record Known(JobStatus status, String handle, long consoleOffset, long eventsOffset, String message) {}

    /**
     * Takes up an execution that was running when the server stopped: finished jobs stay as they were,
     * running jobs are found again by their handle and followed from where reading stopped, the rest
     * is scheduled as usual.
     */
    public synchronized void resume(String execution, JsonNode model, String pipeline, String commit, String scope, Map<String, Known> known) {
        resume(execution, model, pipeline, commit, scope, known, defaults);
    }

    /** Like {@link #resume(String, JsonNode, String, String, String, Map)} for a run placed elsewhere than the defaults. */
    public synchronized void resume(String execution, JsonNode model, String pipeline, String commit, String scope, Map<String, Known> known,
                                    Placement placement) {
        start(execution, model, pipeline, commit, placement);
        Run run = runs.get(execution);
        run.scope = scope;
        for (Job j : run.jobs.values()) {
            Known k = known.get(j.node);
            if (k == null) {
                continue;
            }
            Path bundle = workDir.resolve(run.id).resolve(j.node);
            if ((k.status() == JobStatus.RUNNING || k.status() == JobStatus.QUEUED) && k.handle() != null && !k.handle().isEmpty()) {
                j.status = k.status();
                j.message = k.message();
                j.handle = new ComputeAdapter.Handle(run.placement.compute().name(), k.handle(), bundle);
                j.consoleOffset = k.consoleOffset();
                j.eventsOffset = k.eventsOffset();
            } else if (k.status().finished()) {
                j.status = k.status();
                j.message = k.message();
                j.handle = new ComputeAdapter.Handle("done", "", bundle);
            }
        }
        LOG.info("resumed execution {} ({} jobs)", execution, run.jobs.size());
    }

    /** Stops every job of the execution; pending and queued jobs become cancelled. */
    public void cancel(String execution) {
        Run run = runs.get(execution);
        if (run == null) {
            return;
        }
        List<Job> running = new ArrayList<>();
        synchronized (this) {
            run.cancelled = true;
            for (Job j : run.jobs.values()) {
                if (submitted(j)) {
                    running.add(j);
                } else if (!j.status.finished()) {
                    set(run, j, JobStatus.CANCELLED, "cancelled before it started");
                }
            }
        }
        // all at once: a cluster's cancel waits for each job to be gone, and an execution may have hundreds
        java.util.concurrent.CompletableFuture.allOf(running.stream()
                .map(j -> java.util.concurrent.CompletableFuture.runAsync(() -> run.placement.compute().cancel(j.handle), starter))
                .toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        synchronized (this) {
            for (Job j : running) {
                follow(run, j);
                if (!j.status.finished()) { // the scheduler thread may have seen it end already
                    set(run, j, JobStatus.CANCELLED, "cancelled while running");
                }
            }
            finishIfDone(run);
        }
    }

    public Optional<JobStatus> status(String execution, String job) {
        Run run = runs.get(execution);
        return run == null || !run.jobs.containsKey(job) ? Optional.empty() : Optional.of(run.jobs.get(job).status);
    }

    /** Schedules promptly: right after a job ends (when the adapter says so) and every 2 ms while jobs run. */
    private void loop() {
        while (!closed) {
            boolean busy = tick();
            synchronized (wake) {
                if (!woken && !closed) {
                    try {
                        wake.wait(busy ? 2 : 100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    /** Asks the scheduler to look again now. */
    public void wake() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    /** One scheduling pass; returns whether any job is still under way. */
    private synchronized boolean tick() {
        boolean busy = false;
        try {
            for (Run run : runs.values()) {
                if (!run.done) {
                    advance(run);
                    busy |= !run.done;
                }
            }
        } catch (RuntimeException e) {
            LOG.error("engine tick failed", e);
        }
        return busy;
    }

    /** Whether the adapter has the job: running, or waiting in a scheduler's queue. */
    private static boolean submitted(Job j) {
        return j.status == JobStatus.RUNNING || (j.status == JobStatus.QUEUED && j.handle != null);
    }

    private void watch(ComputeAdapter compute) {
        if (watched.add(compute)) {
            compute.onChange(this::wake);
        }
    }

    private void advance(Run run) {
        for (Job j : run.jobs.values()) {
            if (submitted(j)) {
                follow(run, j);
                ComputeAdapter.State state = run.placement.compute().state(j.handle);
                if (state instanceof ComputeAdapter.State.Waiting waiting) {
                    String why = "waiting for the scheduler: " + waiting.reason();
                    if (j.status != JobStatus.QUEUED || !why.equals(j.message)) {
                        set(run, j, JobStatus.QUEUED, why);
                    }
                } else if (state instanceof ComputeAdapter.State.Running) {
                    if (j.status != JobStatus.RUNNING) {
                        set(run, j, JobStatus.RUNNING, null);
                    }
                } else if (state instanceof ComputeAdapter.State.Exited exited) {
                    follow(run, j);
                    if (run.cancelled) {
                        set(run, j, JobStatus.CANCELLED, "cancelled while running");
                    } else {
                        finishJob(run, j, exited.code(), exited.reason());
                    }
                } else if (state instanceof ComputeAdapter.State.Lost lost) {
                    follow(run, j);
                    set(run, j, run.cancelled ? JobStatus.CANCELLED : JobStatus.FAILED,
                            run.cancelled ? "cancelled while running" : "the job was lost: " + lost.why());
                }
            }
        }
        for (Job j : run.jobs.values()) {
            if (j.status != JobStatus.PENDING || run.cancelled) {
                continue;
            }
            boolean blocked = false;
            boolean ready = true;
            for (String[] read : j.reads) {
                JobStatus s = run.jobs.get(read[0]).status;
                blocked |= s == JobStatus.FAILED || s == JobStatus.CANCELLED || s == JobStatus.SKIPPED;
                ready &= s == JobStatus.SUCCESS || s == JobStatus.CACHED;
            }
            if (blocked) {
                set(run, j, JobStatus.SKIPPED, "skipped: a job it reads from did not succeed");
            } else if (ready) {
                set(run, j, JobStatus.QUEUED, null);
            }
        }
        // a cluster adapter queues many jobs itself; this machine's adapters take as many as there are slots
        int limit = run.placement.compute().maxSubmitted(run.placement.computeConfig()) > 0 ? run.placement.compute().maxSubmitted(run.placement.computeConfig()) : slots;
        long running = runs.values().stream().filter(r -> r.placement.compute() == run.placement.compute()).flatMap(r -> r.jobs.values().stream())
                .filter(j -> submitted(j) || j.starting).count();
        for (Job j : run.jobs.values()) {
            if (running >= limit) {
                break;
            }
            if (j.status == JobStatus.QUEUED && !j.kind.equals("operation")) {
                runLocally(run, j);
                continue;
            }
            if (j.status == JobStatus.QUEUED && !j.starting && j.handle == null) {
                // writing the bundle and asking the adapter take milliseconds: done off the scheduler thread,
                // so both slots start jobs at once and finished jobs are noticed meanwhile
                j.starting = true;
                running++;
                starter.execute(() -> startJob(run, j));
            }
        }
        finishIfDone(run);
    }

    /** Prepares and submits one job (off the scheduler thread); records the outcome under the engine's lock. */
    private void startJob(Run run, Job j) {
        Path bundle = workDir.resolve(run.id).resolve(j.node);
        ComputeAdapter.Handle handle = null;
        String failure = null;
        boolean cached = false;
        try {
            bundles.write(new BundleWriter.Job(run.id, j.node, run.model, run.pipeline, j.node), bundle);
            for (String[] read : j.reads) {
                linkTree(workDir.resolve(run.id).resolve(read[0]).resolve("outputs").resolve(read[1]),
                        bundle.resolve("inputs").resolve(read[2]));
                RemoteInputs.link(run.placement, bundle.resolve("inputs").resolve(read[2]), FETCH_TTL);
            }
            j.cacheKey = CacheKey.of(run, j, bundle);
            boolean useCache = !run.ignoreCache && !run.ignoreCacheJobs.contains(j.node);
            synchronized (this) {
                cached = useCache && !run.cancelled && reuse(run, j, bundle);
            }
            if (!cached) {
                handle = run.placement.compute().submit(bundle, Map.of(), run.placement.computeConfig());
            }
        } catch (IOException | RuntimeException e) {
            failure = "could not start the job: " + e.getMessage();
        }
        boolean cancelNow = false;
        synchronized (this) {
            j.starting = false;
            if (cached) {
                // reuse() already recorded the job as cached
            } else if (failure != null) {
                set(run, j, JobStatus.FAILED, failure);
            } else if (run.cancelled || j.status.finished()) {
                j.handle = handle;
                cancelNow = true;
            } else {
                j.handle = handle;
                set(run, j, JobStatus.RUNNING, null);
                listener.position(run.id, j.node, handle.ref(), 0, 0);
            }
        }
        if (cancelNow) {
            run.placement.compute().cancel(handle);
            synchronized (this) {
                set(run, j, JobStatus.CANCELLED, "cancelled while it was starting");
                finishIfDone(run);
            }
        }
        wake();
    }

    /** A cache hit: the outputs (and results) of the earlier job are linked in; returns whether it was a hit. */
    private boolean reuse(Run run, Job j, Path bundle) {
        Optional<String[]> hit = cache.lookup(j.cacheKey);
        if (hit.isEmpty()) {
            return false;
        }
        Path earlier = workDir.resolve(hit.get()[0]).resolve(hit.get()[1]);
        if (!Files.isDirectory(earlier.resolve("outputs")) || !Files.exists(earlier.resolve("results.json"))) {
            return false;
        }
        try {
            linkTree(earlier.resolve("outputs"), bundle.resolve("outputs"));
            Files.copy(earlier.resolve("results.json"), bundle.resolve("results.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("cache entry of {} unusable: {}", j.node, e.toString());
            return false;
        }
        j.handle = new ComputeAdapter.Handle("cache", hit.get()[0] + "/" + hit.get()[1], bundle);
        set(run, j, JobStatus.CACHED, "reused the outputs of job " + hit.get()[1] + " of execution " + hit.get()[0]);
        return true;
    }

    /** Input nodes fetch their artifact; Output nodes store what flows in and record the artifact. No process needed. */
    private void runLocally(Run run, Job j) {
        JsonNode node = run.model.path("pipelines").path(run.pipeline).path("nodes").path(j.node);
        Path dir = workDir.resolve(run.id).resolve(j.node);
        try {
            if (j.kind.equals("input")) {
                String artifactId = node.path("input").path("artifact").asText("");
                JsonNode artifact = run.model.path("artifacts").path(artifactId);
                if (artifact.isMissingNode()) {
                    throw new IOException("artifact " + artifactId + " does not exist");
                }
                Path out = Files.createDirectories(dir.resolve("outputs").resolve("data"));
                ObjectNode meta = Json.MAPPER.createObjectNode()
                        .put("type", artifact.path("type").asText("pickle")).put("sha256", artifact.path("storage").path("sha256").asText())
                        .put("size", artifact.path("storage").path("size").asLong());
                RemoteInputs.place(run.placement, artifact, artifactId, out, meta);
                Files.write(out.resolve("meta.json"), Json.fileBytes(meta));
                set(run, j, JobStatus.SUCCESS, "read artifact " + artifactId);
            } else {
                String[] read = j.reads.get(0);
                Path source = workDir.resolve(run.id).resolve(read[0]).resolve("outputs").resolve(read[1]);
                JsonNode meta = Json.MAPPER.readTree(source.resolve("meta.json").toFile());
                StorageAdapter.Stored stored;
                if (Files.exists(source.resolve("data"))) {
                    stored = run.placement.storage().putFile(source.resolve("data"), n -> { });
                } else {
                    try (var in = RemoteInputs.open(run.placement, source, meta)) {
                        stored = run.placement.storage().put(in, n -> { });
                    }
                }
                if (meta.has("sha256") && !meta.path("sha256").asText().equals(stored.sha256())) {
                    throw new IOException("the output changed while it was being saved (sha256 differs)");
                }
                String saveName = node.path("output").path("saveName").asText(j.node);
                String id = sink.save(run.id, j.node, saveName, stored, run.placement.storage().location(), meta.path("type").asText("pickle"),
                        Provenance.of(run, read[0], read[1], workDir));
                set(run, j, JobStatus.SUCCESS, "saved as artifact " + id);
            }
        } catch (Exception e) {
            set(run, j, JobStatus.FAILED, (j.kind.equals("input") ? "could not read the input: " : "could not save the output: ") + e.getMessage());
        }
    }

    private void finishJob(Run run, Job j, int code, String reason) {
        try {
            JsonNode r = JobOutputFollower.finish(run.placement.compute(), j.handle);
            if (code == 0 && r != null && r.path("status").asText().equals("success")) {
                if (j.cacheKey != null) {
                    cache.record(j.cacheKey, run.id, j.node);
                }
                set(run, j, JobStatus.SUCCESS, null);
            } else if (r != null && r.path("error").isTextual()) {
                set(run, j, JobStatus.FAILED, r.path("error").asText());
            } else if (reason != null) {
                set(run, j, JobStatus.FAILED, reason);
            } else if (code > 128) {
                set(run, j, JobStatus.FAILED, "the job was killed by signal " + (code - 128));
            } else {
                set(run, j, JobStatus.FAILED, "the job exited with code " + code + " without reporting a result");
            }
        } catch (IOException e) {
            set(run, j, JobStatus.FAILED, "the job's results or outputs could not be read: " + e.getMessage());
        }
    }

    private void finishIfDone(Run run) {
        if (run.done || !run.jobs.values().stream().allMatch(j -> j.status.finished())) {
            return;
        }
        run.done = true;
        JobStatus overall = run.cancelled ? JobStatus.CANCELLED
                : run.jobs.values().stream().anyMatch(j -> j.status == JobStatus.FAILED) ? JobStatus.FAILED : JobStatus.SUCCESS;
        listener.finished(run.id, overall);
    }

    /** Passes on what the job wrote since the last look: console lines, then events. */
    private void follow(Run run, Job j) {
        if (j.output == null) {
            j.output = new JobOutputFollower(run.placement.compute(), j.handle, j.consoleOffset, j.eventsOffset);
        }
        JobOutputFollower.Batch batch = j.output.read();
        if (!batch.console().isEmpty()) {
            listener.console(run.id, j.node, batch.console());
        }
        if (!batch.events().isEmpty()) {
            listener.events(run.id, j.node, batch.events());
        }
        if (j.consoleOffset != j.output.consoleOffset() || j.eventsOffset != j.output.eventsOffset()) {
            j.consoleOffset = j.output.consoleOffset();
            j.eventsOffset = j.output.eventsOffset();
            listener.position(run.id, j.node, j.handle.ref(), j.consoleOffset, j.eventsOffset);
        }
    }

    private void set(Run run, Job j, JobStatus status, String message) {
        j.status = status;
        j.message = message;
        listener.status(run.id, j.node, status, message);
    }

    private static void linkTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IOException("the upstream job wrote no output at " + from.getFileName());
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    try {
                        Files.createLink(dest, p);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        starter.shutdown();
        wake();
    }
}
