package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Node;
import org.deepforge.model.domain.PipelineJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline as a DAG of jobs on a compute adapter: the scheduler. It reads the pipeline once
 * ({@link PipelineJson}), plans its {@link JobGraph}, and from one thread asks the graph which jobs are
 * ready or skipped, starts up to {@code slots} at a time through the {@link Launcher} (off the thread),
 * runs Input and Output nodes itself ({@link ArtifactNodes}), polls the adapter for each submitted job
 * and follows its output through the adapter ({@link JobOutput}), so no job output is read from a shared disk. Every status change goes to the {@link RunListener}.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** Where runs go unless they say otherwise (tests, benchmarks). */
    private final Placement defaults;
    private final Set<ComputeAdapter> watched = ConcurrentHashMap.newKeySet();
    private final Path workDir;
    private final int slots;
    private final RunListener listener;
    private final Launcher launcher;
    private final ArtifactNodes artifactNodes;
    private final JobOutput output;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Thread loop;
    private final ExecutorService starter = Executors.newCachedThreadPool(r -> {
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
        this.workDir = workDir;
        this.slots = slots;
        this.listener = listener;
        this.launcher = new Launcher(bundles, workDir);
        this.artifactNodes = new ArtifactNodes(workDir, sink);
        this.output = new JobOutput(listener);
        watch(defaults.compute());
        loop = new Thread(this::loop, "deepforge-engine");
        loop.setDaemon(true);
        loop.start();
    }

    public void useCache(JobCache cache) {
        launcher.useCache(cache);
    }

    /** Turns caching off for this execution, or for some of its jobs. Call right after start. */
    public synchronized void ignoreCache(String execution, String scope, boolean all, Set<String> jobs) {
        Run run = runs.get(execution);
        if (run != null) {
            run.scope = scope;
            run.graph.ignoreCache(all, jobs);
        }
    }

    /** Seeds this execution's jobs from {@code seed} (see {@link RunSpec#jobSeed}). Call right after start. */
    public synchronized void seed(String execution, long seed) {
        Run run = runs.get(execution);
        if (run != null) {
            run.seed = java.util.OptionalLong.of(seed);
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

    /**
     * Checks that {@code pipeline} in {@code model} can run where {@code placement} says, without starting anything:
     * throws {@link IllegalArgumentException} saying what to change (a malformed pipeline, a sub-pipeline node, an
     * Input or Output node without storage). Callers check before they record a run, so a refused run leaves no trace.
     */
    public void check(JsonNode model, String pipeline, Placement placement) {
        JobGraph.plan(PipelineJson.read(model, pipeline), placement.storage() != null);
    }

    /** Starts an execution whose jobs run and whose artifacts are kept where {@code placement} says. */
    public List<String> start(String execution, JsonNode model, String pipeline, String commit, Placement placement) {
        Run run = new Run(execution, model, PipelineJson.read(model, pipeline), placement);
        run.commit = commit;
        watch(placement.compute());
        synchronized (this) {
            runs.put(execution, run);
        }
        wake();
        return List.copyOf(run.graph.ids());
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
        for (Job j : run.graph.jobs()) {
            Known k = known.get(j.node);
            if (k == null) {
                continue;
            }
            Path bundle = launcher.bundle(run, j.node);
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
        LOG.info("resumed execution {} ({} jobs)", execution, run.graph.ids().size());
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
            for (Job j : run.graph.jobs()) {
                if (j.submitted()) {
                    running.add(j);
                } else if (!j.status.finished()) {
                    set(run, j, JobStatus.CANCELLED, "cancelled before it started");
                }
            }
        }
        // all at once: a cluster's cancel waits for each job to be gone, and an execution may have hundreds
        CompletableFuture.allOf(running.stream()
                .map(j -> CompletableFuture.runAsync(() -> run.placement.compute().cancel(j.handle), starter))
                .toArray(CompletableFuture[]::new)).join();
        synchronized (this) {
            for (Job j : running) {
                output.follow(run, j);
                if (!j.status.finished()) { // the scheduler thread may have seen it end already
                    set(run, j, JobStatus.CANCELLED, "cancelled while running");
                }
                discardEvents(run, j);
            }
            finishIfDone(run);
        }
    }

    /** A job's status while its execution runs; empty once the execution finished (the run database keeps it). */
    public Optional<JobStatus> status(String execution, String job) {
        Run run = runs.get(execution);
        return run == null ? Optional.empty() : run.graph.job(job).map(j -> j.status);
    }

    /**
     * How often the scheduler looks at running jobs unasked: to pass on their output, and to notice ends that the
     * adapter does not announce ({@link ComputeAdapter#onChange}; the local adapter and Slurm do announce them).
     */
    private static final long BUSY_POLL_MILLIS = 20;

    /** Schedules promptly: right after a job starts or ends (when the adapter says so), and every 20 ms while jobs run. */
    private void loop() {
        while (!closed) {
            boolean busy = tick();
            synchronized (wake) {
                if (!woken && !closed) {
                    try {
                        wake.wait(busy ? BUSY_POLL_MILLIS : 100);
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

    private void watch(ComputeAdapter compute) {
        if (watched.add(compute)) {
            compute.onChange(this::wake);
        }
    }

    private void advance(Run run) {
        for (Job j : run.graph.jobs()) {
            if (j.submitted()) {
                poll(run, j);
            }
        }
        run.graph.promote(run.cancelled).forEach(t -> apply(run, t));
        // a cluster adapter queues many jobs itself; this machine's adapters take as many as there are slots
        int maxSubmitted = run.placement.compute().maxSubmitted(run.placement.computeConfig());
        int limit = maxSubmitted > 0 ? maxSubmitted : slots;
        long running = runs.values().stream().filter(r -> r.placement.compute() == run.placement.compute())
                .mapToLong(r -> r.graph.inFlight()).sum();
        for (Job j : run.graph.jobs()) {
            if (running >= limit) {
                break;
            }
            if (j.status == JobStatus.QUEUED && !(j.kind instanceof Node.Operation)) {
                apply(run, artifactNodes.run(run, j));
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

    /** Asks the adapter how a submitted job is doing and follows its output. */
    private void poll(Run run, Job j) {
        output.follow(run, j);
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
            output.follow(run, j);
            if (run.cancelled) {
                set(run, j, JobStatus.CANCELLED, "cancelled while running");
            } else {
                apply(run, launcher.exited(run, j, exited.code(), exited.reason()));
            }
            discardEvents(run, j);
        } else if (state instanceof ComputeAdapter.State.Lost lost) {
            output.follow(run, j);
            set(run, j, run.cancelled ? JobStatus.CANCELLED : JobStatus.FAILED,
                    run.cancelled ? "cancelled while running" : "the job was lost: " + lost.why());
            discardEvents(run, j);
        }
    }

    /**
     * The job ended, its last events were read and recorded, and so was its status: the event file is no longer needed
     * (after a restart only jobs that had not ended are read again).
     */
    private void discardEvents(Run run, Job j) {
        if (j.handle == null) {
            return;
        }
        try {
            run.placement.compute().discard(j.handle, ComputeAdapter.JobStream.EVENTS);
        } catch (IOException e) {
            LOG.warn("cannot delete the event file of job {} of {}: {}", j.node, run.id, e.toString());
        }
    }

    /** Prepares and submits one job (off the scheduler thread); records the outcome under the engine's lock. */
    private void startJob(Run run, Job j) {
        ComputeAdapter.Handle handle = null;
        String failure = null;
        boolean cached = false;
        try {
            launcher.prepare(run, j);
            boolean useCache = run.graph.mayReuse(j);
            synchronized (this) {
                if (useCache && !run.cancelled) {
                    Optional<JobGraph.Transition> hit = launcher.reuse(run, j);
                    hit.ifPresent(t -> apply(run, t));
                    cached = hit.isPresent();
                    if (cached) {
                        // the cache handle names the job whose outputs were reused: its console, metrics and plots are this job's
                        listener.position(run.id, j.node, j.handle.ref(), 0, 0);
                    }
                }
            }
            if (!cached) {
                handle = launcher.submit(run, j);
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

    private void finishIfDone(Run run) {
        if (run.done || !run.graph.finished()) {
            return;
        }
        run.done = true;
        listener.finished(run.id, run.graph.overall(run.cancelled));
        // the run database keeps it: held on, every execution a server ever ran (with its model) would fill the heap
        runs.remove(run.id);
    }

    private void apply(Run run, JobGraph.Transition t) {
        set(run, run.graph.job(t.job()).orElseThrow(), t.status(), t.message());
    }

    private void set(Run run, Job j, JobStatus status, String message) {
        j.status = status;
        j.message = message;
        listener.status(run.id, j.node, status, message);
    }

    @Override
    public void close() {
        closed = true;
        starter.shutdown();
        wake();
    }
}
