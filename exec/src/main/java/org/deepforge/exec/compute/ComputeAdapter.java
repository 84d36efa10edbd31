package org.deepforge.exec.compute;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.deepforge.model.Json;

/**
 * Where jobs run. The engine hands over a bundle directory and learns how the job ends; it never knows
 * which adapter it talks to, nor where the job's files lie. Everything the engine learns from a job comes
 * through this contract: its console, its events and its results ({@link #read}, followed by offset while
 * the job runs and again after a restart) and, once it ended, its outputs ({@link #collect}). The defaults
 * suit adapters whose jobs run in the bundle on a disk the server shares (this machine, a cluster's shared
 * file system): the job appends to {@code console.log} and {@code events.jsonl} and writes {@code results.json}
 * and {@code outputs/} there. An adapter whose jobs run elsewhere overrides both.
 */
public interface ComputeAdapter {
    /** How an adapter names a job it started, so the job can be found again after a server restart. */
    record Handle(String adapter, String ref, Path bundle) {}

    /** What a job writes for the engine to read, with the name of its file in a bundle. */
    enum JobStream {
        /** Standard output and error, appended as the job runs. */
        CONSOLE("console.log"),
        /** The event channel (one JSON object a line, docs/jobs.md), appended as the job runs. */
        EVENTS("events.jsonl"),
        /** The job's outcome, written once when it ends. */
        RESULTS("results.json");

        private final String file;

        JobStream(String file) {
            this.file = file;
        }

        /** Its file's name in a bundle. */
        public String file() {
            return file;
        }
    }

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

    /**
     * What the job wrote to {@code stream} from byte {@code offset} on, as far as it got; an empty stream when it
     * wrote nothing (yet). Called while the job runs (the engine follows the console and events by offset) and after
     * it ended. The default reads the file in the bundle.
     */
    default InputStream read(Handle handle, JobStream stream, long offset) throws IOException {
        return readFile(handle.bundle().resolve(stream.file()), offset);
    }

    /** A file from byte {@code offset} on; an empty stream when there is no such file. */
    static InputStream readFile(Path file, long offset) throws IOException {
        try {
            SeekableByteChannel channel = Files.newByteChannel(file);
            channel.position(offset);
            return Channels.newInputStream(channel);
        } catch (NoSuchFileException e) {
            return InputStream.nullInputStream();
        }
    }

    /**
     * Drops what the ended job wrote to {@code stream}, once the engine read all of it and recorded it (its events are
     * in the run database: a long training's event file would hold every metric point a second time). The default
     * deletes the file in the bundle.
     */
    default void discard(Handle handle, JobStream stream) throws IOException {
        Files.deleteIfExists(handle.bundle().resolve(stream.file()));
    }

    /**
     * Brings what the ended job left in its {@code outputs/} into the bundle, where its dependents, the cache and
     * Output nodes take it from; called once the job exited, before the engine reads its results. The default has
     * nothing to do: the job wrote them there.
     */
    default void collect(Handle handle) throws IOException {}

    /** Registers a callback run whenever a job may have changed state (e.g. its process ended), for prompt scheduling. */
    default void onChange(Runnable listener) {}

    /** Stops the job and every process it started; returns once they are gone (or after a grace period). */
    void cancel(Handle handle);

    /** What the adapter can tell about where it runs (a cluster's partitions and queue), for a status page. */
    default JsonNode status() throws IOException {
        return Json.MAPPER.createObjectNode().put("adapter", name()).put("summary", "runs jobs on this machine");
    }

    /** Checks an execution's configuration of this adapter before anything runs; throws IllegalArgumentException saying what to fix. */
    default void validate(JsonNode config) {}

    /** How many of its jobs may be submitted at once (a cluster queues more than this machine runs); 0: the engine's slots. */
    default int maxSubmitted(JsonNode config) {
        return 0;
    }
}
