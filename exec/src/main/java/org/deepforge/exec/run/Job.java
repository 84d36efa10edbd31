package org.deepforge.exec.run;

import java.util.ArrayList;
import java.util.List;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.model.domain.Connection;
import org.deepforge.model.domain.Node;

/** One job of a run: one node of the pipeline, and how far it has got. Guarded by the engine's lock. */
final class Job {
    final String node;
    final Node kind;
    /** The connections into this job's node: where its inputs come from. */
    final List<Connection> reads = new ArrayList<>();
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

    Job(Node kind) {
        this.node = kind.id();
        this.kind = kind;
    }

    /** Whether the adapter has the job: running, or waiting in a scheduler's queue. */
    boolean submitted() {
        return status == JobStatus.RUNNING || (status == JobStatus.QUEUED && handle != null);
    }
}
