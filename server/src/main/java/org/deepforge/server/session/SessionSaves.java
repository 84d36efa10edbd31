package org.deepforge.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.session.Sessions;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;
import org.deepforge.server.artifacts.ProjectArtifacts;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.run.Placements;
import org.deepforge.store.Author;
import org.deepforge.store.ProjectStore;

/**
 * Saving from a session (docs/sessions.md, "Saving and provenance"): a {@code df.save} cell writes the object into
 * {@code outputs/<id>/} under an id the server chose; once it is done the server copies the data out without trusting
 * the session (see {@link SessionOutputs}), checks it against what the cell reported, stores it like a job's output and
 * commits the artifact with a record of how the session made it.
 */
public final class SessionSaves {
    /** What a save made: the artifact (id, name, type, sha256, size) and the commit that added it. */
    public record Saved(String id, String name, String type, String sha256, long size, String commit) {}

    /** Largest object a session may save (bytes), as an upload. */
    static final long MAX_SIZE = 64L << 30;
    /** How long a save waits for its cell (which queues behind the cells before it, a training perhaps). */
    static final Duration WAIT = Duration.ofMinutes(10);
    private static final String SAVED = "application/vnd.deepforge.saved+json";

    private final Sessions sessions;
    private final SessionWorkspace workspace;
    private final ProjectStore store;
    private final Placements placements;
    private final ProjectArtifacts artifacts;
    private final SessionLedger ledger;
    private final Path scratch;

    public SessionSaves(Sessions sessions, SessionWorkspace workspace, ProjectStore store, Placements placements, ProjectArtifacts artifacts,
                 SessionLedger ledger, Path scratch) {
        this.sessions = sessions;
        this.workspace = workspace;
        this.store = store;
        this.placements = placements;
        this.artifacts = artifacts;
        this.ledger = ledger;
        this.scratch = scratch;
    }

