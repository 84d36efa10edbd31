package org.deepforge.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.deepforge.exec.session.Sessions;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;

/**
 * What the server asked of each session beyond the code of its cells: which artifact a load cell loaded and which
 * configuration a train cell trained, for trainings' views and saves' provenance. Each session's entries are kept in
 * {@code <directory>/<session>.jsonl} (one line an entry, written by the server only, never in the session's own
 * directory), so a session that reattaches after a restart keeps them; the file goes when the session has ended.
 */
public final class SessionLedger implements Sessions.Listener {
    /** A load cell: the artifact (id, name, sha256 as loaded) bound to {@code variable}. */
    record Load(String cell, String artifact, String name, String sha256, String variable) {}

    /** A train cell: the training's id and its configuration (with that id). */
    public record Training(String id, String cell, ObjectNode config) {}

    /** One session's entries, in the order they were made. */
    private static final class Entries {
        final Map<String, Load> loads = new LinkedHashMap<>();
        final Map<String, Training> trainings = new LinkedHashMap<>();
    }

    private final Path directory;
    private final Map<String, Entries> sessions = new ConcurrentHashMap<>();

    public SessionLedger(Path directory) {
        this.directory = directory;
    }

    void loaded(String session, Load load) {
        ObjectNode line = Json.MAPPER.createObjectNode().put("load", load.cell()).put("artifact", load.artifact()).put("name", load.name())
                .put("sha256", load.sha256()).put("variable", load.variable());
        Entries e = entries(session);
        synchronized (e) {
            append(session, line);
            e.loads.put(load.cell(), load);
        }
    }

    void training(String session, Training training) {
        ObjectNode line = Json.MAPPER.createObjectNode().put("training", training.id()).put("cell", training.cell());
        line.set("config", training.config());
        Entries e = entries(session);
        synchronized (e) {
            append(session, line);
            e.trainings.put(training.id(), training);
        }
    }

    Optional<Load> load(String session, String cell) {
        Entries e = entries(session);
        synchronized (e) {
            return Optional.ofNullable(e.loads.get(cell));
        }
    }

    List<Training> trainings(String session) {
        Entries e = entries(session);
        synchronized (e) {
            return List.copyOf(e.trainings.values());
        }
    }

    Optional<Training> training(String session, String id) {
        Entries e = entries(session);
        synchronized (e) {
            return Optional.ofNullable(e.trainings.get(id));
        }
    }

    /** Forgets a session once it has ended for good. */
    @Override
    public void status(Sessions.Info session) {
        if ((session.state().equals("stopped") || session.state().equals("lost")) && Ids.isId(session.id())) {
            sessions.remove(session.id());
            try {
                Files.deleteIfExists(file(session.id()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void cell(Sessions.Cell cell) {}

    @Override
    public void output(String session, String cell, JsonNode output) {}

    private Entries entries(String session) {
        if (!Ids.isId(session)) {
            throw new IllegalArgumentException("not a session id: " + session);
        }
        return sessions.computeIfAbsent(session, this::read);
    }

    private Entries read(String session) {
        Entries e = new Entries();
        Path file = file(session);
        if (!Files.exists(file)) {
            return e;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(line);
                } catch (IOException partial) {
                    continue; // a line the server was writing when it stopped
                }
                if (n.has("load")) {
                    e.loads.put(n.get("load").asText(), new Load(n.get("load").asText(), n.path("artifact").asText(), n.path("name").asText(),
                            n.path("sha256").asText(), n.path("variable").asText()));
                } else if (n.has("training") && n.path("config").isObject()) {
                    e.trainings.put(n.get("training").asText(), new Training(n.get("training").asText(), n.path("cell").asText(),
                            (ObjectNode) n.get("config")));
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read the ledger of session " + session, ex);
        }
        return e;
    }

    private void append(String session, ObjectNode line) {
        try {
            Files.createDirectories(directory);
            Files.writeString(file(session), Json.compact(line) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.DSYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record what session " + session + " was asked", e);
        }
    }

    private Path file(String session) {
        return directory.resolve(session + ".jsonl");
    }
}
