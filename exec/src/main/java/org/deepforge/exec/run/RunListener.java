package org.deepforge.exec.run;

import java.util.List;

/** Told of every status change and console line of an execution's jobs, in order per job. */
public interface RunListener {
    void status(String execution, String job, JobStatus status, String message);

    void console(String execution, String job, List<String> lines);

    /** Validated events from the job's event channel, in order (metric, progress, plot, artifact; docs/jobs.md). */
    default void events(String execution, String job, List<org.deepforge.exec.events.JobEvent> events) {}

    /** Where a running job can be found again, and how far its console and events have been read. */
    default void position(String execution, String job, String handle, long consoleOffset, long eventsOffset) {}

    /** The execution as a whole changed status before finishing: pending → running with its first running job. */
    default void executionStatus(String execution, JobStatus status) {}

    /** The execution as a whole reached its final status. */
    default void finished(String execution, JobStatus status) {}
}
