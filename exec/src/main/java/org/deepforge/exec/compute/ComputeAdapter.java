package org.deepforge.exec.compute;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where jobs run. The engine hands over a bundle directory and learns how the job ends; it never knows
 * which adapter it talks to. Console output is appended to {@code console.log} in the bundle and
 * structured events to {@code events.jsonl}, so the engine can follow both while the job runs and
 * again after a restart.
 */
public interface ComputeAdapter {
    /** How an adapter names a job it started, so the job can be found again after a server restart. */
    record Handle(String adapter, String ref, Path bundle) {}

    /** What the adapter knows about a job. */
    sealed interface State permits State.Waiting, State.Running, State.Exited, State.Lost {
        /** Accepted but not started yet (a scheduler's queue); {@code reason} is the scheduler's word for why, shown to the user. */
        record Waiting(String reason) implements State {}

        record Running() implements State {}

        /**
         * The job's process ended with this exit code (128 + n: killed by signal n). {@code reason}, when not null,
         * is what the scheduler says happened (e.g. "TIMEOUT: the job ran past its time limit of 00:01:00"); it is the
         * job's message unless the job reported an error itself.
         */
        record Exited(int code, String reason) implements State {
            public Exited(int code) {
                this(code, null);
            }
        }

        /** The job is gone without a trace of how it ended. */
        record Lost(String why) implements State {}
    }

    String name();

    /** JSON Schema of this adapter's configuration, shown in the run dialog. */
    JsonNode configSchema();

    /** Starts {@code python -u main.py} in the bundle with this extra environment. */
    Handle submit(Path bundle, Map<String, String> env, JsonNode config) throws IOException;

    State state(Handle handle);

    /** Registers a callback run whenever a job may have changed state (e.g. its process ended), for prompt scheduling. */
    default void onChange(Runnable listener) {}

    /** Stops the job and every process it started; returns once they are gone (or after a grace period). */
    void cancel(Handle handle);

    /** What the adapter can tell about where it runs (a cluster's partitions and queue), for a status page. */
    default JsonNode status() throws IOException {
        return org.deepforge.model.Json.MAPPER.createObjectNode().put("adapter", name()).put("summary", "runs jobs on this machine");
    }

    /** Checks an execution's configuration of this adapter before anything runs; throws IllegalArgumentException saying what to fix. */
    default void validate(JsonNode config) {}

    /** How many of its jobs may be submitted at once (a cluster queues more than this machine runs); 0: the engine's slots. */
    default int maxSubmitted(JsonNode config) {
        return 0;
    }
}
