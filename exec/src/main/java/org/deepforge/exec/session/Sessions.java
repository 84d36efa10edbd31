package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Interactive sessions (docs/sessions.md): long-lived kernels started through a compute adapter, one user's,
 * in one project. The server's API calls this and never learns how a session is reached; everything an agent
 * says arrives here already validated. Implementations are thread-safe.
 */
public interface Sessions extends AutoCloseable {
    /** What to start: the project's model view at {@code commit} supplies operations, utils and architectures. */
    record Start(String project, String owner, String branch, String commit, JsonNode model, String adapter, JsonNode config) {}

    /**
     * A session as the API shows it. {@code state}: starting, idle, busy, restarting, stopping, stopped, lost, failed;
     * {@code reason}: why it is stopped/lost/failed (null otherwise); {@code environment}: what the agent reported in
     * its hello (empty object before); {@code resources}: its last resources report (empty object before); {@code seed}:
     * the seed drawn for it (session.json's), which a save's provenance records.
     */
    record Info(String id, String project, String owner, String adapter, String state, String reason, Instant created,
                Instant lastActivity, boolean shared, String branch, String commit, long idleTimeoutSeconds, long seed,
                JsonNode environment, JsonNode resources) {}

    /**
     * A cell: code sent to the kernel, in order ({@code index} counts from 1 per session). {@code origin}: console,
     * load, explore, train, save. {@code state}: queued, running, ok, error, aborted. {@code outputs}: the agent's
     * output objects in order (docs/sessions.md), capped in size.
     */
    record Cell(String id, String session, long index, String code, String origin, String state, Integer executionCount,
                List<JsonNode> outputs, Instant created, Instant finished) {}

    /** What sessions tell the server as it happens (pushed to browsers watching the session). */
    interface Listener {
        void status(Info session);

        void cell(Cell cell);

        void output(String session, String cell, JsonNode output);

        default void resources(String session, JsonNode resources) {}
    }

    /** Thrown when the owner already has as many live sessions as the server allows. */
    final class LimitReached extends RuntimeException {
        public LimitReached(String message) {
            super(message);
        }
    }

    /** Starts a session; IllegalArgumentException for a bad adapter/configuration, {@link LimitReached} at the owner's limit. */
    Info start(Start start) throws IOException;

    Optional<Info> get(String session);

    /** Sessions of a project that are not stopped, newest first. */
    List<Info> list(String project);

    Info share(String session, boolean shared);

    /** Queues a cell; IllegalStateException when the session is stopped, lost or failed. */
    Cell execute(String session, String code, String origin);

    /** Cells with index greater than {@code afterIndex}, at most {@code limit}, in order. */
    List<Cell> cells(String session, long afterIndex, int limit);

    Optional<Cell> cell(String session, String cell);

    /** Waits until the cell is done (ok, error or aborted) or the timeout passes; returns its latest state either way. */
    Cell await(String session, String cell, Duration timeout) throws InterruptedException;

    void interrupt(String session);

    void restart(String session);

    /**
     * Stops the session and every process it started; returns once they are gone (or after a grace period). Its
     * directory goes with it; its cells stay.
     */
    void stop(String session);

    /** Stops every live session of {@code project}, which is being deleted, at once; returns once they are stopped. */
    void stopProject(String project);

    /** The session directory's {@code inputs/} (artifacts are placed here before {@code df.load}). */
    Path inputs(String session);

    /** The session directory's {@code outputs/} ({@code df.save} writes here). */
    Path outputs(String session);

    void listen(Listener listener);

    /** Leaves running sessions running (they reattach when the server starts again) and closes the agent listeners. */
    @Override
    void close();
}
