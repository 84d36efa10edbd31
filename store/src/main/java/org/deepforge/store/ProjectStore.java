package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.deepforge.model.Ids;
import org.deepforge.model.InvalidModelException;
import org.deepforge.model.Json;
import org.deepforge.model.ModelView;
import org.deepforge.store.history.ModelNames;
import org.deepforge.store.merge.Conflict;
import org.deepforge.store.history.CommitMessages;
import org.deepforge.store.merge.ModelMerger;
import org.deepforge.store.tree.TreeCodec;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects as bare git repositories under {@code <data>/projects/<id>.git}: create, list, read the model
 * view at any ref, and apply change sets to a branch head (rebasing stale ones). Every accepted edit
 * is one durable commit, announced to listeners in commit order after it is on disk.
 */
public final class ProjectStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectStore.class);
    static final String DEFAULT_BRANCH = "main";
    private static final int MAX_MESSAGE = 10_000;
    private static final int MAX_BATCH = 64;

    private final Path root;
    private final Map<String, ProjectRepo> open = new ConcurrentHashMap<>();
    private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ModelHook hook = ModelHook.NONE;
    /** Dates commits; a test or a replay tool may set another (history groups edits by these dates). */
    private volatile Clock clock = Clock.systemUTC();
    /** Background housekeeping (packing loose objects), one task at a time. */
    private volatile boolean closing;
    private final ExecutorService maintenance = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "deepforge-store-maintenance");
        t.setDaemon(true);
        return t;
    });

    public ProjectStore(Path dataDir) {
        this.root = dataDir.resolve("projects");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
    }

    /** Installs the domain rules run on every model before it is committed (one hook; set at wiring time). */
    public void setHook(ModelHook hook) {
        this.hook = hook;
    }

    /** Sets the clock that dates new commits (set at wiring time, or by tests that script a session). */
    public void setClock(Clock clock) {
        this.clock = clock;
    }

    public void addListener(StoreListener listener) {
        listeners.add(listener);
    }

    // ---- projects -------------------------------------------------------------------------------

    public Project create(String name, String description, Author author) throws IOException {
        return create(name, description, Json.MAPPER.createObjectNode(), author);
    }

    /**
     * A new project whose first commit also holds {@code content}'s collections (e.g. built-in operations) and the
     * fields of its {@code project} other than name and description (e.g. {@code libraries}).
     */
    public Project create(String name, String description, JsonNode content, Author author) throws IOException {
        ObjectNode empty = ModelView.empty(name == null ? "" : name.strip(), description == null ? "" : description);
        ObjectNode model = empty.deepCopy();
        // fields of project.json beyond name and description (e.g. the libraries the project uses)
        ObjectNode project = (ObjectNode) model.get(ModelView.PROJECT);
        content.path(ModelView.PROJECT).fields().forEachRemaining(f -> {
            if (!f.getKey().equals("name") && !f.getKey().equals("description")) {
                project.set(f.getKey(), f.getValue().deepCopy());
            }
        });
        for (String collection : ModelView.COLLECTIONS) {
            if (content.path(collection).isObject()) {
                model.set(collection, content.get(collection).deepCopy());
            }
        }
        validate(model);
        model = (ObjectNode) hook.prepare(empty, model);
        validate(model);
        String id = Ids.newId(10);
        File dir = root.resolve(id + ".git").toFile();
        ProjectRepo repo = ProjectRepo.init(id, dir, DEFAULT_BRANCH);
        ObjectId commit;
        try (Batch writer = repo.batch()) {
            commit = writer.commit(List.of(), null, TreeCodec.files(model), author,
                    "Create project " + model.path("project").path("name").asText(), clock.instant())[0];
            writer.flushDurably();
        }
        repo.updateRef(Constants.R_HEADS + DEFAULT_BRANCH, Optional.empty(), commit, "create project", false);
        repo.remember(commit, model);
        open.put(id, repo);
        LOG.info("created project {} ({})", id, name);
        return describe(repo);
    }

    public List<Project> list() throws IOException {
        List<Project> projects = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(p -> p.getFileName().toString().endsWith(".git")).toList()) {
                String id = dir.getFileName().toString().replaceFirst("\\.git$", "");
                try {
                    projects.add(describe(repo(id)));
                } catch (StoreException | IOException e) {
                    LOG.warn("skipping unreadable project {}: {}", id, e.getMessage());
                }
            }
        }
        projects.sort(Comparator.comparing(Project::created).thenComparing(Project::id));
        return List.copyOf(projects);
    }

    public Project get(String id) throws IOException {
        return describe(repo(id));
    }

    /** Renames or re-describes a project: a commit on its default branch. */
    public Project update(String id, Optional<String> name, Optional<String> description, Author author) throws IOException {
        ProjectRepo repo = repo(id);
        String branch = repo.defaultBranch();
        var patch = Json.MAPPER.createArrayNode();
        name.ifPresent(n -> patch.addObject().put("op", "replace").put("path", "/project/name").put("value", n.strip()));
        description.ifPresent(d -> patch.addObject().put("op", "replace").put("path", "/project/description").put("value", d));
        apply(id, branch, new ChangeSet(Optional.empty(), "Update project details", patch, author));
        return describe(repo);
    }

    public void delete(String id) throws IOException {
        ProjectRepo repo = repo(id);
        open.remove(id);
        repo.close();
        Path dir = root.resolve(id + ".git");
        Path trash = root.resolve(".deleted-" + id + "-" + System.nanoTime());
        Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(trash);
        LOG.info("deleted project {}", id);
    }

    private Project describe(ProjectRepo repo) throws IOException {
        String branch = repo.defaultBranch();
        JsonNode project = repo.modelAt(repo.requireBranch(branch)).model().path(ModelView.PROJECT);
        return new Project(repo.id, project.path("name").asText(), project.path("description").asText(""), branch, repo.created());
    }

    // ---- reading --------------------------------------------------------------------------------

    /** The model view at a branch, tag or commit (default branch when {@code ref} is empty). */
    public ModelAt model(String id, String ref) throws IOException {
        ProjectRepo repo = repo(id);
        return repo.modelAt(repo.resolve(ref));
    }

    /**
     * Every artifact record that refers to stored data at any ref of the project (branch heads, tags and other
     * refs; not older history): what keeps artifact data alive.
     */
    public List<StorageUse> storageUses(String id) throws IOException {
        return StorageUses.of(repo(id));
    }

    // ---- editing --------------------------------------------------------------------------------

    /**
     * Applies a change set to a branch. If the head moved since {@code base}, the patch is rebased by a
     * three-way merge; a field both sides changed, or a failing {@code test} op, is a 409 conflict.
     * Change sets that arrive while the branch's writer is busy are committed together by the next
     * writer (group commit): each still becomes its own commit, but they share one trip to disk.
     */
    public ChangeResult apply(String id, String branch, ChangeSet change) throws IOException {
        ProjectRepo repo = repo(id);
        Pending me = new Pending(change, PatchApplier.parse(change.patch()), message(change.message(), "Edit"));
        Queue<Pending> queue = repo.queue(branch);
        queue.add(me);
        ReentrantLock lock = repo.branchLock(branch);
        lock.lock();
        try {
            if (!me.result.isDone()) {
                List<Pending> batch = new ArrayList<>();
                for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null; ) {
                    batch.add(p);
                }
                writeBatch(repo, branch, batch);
            }
        } finally {
            lock.unlock();
        }
        maintenance.execute(() -> {
            if (closing) {
                return; // the store is closing: folding can wait for the next start
            }
            try {
                repo.packIfNeeded();
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not pack project {}: {}", repo.id, e.toString());
            }
        });
        try {
            return me.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException s) {
                throw s;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /** One staged commit of a batch: who asked, and what it changed. */
    private record Staged(Pending pending, ObjectId parent, ObjectId commit, JsonNode before, JsonNode after, boolean rebased,
                          String message) {}

    /** Commits a batch of change sets in order on {@code branch}; caller holds the branch lock. */
    private void writeBatch(ProjectRepo repo, String branch, List<Pending> batch) throws IOException {
        List<Staged> staged = new ArrayList<>();
        ObjectId start;
        ObjectId head;
        repo.maintenance().readLock().lock();
        try (Batch writer = repo.batch()) {
            start = head = repo.requireBranch(branch);
            JsonNode headModel = repo.modelAt(head).model();
            ObjectId tree = repo.parseCommit(head).getTree().copy();
            for (Pending p : batch) {
                try {
                    ObjectId base = p.change.base().isPresent() ? repo.resolve(p.change.base().get()) : head;
                    boolean rebased = !base.equals(head);
                    // without a base the edit applies to the head, which may be a commit of this very batch
                    // that is not flushed yet (only headModel knows it)
                    JsonNode result = rebase(rebased ? repo.modelAt(base).model() : headModel, headModel, p.ops, rebased,
                            p.change.writesServerFields());
                    result = hook.prepare(headModel, result);
                    if (result.equals(headModel)) {
                        p.result.complete(new ChangeResult(head.name(), rebased, false));
                        continue;
                    }
                    String message = CommitMessages.forEdit(p.message, headModel, result);
                    ObjectId[] written = writer.commit(List.of(head), tree, TreeCodec.changedFiles(headModel, result),
                            p.change.author(), message, clock.instant());
                    staged.add(new Staged(p, head, written[0], headModel, result, rebased, message));
                    head = written[0];
                    tree = written[1];
                    headModel = result;
                } catch (StoreException e) {
                    p.result.completeExceptionally(e);
                }
            }
            if (!staged.isEmpty()) {
                writer.flushDurably();
                repo.updateRef(Constants.R_HEADS + branch, Optional.of(start), head,
                        "deepforge: " + staged.size() + " edit(s)", false);
            }
        } catch (IOException | RuntimeException e) {
            batch.forEach(p -> p.result.completeExceptionally(e));
            throw e;
        } finally {
            repo.maintenance().readLock().unlock();
        }
        for (Staged s : staged) {
            repo.remember(s.commit(), s.after());
            s.pending().result.complete(new ChangeResult(s.commit().name(), s.rebased(), true));
            announce(repo.id, branch, s.parent(), s.commit(), s.before(), s.after(), s.pending().change.author(), s.message());
        }
    }

    /** The edited model: the patch applied to its base, merged onto the head if the head has moved. */
    private JsonNode rebase(JsonNode baseModel, JsonNode headModel, List<ObjectNode> ops, boolean rebased, boolean serverFields) {
        ObjectNode edited = PatchApplier.apply(baseModel, ops);
        if (!serverFields) {
            ServerFields.check(baseModel, edited);
        }
        validate(edited, baseModel);
        if (!rebased) {
            return edited;
        }
        ModelMerger.Result merge = ModelMerger.merge(baseModel, headModel, edited, hook::derived);
        if (!merge.clean()) {
            Conflict first = merge.conflicts().get(0);
            throw conflictAt(first.path(), first.ours(), new ModelNames(headModel, edited).label(first.path())
                    + " was changed by someone else since your version; reload it and reapply your edit");
        }
        PatchApplier.checkTestsAgainst(headModel, ops);
        validate(merge.merged(), headModel);
        return merge.merged();
    }

    /**
     * Writes {@code after} as one durable commit on {@code branch} (whose head must be {@code head}; caller
     * holds the branch lock), then announces it. Returns the new commit.
     */
    ObjectId commit(ProjectRepo repo, String branch, ObjectId head, List<ObjectId> parents, JsonNode before,
                    JsonNode merged, Author author, String message) throws IOException {
        JsonNode after = hook.prepare(before, merged);
        ObjectId commit;
        repo.maintenance().readLock().lock();
        try (Batch writer = repo.batch()) {
            commit = writer.commit(parents, repo.parseCommit(head).getTree(), TreeCodec.changedFiles(before, after), author, message,
                    clock.instant())[0];
            writer.flushDurably();
            repo.updateRef(Constants.R_HEADS + branch, Optional.of(head), commit, "deepforge: " + firstLine(message), false);
        } finally {
            repo.maintenance().readLock().unlock();
        }
        repo.remember(commit, after);
        announce(repo.id, branch, head, commit, before, after, author, message);
        return commit;
    }

    private void announce(String project, String branch, ObjectId parent, ObjectId commit, JsonNode before, JsonNode after,
                          Author author, String message) {
        CommitEvent event = new CommitEvent(project, branch, commit.name(), parent.name(), author.id(), message,
                patch(before, after), Instant.now());
        listeners.forEach(l -> l.onCommit(event));
    }

    /** Work that must not interleave with commits on a branch (e.g. replay-then-subscribe); gets the head. */
    public <T> T withBranchLock(String id, String branch, BranchWork<T> work) throws Exception {
        ProjectRepo repo = repo(id);
        ReentrantLock lock = repo.branchLock(branch);
        lock.lock();
        try {
            return work.run(repo.requireBranch(branch).name());
        } finally {
            lock.unlock();
        }
    }

    /** A piece of work run under a branch lock. */
    @FunctionalInterface
    public interface BranchWork<T> {
        T run(String head) throws Exception;
    }

    void announceBranch(String project, String branch, Optional<String> head) {
        listeners.forEach(l -> l.onBranch(project, branch, head));
    }

    ModelHook hook() {
        return hook;
    }

    static JsonNode patch(JsonNode before, JsonNode after) {
        return ModelPatch.between(before, after);
    }

    // ---- shared helpers -------------------------------------------------------------------------

    ProjectRepo repo(String id) throws IOException {
        if (!Ids.isId(id)) {
            throw StoreException.notFound("no project \"" + ProjectRepo.abbreviate(String.valueOf(id)) + "\"");
        }
        ProjectRepo existing = open.get(id);
        if (existing != null) {
            return existing;
        }
        File dir = root.resolve(id + ".git").toFile();
        if (!dir.isDirectory()) {
            throw StoreException.notFound("no project \"" + id + "\"");
        }
        synchronized (open) {
            ProjectRepo again = open.get(id);
            if (again != null) {
                return again;
            }
            ProjectRepo repo = ProjectRepo.open(id, dir);
            open.put(id, repo);
            return repo;
        }
    }

    Path root() {
        return root;
    }

    void register(ProjectRepo repo) {
        open.put(repo.id, repo);
    }

    void forget(String id) {
        ProjectRepo repo = open.remove(id);
        if (repo != null) {
            repo.close();
        }
    }

    static void validate(JsonNode model) {
        validate(model, null);
    }

    /** Validates {@code model}, skipping entries identical to those of the already valid {@code known}. */
    static void validate(JsonNode model, JsonNode known) {
        try {
            ModelView.validate(model, known);
        } catch (InvalidModelException e) {
            ObjectNode detail = Json.MAPPER.createObjectNode().put("path", e.path());
            throw new StoreException(StoreException.Kind.BAD_REQUEST, e.getMessage(), detail);
        }
    }

    static StoreException conflictAt(String path, JsonNode current, String message) {
        ObjectNode detail = Json.MAPPER.createObjectNode().put("path", path);
        if (current != null && !current.isMissingNode()) {
            detail.set("current", current);
        } else {
            detail.putNull("current");
        }
        return new StoreException(StoreException.Kind.CONFLICT, message, detail);
    }

    static String message(String message, String fallback) {
        String m = message == null || message.isBlank() ? fallback : message.strip();
        if (m.length() > MAX_MESSAGE) {
            throw StoreException.badRequest("the commit message is " + m.length() + " characters; use at most " + MAX_MESSAGE);
        }
        return m;
    }

    static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        // a fold under way finishes (it rewrites packs; cutting it short could leave a partial one), queued ones are skipped
        closing = true;
        maintenance.shutdown();
        try {
            if (!maintenance.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("pack folding did not finish within 60 s of closing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.values().forEach(ProjectRepo::close);
        open.clear();
    }
}
