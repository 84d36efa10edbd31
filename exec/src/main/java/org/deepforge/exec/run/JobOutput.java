package org.deepforge.exec.run;

/**
 * Passes on what a job wrote since the last look (read through its adapter by a {@link JobOutputFollower}) to the
 * listener: console lines, then events, then the new read positions, which are kept on the job so a restarted
 * server takes up reading where it stopped.
 */
final class JobOutput {
    private final RunListener listener;

    JobOutput(RunListener listener) {
        this.listener = listener;
    }

    /**
     * Passes on what the job wrote since the last look: console lines, then events; a backlog (a long job's events after
     * a restart) in batches of one read each, so the heap holds one batch at a time.
     */
    void follow(Run run, Job j) {
        if (j.output == null) {
            j.output = new JobOutputFollower(run.placement.compute(), j.handle, j.consoleOffset, j.eventsOffset);
        }
        JobOutputFollower.Batch batch;
        do {
            batch = j.output.read();
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
        } while (batch.more());
    }
}
