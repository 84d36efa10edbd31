package org.deepforge.cli.client;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Follows an execution until it ends, passing on every console line of its jobs exactly once and in order, and each
 * job's end. Lines are read over REST with a cursor per job ({@code /log?from=next}); the WebSocket only says when
 * to look again (without it, the follower looks every second). Because the server stores a job's last lines before
 * it records the job's end, reading the logs after seeing an end misses nothing.
 */
public final class ExecutionFollower {
    /** Where followed output goes. */
    public interface Sink {
        void line(Execution.Job job, String line);

        /** A job reached its final status (reported once per job). */
        void finished(Execution.Job job);
    }

    private static final long POLL_SECONDS = 1;
    /** With the socket open a look is due only on a message; this is a safety net for a message lost in transit. */
    private static final long WATCHED_POLL_SECONDS = 10;

    private final DeepForgeClient client;
    private final boolean socket;

    /** A follower told over the WebSocket when there is news when {@code socket}, else polling every second. */
    public ExecutionFollower(DeepForgeClient client, boolean socket) {
        this.client = client;
        this.socket = socket;
    }

    /** Follows {@code execution} (only the job {@code onlyJob} when given) to its end and returns it as it ended. */
    public Execution follow(String execution, Optional<String> onlyJob, Sink sink) {
        Semaphore bell = new Semaphore(0);
        Optional<ExecutionWatch> watch = socket ? client.watch(execution, bell::release) : Optional.empty();
        Map<String, Long> cursors = new HashMap<>();
        Set<String> done = new HashSet<>();
        try {
            while (true) {
                Execution e = client.execution(execution);
                for (Execution.Job job : e.jobs()) {
                    if (onlyJob.isPresent() && !onlyJob.get().equals(job.id()) || done.contains(job.id())) {
                        continue;
                    }
                    cursors.put(job.id(), printNew(execution, job, cursors.getOrDefault(job.id(), 0L), sink));
                    if (job.finished()) { // read after the status said so: the log was complete
                        done.add(job.id());
                        sink.finished(job);
                    }
                }
                if (e.finished()) {
                    return e;
                }
                boolean watched = watch.isPresent() && watch.get().open();
                bell.tryAcquire(watched ? WATCHED_POLL_SECONDS : POLL_SECONDS, TimeUnit.SECONDS);
                bell.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted");
        } finally {
            watch.ifPresent(ExecutionWatch::close);
        }
    }

    /** Passes on the lines of {@code job} from {@code from} on; returns the cursor after them. */
    public long printNew(String execution, Execution.Job job, long from, Sink sink) {
        if (job.status().equals("pending") || job.status().equals("queued")) {
            return from;
        }
        long cursor = from;
        while (true) {
            LogPage page = client.log(execution, job.id(), cursor);
            page.lines().forEach(l -> sink.line(job, l));
            if (page.lines().isEmpty() || page.next() <= cursor) {
                return cursor;
            }
            cursor = page.next();
        }
    }
}
