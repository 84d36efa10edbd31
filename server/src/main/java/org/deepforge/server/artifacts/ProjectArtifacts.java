package org.deepforge.server.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import org.deepforge.store.StoreException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.deepforge.exec.run.ArtifactSink;
import org.deepforge.exec.run.Execution;
import org.deepforge.model.domain.Provenance;
import org.deepforge.exec.run.RunException;
import org.deepforge.exec.run.RunSpec;
import org.deepforge.exec.run.RunStore;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;
import org.deepforge.server.run.Placements;
import org.deepforge.store.Author;
import org.deepforge.store.ChangeResult;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ProjectStore;

/**
 * Records stored data as artifacts of a project: one commit that adds {@code artifacts/<id>.json}, made while the
 * project's ownership of the data is claimed ({@link ArtifactData#record}). Uploads, imports from a bucket and the
 * Output nodes of executions (as the engine's {@link ArtifactSink}) all record through here.
 */
public final class ProjectArtifacts implements ArtifactSink {
    /** A recorded artifact: its id and the commit that added it. */
    public record Recorded(String id, ChangeResult change) {}

    private final ProjectStore store;
    private final Placements placements;
    private final ArtifactData data;
    private final RunStore runs;

    public ProjectArtifacts(ProjectStore store, Placements placements, ArtifactData data, RunStore runs) {
        this.store = store;
        this.placements = placements;
        this.data = data;
        this.runs = runs;
    }

    /** Adds an artifact {@code name} for data that {@code storage} holds as {@code stored} to {@code branch}, as one commit. */
    public Recorded add(String project, String branch, String name, String type, StorageAdapter storage, StorageAdapter.Stored stored,
                        String message, Author author) throws Exception {
        return commit(project, branch, artifact(name, type, stored, storage.location()), storage, message, author);
    }

    /**
     * Adds an artifact made outside a run (an interactive session's save), with {@code provenance} saying how it was made,
     * to {@code branch} as one commit.
     */
    public Recorded add(String project, String branch, String name, String type, StorageAdapter storage, StorageAdapter.Stored stored,
                        ObjectNode provenance, String message, Author author) throws Exception {
        ObjectNode artifact = artifact(name, type, stored, storage.location());
        artifact.set("provenance", provenance);
        return commit(project, branch, artifact, storage, message, author);
    }

    /** An Output node saved {@code stored}: one commit on the branch the execution ran from, authored by who ran it. */
    @Override
    public String save(String execution, String outputNode, String saveName, StorageAdapter.Stored stored, JsonNode location, String type,
                       Provenance.Output provenance) throws Exception {
        RunSpec run = run(execution);
        String user = run.user();
        Author author = new Author(user, user.equals("local") ? "Local user" : user, user + "@localhost");
        ObjectNode artifact = artifact(saveName, type, stored, location);
        artifact.set("provenance", provenance.toJson());
        return commit(run.project(), run.branch(), artifact, placements.storage(artifact.get("storage"), user),
                "Save artifact " + saveName + " from execution " + execution, author).id();
    }

    private Recorded commit(String project, String branch, ObjectNode artifact, StorageAdapter storage, String message, Author author)
            throws Exception {
        String id = Ids.newId(10);
        var patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "add").put("path", "/artifacts/" + id).set("value", artifact);
        ChangeResult r = data.record(project, artifact.get("storage"), storage,
                () -> store.apply(project, branch, ChangeSet.byServer(Optional.empty(), message, patch, author)));
        return new Recorded(id, r);
    }

    private RunSpec run(String execution) throws SQLException {
        return runs.execution(execution).map(Execution::run).orElseThrow(() -> new RunException(StoreException.Kind.NOT_FOUND, "there is no execution " + execution));
    }

    /** An artifact record: name, type, creation time and where the data is ({@code storage}: location, adapter, key, sha256, size). */
    static ObjectNode artifact(String name, String type, StorageAdapter.Stored stored, JsonNode location) {
        ObjectNode a = Json.MAPPER.createObjectNode().put("name", name).put("type", type).put("created", Instant.now().toString());
        ObjectNode record = a.putObject("storage");
        if (location != null && location.isObject()) {
            record.setAll((ObjectNode) location.deepCopy());
        }
        record.put("adapter", stored.adapter()).put("key", stored.key()).put("sha256", stored.sha256()).put("size", stored.size());
        return a;
    }
}
