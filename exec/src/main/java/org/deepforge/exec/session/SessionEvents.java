package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.deepforge.exec.session.Sessions.Cell;
import org.deepforge.exec.session.Sessions.Info;
import org.deepforge.exec.session.Sessions.Listener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells the {@link Listener}s what happened to sessions (a listener that throws is logged, not fatal) and wakes cells' waiters. */
final class SessionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEvents.class);
    private final SessionStore store;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object cellsChanged = new Object();

    SessionEvents(SessionStore store) {
        this.store = store;
    }

    void listen(Listener listener) {
        listeners.add(listener);
    }

    /** The session as stored now, told to the listeners. */
    Info status(String session) {
        Info info = store.session(session).map(SessionStore.Row::info)
                .orElseThrow(() -> new IllegalArgumentException("there is no session " + session));
        listeners.forEach(l -> quietly(() -> l.status(info)));
        return info;
    }

    void cell(Cell cell) {
        listeners.forEach(l -> quietly(() -> l.cell(cell)));
    }

    void output(String session, String cell, JsonNode output) {
        listeners.forEach(l -> quietly(() -> l.output(session, cell, output)));
    }

    void resources(String session, JsonNode resources) {
        listeners.forEach(l -> quietly(() -> l.resources(session, resources)));
    }

    /** Wakes {@link #await} callers: a cell may be done. */
    void cellsChanged() {
        synchronized (cellsChanged) {
            cellsChanged.notifyAll();
        }
    }

    /** Waits until the cell is done or the timeout passes; its latest state either way. */
    Cell await(String session, String cell, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (cellsChanged) {
            while (true) {
                Cell c = store.cell(session, cell).orElseThrow(() -> new NoSuchElementException("session " + session + " has no cell " + cell));
                long left = deadline - System.nanoTime();
                if (done(c) || left <= 0) {
                    return c;
                }
                TimeUnit.NANOSECONDS.timedWait(cellsChanged, left);
            }
        }
    }

    static boolean done(Cell c) {
        return !c.state().equals("queued") && !c.state().equals("running");
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("a session listener failed", e);
        }
    }
}
