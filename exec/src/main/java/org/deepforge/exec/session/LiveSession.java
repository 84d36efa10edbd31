package org.deepforge.exec.session;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.deepforge.exec.compute.ComputeAdapter;

/** What the manager holds of a session whose processes may run: how to reach and stop them. Guarded by its own monitor. */
final class LiveSession {
    final String id;
    final ComputeAdapter adapter;
    final Path dir;
    /** Its agent listens on a Unix socket in {@link #dir} (else on the shared TCP port). */
    final boolean local;
    /** Completed once the session ended and nothing of it runs. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    volatile ComputeAdapter.Handle handle;
    volatile Acceptor listener;
    volatile AgentConnection connection;
    volatile boolean stopping;
    volatile boolean everConnected;
    /** Since when it may have been starting (its process not queued): the start timeout counts from here. */
    volatile Instant waitingSince = Instant.now();
    /** When its agent's last resources report was taken. */
    volatile Instant resourcesAt = Instant.EPOCH;

    /** Marks it stopping; true for the one caller that then ends it, false for every later one. */
    synchronized boolean claim() {
        boolean first = !stopping;
        stopping = true;
        return first;
    }

    LiveSession(String id, ComputeAdapter adapter, Path dir, boolean local) {
        this.id = id;
        this.adapter = adapter;
        this.dir = dir;
        this.local = local;
    }
}
