package org.deepforge.server.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the server asked of each session beyond the code of its cells: which artifact a load cell loaded and which
 * configuration a train cell trained, for trainings' views and saves' provenance. Kept in memory: a session that
 * reattaches after a server restart keeps its cells, but their loads and trainings are no longer known here.
 */
public final class SessionLedger {
    /** A load cell: the artifact (id, name, sha256 as loaded) bound to {@code variable}. */
    record Load(String cell, String artifact, String name, String sha256, String variable) {}

    /** A train cell: the training's id and its configuration (with that id). */
    public record Training(String id, String cell, ObjectNode config) {}

    private final Map<String, Map<String, Load>> loads = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Training>> trainings = new ConcurrentHashMap<>();

    void loaded(String session, Load load) {
        Map<String, Load> m = loads.computeIfAbsent(session, s -> new LinkedHashMap<>());
        synchronized (m) {
            m.put(load.cell(), load);
        }
    }

    void training(String session, Training training) {
        Map<String, Training> m = trainings.computeIfAbsent(session, s -> new LinkedHashMap<>());
        synchronized (m) {
            m.put(training.id(), training);
        }
    }

    Optional<Load> load(String session, String cell) {
        Map<String, Load> m = loads.getOrDefault(session, Map.of());
        synchronized (m) {
            return Optional.ofNullable(m.get(cell));
        }
    }

    List<Training> trainings(String session) {
        Map<String, Training> m = trainings.getOrDefault(session, Map.of());
        synchronized (m) {
            return List.copyOf(m.values());
        }
    }

    Optional<Training> training(String session, String id) {
        Map<String, Training> m = trainings.getOrDefault(session, Map.of());
        synchronized (m) {
            return Optional.ofNullable(m.get(id));
        }
    }

    /** Forgets a stopped session. */
    void forget(String session) {
        loads.remove(session);
        trainings.remove(session);
    }
}
