package org.deepforge.server.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deepforge.exec.run.Execution;
import org.deepforge.exec.run.RunException;
import org.deepforge.exec.run.RunStore;
import org.deepforge.exec.sandbox.UntrustedTree;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.server.artifacts.ArtifactData;
import org.deepforge.server.artifacts.DataOwners;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.db.Database;
import org.deepforge.store.Branch;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;
import org.deepforge.store.VersionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished executions: their rows in the run database (jobs, console, metrics, plots, cache entries), their
 * run folder, their run tag, and then the stored data that only that tag still referred to. Artifacts an execution
 * made are records in the project, with their provenance: they and their data stay while any ref refers to them.
 *
 * <p>The order makes a crash safe: the deletion is journaled, then the database rows go (one transaction per
 * execution), so no row ever points at a folder or tag that is gone; a folder or tag a crash left behind is removed by
 * {@link #sweep} at the next start, from the journal. Data is collected last, only once nothing refers to it
 * ({@link ArtifactData#collect}).
 */
public final class ExecutionDeletion {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionDeletion.class);

    /**
     * What is (or would be) freed: bytes and files, and the disk space they take (each file rounded up to whole blocks of
     * its file store, each folder and long symbolic link one block), which is what a small run folder mostly is.
     */
    public record Freed(long bytes, long files, long diskBytes) {
        Freed plus(Freed o) {
            return new Freed(bytes + o.bytes, files + o.files, diskBytes + o.diskBytes);
        }
    }

    /** An artifact a deleted execution made that stays, and why. */
    public record Kept(String execution, String artifact, String name, String reason) {}

    /** What deleting executions did (or, for a dry run, would do). */
    public record Outcome(List<String> deleted, Freed folders, List<Kept> kept, ArrayNode data, boolean dryRun) {
        /** Folders and stored data together. */
        public Freed freed() {
            long bytes = 0;
            long files = 0;
            for (JsonNode d : data) {
                if (d.path("deleted").asBoolean()) {
                    bytes += d.path("size").asLong();
                    files++;
                }
            }
            return folders.plus(new Freed(bytes, files, bytes));
        }

        public ObjectNode toJson(ObjectNode into) {
            ArrayNode ids = into.put("dryRun", dryRun).putArray("deleted");
            deleted.forEach(ids::add);
            Freed all = freed();
            into.putObject("freed").put("bytes", all.bytes()).put("files", all.files()).put("folderBytes", folders.bytes())
                    .put("folderFiles", folders.files()).put("folderDiskBytes", folders.diskBytes());
            ArrayNode k = into.putArray("kept");
            kept.forEach(x -> k.addObject().put("execution", x.execution()).put("artifact", x.artifact()).put("name", x.name())
                    .put("reason", x.reason()));
            into.set("data", data);
            return into;
        }
    }

    private final RunStore runs;
    private final Path workDir;
    private final ProjectStore store;
    private final VersionControl vc;
    private final ArtifactData data;
    private final DeletionJournal journal;

    /** Run folders are {@code <workDir>/<execution>/}; deletions under way are journaled in {@code db}. */
    public ExecutionDeletion(RunStore runs, Path workDir, ProjectStore store, VersionControl vc, ArtifactData data, Database db) {
        this.journal = new DeletionJournal(db);
        this.runs = runs;
        this.workDir = workDir;
        this.store = store;
        this.vc = vc;
        this.data = data;
    }

    /** The execution, if it may be deleted: 404 if there is none, 409 while it has not finished. */
    public Execution deletable(String id) throws SQLException {
        Execution e = runs.execution(id).orElseThrow(() -> new RunException(StoreException.Kind.NOT_FOUND,
                "there is no execution " + id + " (deleted already?)"));
        if (!e.status().finished()) {
            throw new RunException(StoreException.Kind.CONFLICT, "execution " + id + " is " + e.status().id()
                    + "; cancel it first (POST /api/v1/executions/" + id + "/cancel), then delete it");
        }
        return e;
    }

    /**
     * Deletes finished executions of {@code project} (the caller checked each with {@link #deletable}); with {@code dryRun}
     * only says what would be freed and kept. Data is deleted with {@code caller}'s storage credentials.
     */
    public synchronized Outcome delete(String project, List<Execution> chosen, Principal caller, boolean dryRun) throws Exception {
        List<Execution> executions = new ArrayList<>();
        for (Execution e : chosen) {
            if (runs.execution(e.id()).isPresent()) { // a delete just before this one took it
                executions.add(e);
            }
        }
        Heads heads = heads(project);
        Map<String, List<Kept>> made = heads.made();
        List<Kept> kept = new ArrayList<>();
        Freed folders = new Freed(0, 0, 0);
        for (Execution e : executions) {
            kept.addAll(made.getOrDefault(e.id(), List.of()));
            folders = folders.plus(measure(folder(e.id())));
        }
        List<String> ids = executions.stream().map(Execution::id).toList();
        ArrayNode outcomes = Json.MAPPER.createArrayNode();
        if (dryRun) {
            return new Outcome(ids, folders, kept, outcomes, true);
        }
        // what the run tags referred to may be referred to by nothing else once they are gone
        Map<String, JsonNode> candidates = new LinkedHashMap<>();
        Set<String> commits = new LinkedHashSet<>();
        List<String> tags = new ArrayList<>();
        for (Execution e : executions) {
            e.run().tag().ifPresent(tag -> {
                tags.add(tag);
                commits.add(e.run().commit());
            });
        }
        for (String commit : commits) {
            try {
                // data a branch head refers to stays whatever the tags: only the rest is looked at again
                store.model(project, commit).model().path("artifacts").forEach(a -> DataOwners.Data.of(a.path("storage"))
                        .map(d -> d.location() + "\n" + d.key()).filter(k -> !heads.data().contains(k))
                        .ifPresent(k -> candidates.putIfAbsent(k, a.path("storage"))));
            } catch (IOException | RuntimeException ex) {
                LOG.warn("cannot read commit {} of project {}: {}", commit, project, ex.toString());
            }
        }
        journal.begin(executions);
        for (Execution e : executions) {
            runs.delete(e.id());
        }
        for (Execution e : executions) {
            try {
                UntrustedTree.delete(folder(e.id()));
            } catch (IOException ex) {
                LOG.warn("run folder of deleted execution {} not removed ({}); the next start removes it", e.id(), ex.toString());
            }
        }
        vc.deleteTags(project, tags);
        journal.done(ids);
        for (JsonNode storage : candidates.values()) {
            ArtifactData.Outcome o;
            try {
                o = data.collect(project, storage, caller);
            } catch (Exception ex) { // the executions are gone already: say why the data stays rather than fail
                o = new ArtifactData.Outcome(false, "could not delete it: " + ex.getMessage());
            }
            ObjectNode d = outcomes.addObject().put("key", storage.path("key").asText()).put("size", storage.path("size").asLong())
                    .put("deleted", o.deleted());
            if (!o.deleted()) {
                d.put("reason", o.reason());
            }
        }
        LOG.info("deleted {} execution(s) of project {}: {} bytes in {} files", ids.size(), project, folders.bytes(), folders.files());
        return new Outcome(ids, folders, kept, outcomes, false);
    }

    /**
     * Per execution, the artifacts it made that are still in one of the project's branches: they stay (with their
     * data, and their provenance, which is part of their record).
     */
    Map<String, List<Kept>> madeArtifacts(String project) throws IOException {
        return heads(project).made();
    }

    /** What the heads of a project's branches hold: per execution the artifacts it made, and every stored object referred to. */
    private record Heads(Map<String, List<Kept>> made, Set<String> data) {}

    private Heads heads(String project) throws IOException {
        Map<String, Map<String, Kept>> out = new HashMap<>();
        Set<String> data = new HashSet<>();
        for (Branch b : vc.branches(project)) {
            JsonNode artifacts = store.model(project, b.name()).model().path("artifacts");
            artifacts.fieldNames().forEachRemaining(id -> {
                DataOwners.Data.of(artifacts.get(id).path("storage")).ifPresent(d -> data.add(d.location() + "\n" + d.key()));
                Artifact a = Artifact.of(id, artifacts.get(id));
                a.execution().ifPresent(e -> out.computeIfAbsent(e, x -> new LinkedHashMap<>()).putIfAbsent(id, new Kept(e, id, a.name(),
                        "the artifact is in branch " + b.name() + ": it and its data stay, and its provenance is part of its record")));
            });
        }
        Map<String, List<Kept>> lists = new HashMap<>();
        out.forEach((e, m) -> lists.put(e, List.copyOf(m.values())));
        return new Heads(lists, data);
    }

    /**
     * After a crash between the steps of a delete: finishes the deletions the journal still lists (their run folders and
     * run tags go; one whose rows were never deleted is left as it is). Run at start, before any run can start.
     */
    public int sweep() throws Exception {
        int finished = 0;
        for (DeletionJournal.Entry e : journal.unfinished()) {
            if (runs.execution(e.execution()).isEmpty()) {
                UntrustedTree.delete(folder(e.execution()));
                if (e.tag().isPresent()) {
                    try {
                        vc.deleteTags(e.project(), List.of(e.tag().get()));
                    } catch (StoreException ex) {
                        // the project is gone, and its tags with it
                    }
                }
                finished++;
            }
            journal.done(List.of(e.execution()));
        }
        if (finished > 0) {
            LOG.info("finished deleting {} execution(s) that a stop interrupted", finished);
        }
        return finished;
    }

    private Path folder(String execution) {
        Path dir = workDir.resolve(execution).normalize();
        if (!dir.getParent().equals(workDir.normalize()) || execution.isEmpty()) {
            throw new IllegalArgumentException("not an execution id: " + execution);
        }
        return dir;
    }

    /**
     * What removing a folder frees: files whose every hard link is inside it (a later cached job links the outputs it
     * reused, and those bytes stay on disk with that job's folder).
     */
    static Freed measure(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new Freed(0, 0, 0);
        }
        long block = blockSize(dir);
        Map<Object, long[]> byInode = new HashMap<>(); // inode → {size, links inside, links in all}
        long[] folders = {0};
        long[] links = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                folders[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isSymbolicLink() && longLink(file)) {
                    links[0]++; // a target too long to be kept in the inode takes a block (a bundle's link to the runtime)
                } else if (attrs.isRegularFile()) {
                    Object key = attrs.fileKey() != null ? attrs.fileKey() : file;
                    byInode.computeIfAbsent(key, k -> new long[] {attrs.size(), 0, linkCount(file)})[1]++;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        long bytes = 0;
        long files = 0;
        long disk = (folders[0] + links[0]) * block;
        for (long[] v : byInode.values()) {
            if (v[1] >= v[2]) {
                bytes += v[0];
                files += v[1];
                disk += (v[0] + block - 1) / block * block;
            }
        }
        return new Freed(bytes, files, disk);
    }

    private static boolean longLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString().length() >= 60;
        } catch (IOException e) {
            return false;
        }
    }

    private static long blockSize(Path dir) {
        try {
            return Math.max(512, Files.getFileStore(dir).getBlockSize());
        } catch (IOException | UnsupportedOperationException e) {
            return 4096;
        }
    }

    private static long linkCount(Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:nlink")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }
}
