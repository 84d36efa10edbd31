package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import java.util.regex.Pattern;
import org.deepforge.model.ModelView;
import org.deepforge.store.tree.TreeCodec;
import org.deepforge.store.tree.TreeWriter;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * One project's bare repository: reads model views at commits (cached, since commits never change),
 * writes commits from file changes, and moves refs with compare-and-swap under a per-branch lock.
 */
final class ProjectRepo implements AutoCloseable {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{4,40}");
    private static final int CACHE_SIZE = 256;

    final String id;
    final Repository repo;
    private final Map<ObjectId, ModelAt> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ObjectId, ModelAt> eldest) {
                    return size() > CACHE_SIZE;
                }
            });
    private final Map<String, ReentrantLock> branchLocks = new ConcurrentHashMap<>();
    private final TreeWriter trees = new TreeWriter();
    private final ReentrantReadWriteLock maintenance = new ReentrantReadWriteLock();
    private final Map<String, Queue<Pending>> queues = new ConcurrentHashMap<>();

    private ProjectRepo(String id, Repository repo) {
        this.id = id;
        this.repo = repo;
    }

    static ProjectRepo open(String id, File dir) throws IOException {
        Repository repo = new FileRepositoryBuilder().setGitDir(dir).setBare().setMustExist(true).build();
        // a server killed during a ref update leaves its lock behind: without this the branch stays unwritable
        LockRecovery.recoverAll(repo);
        return new ProjectRepo(id, repo);
    }

    /** Creates an empty bare repository whose default branch is {@code branch}; durable writes on. */
    static ProjectRepo init(String id, File dir, String branch) throws IOException {
        try {
            Git.init().setBare(true).setDirectory(dir).setInitialBranch(branch).call().close();
        } catch (GitAPIException e) {
            throw new IOException("cannot create repository " + dir, e);
        }
        ProjectRepo r = open(id, dir);
        StoredConfig config = r.repo.getConfig();
        // objects are made durable by Batch (one fsync'd pack per group commit); refs by JGit itself
        config.setBoolean("core", null, "fsyncRefFiles", true);
        config.setBoolean("core", null, "logAllRefUpdates", true);
        config.setString("deepforge", null, "created", Instant.now().toString());
        config.save();
        return r;
    }

    /** When the project was created (recorded in the repository's config). */
    Instant created() {
        String value = repo.getConfig().getString("deepforge", null, "created");
        try {
            return value == null ? Instant.EPOCH : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    ReentrantLock branchLock(String branch) {
        return branchLocks.computeIfAbsent(branch, b -> new ReentrantLock());
    }

    String defaultBranch() throws IOException {
        Ref head = repo.exactRef(Constants.HEAD);
        if (head != null && head.isSymbolic()) {
            return Repository.shortenRefName(head.getTarget().getName());
        }
        return "main";
    }

    Optional<ObjectId> branchHead(String branch) throws IOException {
        Ref ref = repo.exactRef(Constants.R_HEADS + branch);
        return Optional.ofNullable(ref).map(Ref::getObjectId);
    }

    ObjectId requireBranch(String branch) throws IOException {
        return branchHead(branch).orElseThrow(() -> StoreException.notFound(
                "project " + id + " has no branch \"" + branch + "\""));
    }

    /** Resolves a branch name, tag name or (abbreviated) commit id to a commit. */
    ObjectId resolve(String ref) throws IOException {
        if (ref == null || ref.isEmpty()) {
            return requireBranch(defaultBranch());
        }
        if (ref.length() <= 255 && Repository.isValidRefName(Constants.R_HEADS + ref)) {
            Ref branch = repo.exactRef(Constants.R_HEADS + ref);
            if (branch != null) {
                return branch.getObjectId();
            }
            Ref tag = repo.exactRef(Constants.R_TAGS + ref);
            if (tag != null) {
                Ref peeled = repo.getRefDatabase().peel(tag);
                return peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : tag.getObjectId();
            }
        }
        if (HEX.matcher(ref).matches()) {
            try {
                ObjectId id = repo.resolve(ref + "^{commit}");
                if (id != null) {
                    return id;
                }
            } catch (AmbiguousObjectException e) {
                throw StoreException.badRequest("\"" + ref + "\" matches several commits; give more characters of the id");
            } catch (IncorrectObjectTypeException | MissingObjectException e) {
                // fall through to not found
            }
        }
        throw StoreException.notFound("project " + id + " has no branch, tag or commit \"" + abbreviate(ref) + "\"");
    }

    static String abbreviate(String s) {
        String clean = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }

    RevCommit parseCommit(ObjectId commit) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.parseCommit(commit);
        }
    }

    /** The model view at a commit; cached. */
    ModelAt modelAt(ObjectId commit) throws IOException {
        ModelAt cached = cache.get(commit);
        if (cached != null) {
            return cached;
        }
        RevCommit c = parseCommit(commit);
        Map<String, byte[]> files = new HashMap<>();
        try (ObjectReader reader = repo.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(c.getTree());
            walk.setRecursive(false);
            while (walk.next()) {
                String path = walk.getPathString();
                if (walk.isSubtree()) {
                    if (ModelView.COLLECTIONS.contains(path)) {
                        walk.enterSubtree();
                    }
                    continue;
                }
                files.put(path, reader.open(walk.getObjectId(0)).getBytes());
            }
        }
        ObjectNode model;
        try {
            model = TreeCodec.model(files);
        } catch (IOException e) {
            throw StoreException.badRequest("commit " + commit.abbreviate(8).name() + " holds a file that is not valid JSON: " + e.getMessage());
        }
        ModelAt at = new ModelAt(commit.name(), model);
        cache.put(commit.copy(), at);
        return at;
    }

    void remember(ObjectId commit, JsonNode model) {
        cache.put(commit.copy(), new ModelAt(commit.name(), model));
    }

    /** A new group-commit batch; callers hold {@link #maintenance()}'s read lock while it is open. */
    Batch batch() {
        return new Batch((ObjectDirectory) repo.getObjectDatabase(), trees);
    }

    /** Writers share it (read lock); repacking takes it exclusively so no unflushed object is dropped. */
    ReentrantReadWriteLock maintenance() {
        return maintenance;
    }

    /** Change sets waiting for the branch's writer. */
    Queue<Pending> queue(String branch) {
        return queues.computeIfAbsent(branch, b -> new ConcurrentLinkedQueue<>());
    }

    /** Folds the small packs of many batches into one once there are enough of them; writers wait meanwhile. */
    void packIfNeeded() throws IOException {
        if (!Packs.needsConsolidation(repo)) {
            return;
        }
        maintenance.writeLock().lock();
        try {
            Packs.consolidate(repo);
        } finally {
            maintenance.writeLock().unlock();
        }
    }

    /**
     * Moves {@code refName} from {@code expected} (empty: must not exist) to {@code target}. A stale lock
     * file left by a crashed server is recovered ({@link LockRecovery}) and the update tried once more.
     */
    void updateRef(String refName, Optional<ObjectId> expected, ObjectId target, String reason, boolean force) throws IOException {
        RefUpdate.Result result = moveRef(refName, expected, target, reason, force);
        if (result == RefUpdate.Result.LOCK_FAILURE && LockRecovery.recoverForUpdate(repo, refName)) {
            result = moveRef(refName, expected, target, reason, force);
        }
        switch (result) {
            case NEW, FAST_FORWARD, FORCED, NO_CHANGE -> { }
            default -> throw new IOException("could not move " + refName + ": " + result);
        }
    }

    private RefUpdate.Result moveRef(String refName, Optional<ObjectId> expected, ObjectId target, String reason, boolean force)
            throws IOException {
        RefUpdate update = repo.updateRef(refName);
        update.setExpectedOldObjectId(expected.orElse(ObjectId.zeroId()));
        update.setNewObjectId(target);
        update.setForceUpdate(force);
        update.setRefLogMessage(reason, false);
        return update.update();
    }

    void deleteRef(String refName) throws IOException {
        RefUpdate.Result result = dropRef(refName);
        if (result == RefUpdate.Result.LOCK_FAILURE && LockRecovery.recoverForUpdate(repo, refName)) {
            result = dropRef(refName);
        }
        switch (result) {
            case FORCED, NO_CHANGE, FAST_FORWARD -> { }
            default -> throw new IOException("could not delete " + refName + ": " + result);
        }
    }

    private RefUpdate.Result dropRef(String refName) throws IOException {
        RefUpdate update = repo.updateRef(refName);
        update.setForceUpdate(true);
        return update.delete();
    }

    /** Repository paths that differ between a commit and its first parent (all paths for a root commit). */
    List<String> changedPaths(RevCommit commit) throws IOException {
        List<String> paths = new ArrayList<>();
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.setRecursive(true);
            if (commit.getParentCount() > 0) {
                RevCommit parent = parseCommit(commit.getParent(0));
                walk.addTree(parent.getTree());
                walk.addTree(commit.getTree());
                walk.setFilter(TreeFilter.ANY_DIFF);
            } else {
                walk.addTree(commit.getTree());
            }
            while (walk.next()) {
                paths.add(walk.getPathString());
            }
        }
        return paths;
    }

    @Override
    public void close() {
        repo.close();
    }
}