    /**
     * Saves {@code variable} (or, when {@code training} is given, that training's model) as the artifact {@code name} on
     * {@code branch} (the session's when empty), authored by {@code author}.
     */
    public Saved save(String session, String name, Optional<String> variable, Optional<String> training, Optional<String> branch,
                      Author author) throws Exception {
        Sessions.Info info = workspace.live(session);
        String target = branch.orElse(info.branch());
        store.withBranchLock(info.project(), target, head -> head); // a missing branch fails now, before the session saves anything
        Optional<SessionLedger.Training> trained = training.map(id -> ledger.training(session, id)
                .orElseThrow(() -> new BadRequest("\"training\": session " + session + " has no training \"" + id + "\"")));
        String output = outputName(name);
        Sessions.Cell cell = workspace.execute(session, SessionCode.save(trained.map(SessionLedger.Training::id).orElseGet(variable::orElseThrow),
                output), "save");
        Sessions.Cell done = sessions.await(session, cell.id(), WAIT);
        if (done.state().equals("queued") || done.state().equals("running")) {
            throw new BadRequest(504, "the save (cell " + done.index() + ") has not finished after " + WAIT.toMinutes()
                    + " minutes, behind the cells before it; it will still write outputs/" + output + ", but nothing is stored; save again later");
        }
        if (!done.state().equals("ok")) {
            throw new BadRequest(422, "the save failed in the session: " + error(done));
        }
        JsonNode meta = saved(done, output);
        Files.createDirectories(scratch);
        Path copy = Files.createTempFile(scratch, output, ".data");
        try {
            SessionOutputs.Copied copied = SessionOutputs.copy(sessions.outputs(session), output, MAX_SIZE, copy);
            if (!copied.sha256().equals(meta.path("sha256").asText()) || copied.size() != meta.path("size").asLong(-1)) {
                throw new BadRequest(422, "the session's save cannot be stored: outputs/" + output + "/data has sha256 " + copied.sha256()
                        + " and " + copied.size() + " bytes, but the session reported " + Json.compact(meta.path("sha256")) + " and "
                        + Json.compact(meta.path("size")));
            }
            StorageAdapter storage = placements.storage(Json.MAPPER.createObjectNode().put("adapter", "local"), author.id());
            StorageAdapter.Stored stored = storage.putFile(copy, n -> { });
            if (!stored.sha256().equals(copied.sha256())) {
                throw new IllegalStateException("storage recorded sha256 " + stored.sha256() + " for bytes whose sha256 is " + copied.sha256());
            }
            String type = type(meta);
            ObjectNode provenance = provenance(info, done, trained, variable);
            ProjectArtifacts.Recorded r = artifacts.add(info.project(), target, name, type, storage, stored, provenance,
                    "Save artifact " + name + " from session " + session, author);
            return new Saved(r.id(), name, type, stored.sha256(), stored.size(), r.change().commit());
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** The {@code saved} output of the save cell for {@code output}. */
    private static JsonNode saved(Sessions.Cell cell, String output) {
        for (JsonNode o : cell.outputs()) {
            JsonNode s = o.path("data").path(SAVED);
            if (s.isObject() && s.path("output").asText().equals(output)) {
                return s;
            }
        }
        throw new BadRequest(422, "the session's save cannot be stored: its cell reported no saved object for outputs/" + output);
    }

    /** The serializer's type as the session reported it, if it is a plausible one (it names a type in the record). */
    private static String type(JsonNode meta) {
        String type = meta.path("type").asText("");
        return type.matches("[A-Za-z0-9_.]{1,100}") ? type : "pickle";
    }

    private static String error(Sessions.Cell cell) {
        for (JsonNode o : cell.outputs()) {
            if (o.path("kind").asText().equals("error")) {
                return o.path("ename").asText() + ": " + o.path("evalue").asText();
            }
        }
        return "the cell ended " + cell.state();
    }

    /**
     * How the session made it: the session, the code of its cells that ran without error before the save (in order;
     * saves left out), the training's configuration when a training's model is saved (else the saved variable), the artifacts loaded, the
     * project's architectures at the session's commit, the kernel's environment and the seed (the training's, else the
     * session's).
     */
    private ObjectNode provenance(Sessions.Info info, Sessions.Cell save, Optional<SessionLedger.Training> training, Optional<String> variable)
            throws Exception {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.putObject("session").put("id", info.id()).put("adapter", info.adapter()).put("branch", info.branch()).put("commit", info.commit())
                .put("started", info.created().toString());
        p.put("kind", training.isPresent() ? "training" : "console");
        ArrayNode cells = p.putArray("cells");
        ArrayNode inputs = p.putArray("inputs");
        for (Sessions.Cell c : cellsBefore(info.id(), save.index())) {
            if (!c.state().equals("ok") || c.origin().equals("save")) {
                continue;
            }
            cells.add(c.code());
            ledger.load(info.id(), c.id()).ifPresent(l -> inputs.addObject().put("artifact", l.artifact()).put("name", l.name())
                    .put("sha256", l.sha256()).put("variable", l.variable()));
        }
        training.ifPresent(t -> p.set("training", t.config().deepCopy()));
        variable.ifPresent(v -> p.put("variable", v));
        ArrayNode architectures = p.putArray("architectures");
        store.model(info.project(), info.commit()).model().path("architectures").fields().forEachRemaining(a ->
                architectures.addObject().put("id", a.getKey()).put("name", a.getValue().path("name").asText(a.getKey())).put("commit", info.commit()));
        p.set("environment", info.environment() == null ? Json.MAPPER.createObjectNode() : info.environment().deepCopy());
        // a training seeds itself with its configuration's seed (the trainer's default 0); the console has the session's
        p.put("seed", training.map(t -> t.config().path("seed").asLong(0)).orElse(info.seed()));
        return p;
    }

    private List<Sessions.Cell> cellsBefore(String session, long index) {
        List<Sessions.Cell> all = new ArrayList<>();
        for (long after = 0; after < index - 1; ) {
            List<Sessions.Cell> page = sessions.cells(session, after, 1000);
            if (page.isEmpty()) {
                break;
            }
            for (Sessions.Cell c : page) {
                if (c.index() < index) {
                    all.add(c);
                }
            }
            after = page.get(page.size() - 1).index();
        }
        return all;
    }

    /**
     * The folder in {@code outputs/} a save writes: the artifact's name as far as it is made of letters, digits, '.', '_'
     * and '-', then a fresh id (so the cell reads "saved model as redshiftModel-x1y2z3", and two saves never meet).
     */
    static String outputName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_").replace("..", "__");
        if (safe.length() > 80) {
            safe = safe.substring(0, 80);
        }
        if (safe.isEmpty() || !Character.isLetterOrDigit(safe.charAt(0))) {
            safe = "save" + safe;
        }
        return safe + "-" + Ids.newId(6);
    }
}
