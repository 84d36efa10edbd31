package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deepforge.model.domain.Node;
import org.deepforge.model.domain.Pipeline;

/**
 * The jobs of one execution and the rules between them, with no processes, files or threads: which
 * pipelines can run, when a job is ready (every job it reads from succeeded or was cached) or skipped
 * (one of them failed, was cancelled or skipped), which jobs may reuse a cached result, what a finished
 * process's exit means, and the execution's overall status. The {@link Engine} applies what it decides.
 */
final class JobGraph {
    /** A job's next status and the message that goes with it (null: none). */
    record Transition(String job, JobStatus status, String message) {}

    private final Map<String, Job> jobs;
    private boolean ignoreCache;
    private Set<String> ignoreCacheJobs = Set.of();

    private JobGraph(Map<String, Job> jobs) {
        this.jobs = jobs;
    }

    /**
     * One job per node of {@code pipeline}, in the pipeline's order. Refuses (with what to do instead)
     * sub-pipeline nodes, and Input or Output nodes when there is no artifact storage.
     */
    static JobGraph plan(Pipeline pipeline, boolean hasStorage) {
        Map<String, Job> jobs = new LinkedHashMap<>();
        for (Node n : pipeline.nodes().values()) {
            if (n instanceof Node.SubPipeline) {
                throw new IllegalArgumentException("node " + n.id() + " is a sub-pipeline, which this version cannot run yet; "
                        + "run the inner pipeline on its own");
            }
            if (!(n instanceof Node.Operation) && !hasStorage) {
                throw new IllegalArgumentException("node " + n.id() + " needs artifact storage, which this engine has none of");
            }
            jobs.put(n.id(), new Job(n));
        }
        pipeline.connections().forEach(c -> jobs.get(c.to().node()).reads.add(c));
        return new JobGraph(jobs);
    }

    Collection<Job> jobs() {
        return jobs.values();
    }

    Set<String> ids() {
        return jobs.keySet();
    }

    Optional<Job> job(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Turns caching off for the whole execution ({@code all}) or for some of its jobs. */
    void ignoreCache(boolean all, Set<String> jobs) {
        this.ignoreCache = all;
        this.ignoreCacheJobs = Set.copyOf(jobs);
    }

    /** Whether {@code job} may reuse the outputs of an earlier job with the same content key. */
    boolean mayReuse(Job job) {
        return !ignoreCache && !ignoreCacheJobs.contains(job.node);
    }

    /**
     * What becomes of the pending jobs now: queued when every job each reads from succeeded or was
     * cached, skipped when one of them failed, was cancelled or was skipped; the rest wait. Nothing
     * moves once the execution is cancelled.
     */
    List<Transition> promote(boolean cancelled) {
        List<Transition> out = new ArrayList<>();
        if (cancelled) {
            return out;
        }
        // decided in the pipeline's order, each decision seen by the jobs after it (a skip runs down a chain in one pass)
        Map<String, JobStatus> decided = new HashMap<>();
        for (Job j : jobs.values()) {
            if (j.status != JobStatus.PENDING) {
                continue;
            }
            boolean blocked = false;
            boolean ready = true;
            for (var read : j.reads) {
                JobStatus s = decided.getOrDefault(read.from().node(), jobs.get(read.from().node()).status);
                blocked |= s == JobStatus.FAILED || s == JobStatus.CANCELLED || s == JobStatus.SKIPPED;
                ready &= s == JobStatus.SUCCESS || s == JobStatus.CACHED;
            }
            if (blocked) {
                out.add(new Transition(j.node, JobStatus.SKIPPED, "skipped: a job it reads from did not succeed"));
                decided.put(j.node, JobStatus.SKIPPED);
            } else if (ready) {
                out.add(new Transition(j.node, JobStatus.QUEUED, null));
                decided.put(j.node, JobStatus.QUEUED);
            }
        }
        return out;
    }

    /** Jobs the compute adapter has or is being given (they count against its slots). */
    long inFlight() {
        return jobs.values().stream().filter(j -> j.submitted() || j.starting).count();
    }

    /** Whether every job has reached a final status. */
    boolean finished() {
        return jobs.values().stream().allMatch(j -> j.status.finished());
    }

    /** The execution's status once {@link #finished()}: cancelled, else failed when a job failed, else success. */
    JobStatus overall(boolean cancelled) {
        return cancelled ? JobStatus.CANCELLED
                : jobs.values().stream().anyMatch(j -> j.status == JobStatus.FAILED) ? JobStatus.FAILED : JobStatus.SUCCESS;
    }

    /**
     * What an exited job process means: success only with exit code 0 and {@code results.json} saying
     * so; otherwise the error it reported, the adapter's reason, the signal that killed it, or its exit code.
     */
    static Transition exited(String job, int code, Optional<JsonNode> results, String reason) {
        JsonNode r = results.orElse(null);
        if (code == 0 && r != null && r.path("status").asText().equals("success")) {
            return new Transition(job, JobStatus.SUCCESS, null);
        } else if (r != null && r.path("error").isTextual()) {
            return new Transition(job, JobStatus.FAILED, r.path("error").asText());
        } else if (reason != null) {
            return new Transition(job, JobStatus.FAILED, reason);
        } else if (code > 128) {
            return new Transition(job, JobStatus.FAILED, "the job was killed by signal " + (code - 128));
        }
        return new Transition(job, JobStatus.FAILED, "the job exited with code " + code + " without reporting a result");
    }
}
