package org.deepforge.exec.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Connection;
import org.deepforge.model.domain.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets one operation job going: writes its bundle, links in what upstream jobs wrote (hard links, so
 * large data is not copied), computes its content key, reuses a cached result or submits it to the
 * run's compute adapter, and reads what the finished process reported. Called off the scheduler
 * thread; it changes no job status itself (the {@link Engine} does, under its lock).
 */
final class Launcher {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
    /** How long a job's presigned links to its inputs stay valid. */
    static final Duration FETCH_TTL = Duration.ofHours(6);
    /** Part of every cache key: results made by another runtime version are not reused. */
    static final String RUNTIME_VERSION = "deepforge-runtime-1";

    private final BundleWriter bundles;
    private final Path workDir;
    private volatile JobCache cache = JobCache.NONE;

    Launcher(BundleWriter bundles, Path workDir) {
        this.bundles = bundles;
        this.workDir = workDir;
    }

    void useCache(JobCache cache) {
        this.cache = cache;
    }

    /** Where a job's bundle lives: one directory per execution, one per job in it. */
    Path bundle(Run run, String node) {
        return workDir.resolve(run.id).resolve(node);
    }

    /** Writes the job's bundle, links in its inputs (and presigned links to inputs kept remotely), and computes its content key. */
    void prepare(Run run, Job j) throws IOException {
        Path bundle = bundle(run, j.node);
        bundles.write(new BundleWriter.Job(run.id, j.node, run.model, run.pipeline, j.node, run.seed), bundle);
        for (Connection read : j.reads) {
            linkTree(bundle(run, read.from().node()).resolve("outputs").resolve(read.from().port()),
                    bundle.resolve("inputs").resolve(read.to().port()));
            RemoteInputs.link(run.placement, bundle.resolve("inputs").resolve(read.to().port()), FETCH_TTL);
        }
        j.cacheKey = CacheKey.of(run, j, bundle);
    }

    /**
     * A cache hit: the outputs (and results) of the earlier job with the same key are linked in and the
     * job gets a {@code cache} handle; returns the cached status with a message saying whose outputs.
     * Empty when there is no entry or it is unusable.
     */
    Optional<JobGraph.Transition> reuse(Run run, Job j) {
        Path bundle = bundle(run, j.node);
        Optional<JobCache.Entry> hit = cache.lookup(j.cacheKey);
        if (hit.isEmpty()) {
            return Optional.empty();
        }
        Path earlier = workDir.resolve(hit.get().execution()).resolve(hit.get().job());
        if (!Files.isDirectory(earlier.resolve("outputs")) || !Files.exists(earlier.resolve("results.json"))) {
            return Optional.empty();
        }
        try {
            linkTree(earlier.resolve("outputs"), bundle.resolve("outputs"));
            Files.copy(earlier.resolve("results.json"), bundle.resolve("results.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("cache entry of {} unusable: {}", j.node, e.toString());
            return Optional.empty();
        }
        j.handle = new ComputeAdapter.Handle("cache", hit.get().execution() + "/" + hit.get().job(), bundle);
        return Optional.of(new JobGraph.Transition(j.node, JobStatus.CACHED,
                "reused the outputs of job " + hit.get().job() + " of execution " + hit.get().execution()));
    }

    /** Hands the prepared bundle to the run's compute adapter. */
    ComputeAdapter.Handle submit(Run run, Job j) throws IOException {
        return run.placement.compute().submit(bundle(run, j.node), Map.of(), run.placement.computeConfig());
    }

    /**
     * What the exited process means (from the results it reported, read through its adapter, which also brings its
     * outputs back); a success is recorded in the cache.
     */
    JobGraph.Transition exited(Run run, Job j, int code, String reason) {
        JobGraph.Transition t;
        try {
            t = JobGraph.exited(j.node, code, Optional.ofNullable(JobOutputFollower.finish(run.placement.compute(), j.handle)), reason);
        } catch (IOException e) {
            return new JobGraph.Transition(j.node, JobStatus.FAILED, "the job's results or outputs could not be read: " + e.getMessage());
        }
        if (t.status() == JobStatus.SUCCESS && j.cacheKey != null) {
            cache.record(j.cacheKey, run.id, j.node);
        }
        return t;
    }

    /** Links every file under {@code from} into {@code to} (copies where links cannot be made). */
    static void linkTree(Path from, Path to) throws IOException {
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
}
