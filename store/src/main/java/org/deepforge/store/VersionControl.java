package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.deepforge.model.ModelView;
import org.deepforge.model.Names;
import org.deepforge.store.history.ChangeDescriber;
import org.deepforge.store.history.CodeDiff;
import org.deepforge.store.history.ModelNames;
import org.deepforge.store.merge.Conflict;
import org.deepforge.store.merge.ModelMerger;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.transport.ReceiveCommand;

/** Branches, tags, paged history, diffs, merges and reverts of projects in a {@link ProjectStore}. */
public final class VersionControl {
    /** One page of history, newest first; {@code next} continues after the last commit shown. */
    public record Page(List<CommitInfo> commits, Optional<String> next) {}

    /** A merge or revert that went through. */
    public record Outcome(String commit, boolean upToDate) {}

    private static final int MAX_NAME = 100;
    private static final int MAX_PAGE = 500;
    private static final int MAX_REPLAY = 2_000;

    private final ProjectStore store;

    public VersionControl(ProjectStore store) {
        this.store = store;
    }

    // ---- branches and tags ----------------------------------------------------------------------

    public List<Branch> branches(String project) throws IOException {
        ProjectRepo repo = store.repo(project);
        List<Branch> out = new ArrayList<>();
        for (Ref ref : repo.repo.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
            out.add(new Branch(Repository.shortenRefName(ref.getName()), ref.getObjectId().name()));
        }
        return List.copyOf(out);
    }

    public Branch createBranch(String project, String name, String from) throws IOException {
        ProjectRepo repo = store.repo(project);
        checkRefName(name, "branch");
        ObjectId start = repo.resolve(from);
        ReentrantLock lock = repo.branchLock(name);
        lock.lock();
        try {
            if (repo.branchHead(name).isPresent()) {
                throw StoreException.conflict("branch \"" + name + "\" already exists; pick another name");
            }
            repo.updateRef(Constants.R_HEADS + name, Optional.empty(), start, "branch from " + from, false);
        } finally {
            lock.unlock();
        }
        store.announceBranch(project, name, Optional.of(start.name()));
        return new Branch(name, start.name());
    }

    public void deleteBranch(String project, String name) throws IOException {
        ProjectRepo repo = store.repo(project);
        if (name.equals(repo.defaultBranch())) {
            throw StoreException.conflict("\"" + name + "\" is the project's default branch and cannot be deleted");
        }
        ReentrantLock lock = repo.branchLock(name);
        lock.lock();
        try {
            repo.requireBranch(name);
            repo.deleteRef(Constants.R_HEADS + name);
        } finally {
            lock.unlock();
        }
        store.announceBranch(project, name, Optional.empty());
    }

    /** Which tags a list means: the users' own, or the one each execution puts on the commit it ran. */
    public enum TagKind {
        USER, RUN
    }

    /** One page of tags in name order, and the name to list on {@code after} when more follow. */
    public record TagPage(List<Tag> tags, Optional<String> next) {
        public TagPage {
            tags = List.copyOf(tags);
        }
    }

    /**
     * Up to {@code limit} tags of one kind in name order, after the tag named {@code after} when given. Run tags
     * ({@code runs/<execution>}) are not user tags: a project with thousands of executions still lists its few own tags.
     */
    public TagPage tags(String project, TagKind kind, Optional<String> after, int limit) throws IOException {
        ProjectRepo repo = store.repo(project);
        String prefix = kind == TagKind.RUN ? GitUpload.RUN_TAGS : Constants.R_TAGS;
        List<Ref> refs = repo.repo.getRefDatabase().getRefsByPrefix(prefix).stream()
                .filter(r -> kind == TagKind.RUN || !r.getName().startsWith(GitUpload.RUN_TAGS))
                .filter(r -> after.isEmpty() || Repository.shortenRefName(r.getName()).compareTo(after.get()) > 0)
                .sorted(Comparator.comparing(Ref::getName)).limit(limit + 1L).toList();
        List<Tag> out = new ArrayList<>();
        for (Ref ref : refs.subList(0, Math.min(limit, refs.size()))) {
            Ref peeled = repo.repo.getRefDatabase().peel(ref);
            ObjectId target = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : ref.getObjectId();
            out.add(new Tag(Repository.shortenRefName(ref.getName()), target.name()));
        }
        return new TagPage(out, refs.size() > limit ? Optional.of(out.get(limit - 1).name()) : Optional.empty());
    }

    public Tag createTag(String project, String name, String ref) throws IOException {
        ProjectRepo repo = store.repo(project);
        checkRefName(name, "tag");
        ObjectId target = repo.resolve(ref);
        synchronized (repo) {
            if (repo.repo.exactRef(Constants.R_TAGS + name) != null) {
                throw StoreException.conflict("tag \"" + name + "\" already exists; tags never move, pick another name");
            }
            repo.updateRef(Constants.R_TAGS + name, Optional.empty(), target, "tag " + name, false);
            packTagsIfMany(repo);
        }
        return new Tag(name, target.name());
    }

    /** Loose tag files a repository may hold before they are packed into packed-refs (one per execution otherwise). */
    static final int MAX_LOOSE_TAGS = 64;

    /**
     * Every execution tags its commit, and a loose ref is a file (4 KB on disk) per tag: past {@link #MAX_LOOSE_TAGS}
     * loose tags, they go into the packed-refs file (tags only: branches keep moving as loose refs).
     */
    private static void packTagsIfMany(ProjectRepo repo) throws IOException {
        Path tags = repo.repo.getDirectory().toPath().resolve(Constants.R_TAGS);
        long loose;
        try (Stream<Path> files = Files.walk(tags)) {
            loose = files.filter(Files::isRegularFile).limit(MAX_LOOSE_TAGS + 1).count();
        }
        if (loose > MAX_LOOSE_TAGS) {
            try {
                Git.wrap(repo.repo).packRefs().setAll(false).call();
            } catch (GitAPIException e) {
                throw new IOException("could not pack the tags: " + e.getMessage(), e);
            }
        }
    }

    public void deleteTag(String project, String name) throws IOException {
        ProjectRepo repo = store.repo(project);
        synchronized (repo) {
            if (repo.repo.exactRef(Constants.R_TAGS + name) == null) {
                throw StoreException.notFound("project " + project + " has no tag \"" + ProjectRepo.abbreviate(name) + "\"");
            }
            repo.deleteRef(Constants.R_TAGS + name);
        }
    }

    /**
     * Deletes the tags among {@code names} that exist, in one update of the ref database (a packed-refs file is rewritten
     * once, not once per tag); returns those deleted. Tags that do not exist are passed over.
     */
    public List<String> deleteTags(String project, Collection<String> names) throws IOException {
        ProjectRepo repo = store.repo(project);
        synchronized (repo) {
            BatchRefUpdate batch = repo.repo.getRefDatabase().newBatchUpdate().setAtomic(true);
            List<String> deleted = new ArrayList<>();
            for (String name : new TreeSet<>(names)) {
                Ref ref = repo.repo.exactRef(Constants.R_TAGS + name);
                if (ref != null && ref.getObjectId() != null) {
                    batch.addCommand(new ReceiveCommand(ref.getObjectId(), ObjectId.zeroId(), ref.getName(), ReceiveCommand.Type.DELETE));
                    deleted.add(name);
                }
            }
            if (deleted.isEmpty()) {
                return List.of();
            }
            try (RevWalk walk = new RevWalk(repo.repo)) {
                batch.execute(walk, NullProgressMonitor.INSTANCE);
            }
            for (ReceiveCommand c : batch.getCommands()) {
                if (c.getResult() != ReceiveCommand.Result.OK) {
                    throw new IOException("could not delete " + c.getRefName() + ": " + c.getResult() + " " + c.getMessage());
                }
            }
            return List.copyOf(deleted);
        }
    }

    /** Branch and tag names: git's rules, at most 100 characters, no invisible characters or lone surrogates. */
    static void checkRefName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw StoreException.badRequest("the " + what + " needs a name");
        }
        if (name.length() > MAX_NAME) {
            throw StoreException.badRequest("the " + what + " name is " + name.length() + " characters long; use at most " + MAX_NAME);
        }
        Names.problem(name).ifPresent(problem -> {
            throw StoreException.badRequest("the " + what + " name " + problem);
        });
        if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
            throw StoreException.badRequest("the " + what + " name contains spaces or control characters; use letters, digits, - _ . /");
        }
        if (!Repository.isValidRefName(Constants.R_HEADS + name) || name.startsWith("-")
                || name.equalsIgnoreCase("HEAD") || name.matches("[0-9a-f]{4,40}")) {
            throw StoreException.badRequest("\"" + ProjectRepo.abbreviate(name) + "\" is not a valid " + what
                    + " name: no '..', no leading '-' or '/', no ~ ^ : ? * [ \\, not ending in '.lock' or '/', not a commit id");
        }
    }

    // ---- history --------------------------------------------------------------------------------

    public Page history(String project, String ref, int limit, Optional<String> after) throws IOException {
        ProjectRepo repo = store.repo(project);
        int size = Math.max(1, Math.min(limit <= 0 ? 50 : limit, MAX_PAGE));
        ObjectId start = repo.resolve(ref);
        List<CommitInfo> commits = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo.repo)) {
            walk.markStart(walk.parseCommit(start));
            boolean skipping = after.isPresent();
            ObjectId afterId = after.isPresent() ? repo.resolve(after.get()) : null;
            for (RevCommit c : walk) {
                if (skipping) {
                    skipping = !c.equals(afterId);
                    continue;
                }
                if (commits.size() == size) {
                    return new Page(List.copyOf(commits), Optional.of(commits.get(size - 1).id()));
                }
                commits.add(info(repo, c));
            }
            if (skipping) {
                throw StoreException.badRequest("commit " + after.get() + " is not in the history of " + ref);
            }
        }
        return new Page(List.copyOf(commits), Optional.empty());
    }

    static CommitInfo info(ProjectRepo repo, RevCommit c) throws IOException {
        List<String> parents = new ArrayList<>();
        for (RevCommit p : c.getParents()) {
            parents.add(p.name());
        }
        var author = c.getAuthorIdent();
        return new CommitInfo(c.name(), List.copyOf(parents), author.getName(), author.getEmailAddress(),
                author.getWhenAsInstant(), c.getFullMessage().strip(), List.copyOf(repo.changedPaths(c)));
    }

    /**
     * The commit events that bring a client from {@code since} to the branch head, oldest first; empty
     * when {@code since} is not on the branch's first-parent line (the client must reload).
     */
    public Optional<List<CommitEvent>> commitsSince(String project, String branch, String since) throws IOException {
        ProjectRepo repo = store.repo(project);
        ObjectId head = repo.requireBranch(branch);
        ObjectId target;
        try {
            target = repo.resolve(since);
        } catch (StoreException e) {
            return Optional.empty();
        }
        List<CommitEvent> events = new ArrayList<>();
        ObjectId cursor = head;
        while (!cursor.equals(target)) {
            if (events.size() >= MAX_REPLAY) {
                return Optional.empty();
            }
            RevCommit c = repo.parseCommit(cursor);
            if (c.getParentCount() == 0) {
                return Optional.empty();
            }
            ObjectId parent = c.getParent(0);
            JsonNode patch = ProjectStore.patch(repo.modelAt(parent).model(), repo.modelAt(c).model());
            events.add(new CommitEvent(project, branch, c.name(), parent.name(), c.getAuthorIdent().getName(),
                    c.getFullMessage().strip(), patch, c.getAuthorIdent().getWhenAsInstant()));
            cursor = parent;
        }
        Collections.reverse(events);
        return Optional.of(List.copyOf(events));
    }

    // ---- diff -----------------------------------------------------------------------------------

    public ModelDiff diff(String project, String from, String to) throws IOException {
        ProjectRepo repo = store.repo(project);
        ModelAt a = repo.modelAt(repo.resolve(from));
        ModelAt b = repo.modelAt(repo.resolve(to));
        List<ModelDiff.Entity> entities = new ArrayList<>();
        ModelNames names = new ModelNames(b.model(), a.model());
        if (!a.model().path(ModelView.PROJECT).equals(b.model().path(ModelView.PROJECT))) {
            entities.add(new ModelDiff.Entity(ModelView.PROJECT, "project", "modified", b.model().path(ModelView.PROJECT).path("name").asText("project")));
        }
        for (String kind : ModelView.COLLECTIONS) {
            JsonNode x = a.model().path(kind);
            JsonNode y = b.model().path(kind);
            x.fieldNames().forEachRemaining(k -> {
                if (!y.has(k)) {
                    entities.add(new ModelDiff.Entity(kind, k, "removed", entityName(names, kind, k)));
                } else if (!x.get(k).equals(y.get(k))) {
                    entities.add(new ModelDiff.Entity(kind, k, "modified", entityName(names, kind, k)));
                }
            });
            y.fieldNames().forEachRemaining(k -> {
                if (!x.has(k)) {
                    entities.add(new ModelDiff.Entity(kind, k, "added", entityName(names, kind, k)));
                }
            });
        }
        ArrayNode ops = (ArrayNode) JsonDiff.asJson(a.model(), b.model(),
                EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION, DiffFlags.ADD_ORIGINAL_VALUE_ON_REPLACE));
        List<ModelDiff.FieldChange> changes = new ArrayList<>();
        for (JsonNode op : ops) {
            String path = op.get("path").asText();
            String kind = op.get("op").asText();
            JsonNode before = switch (kind) {
                case "replace" -> op.path("fromValue");
                case "remove" -> a.model().at(path);
                default -> MissingNode.getInstance();
            };
            changes.add(new ModelDiff.FieldChange(kind, path, before, op.path("value")));
        }
        List<ChangeDescriber.Change> named = new ArrayList<>();
        for (ChangeDescriber.Change c : ChangeDescriber.describe(a.model(), b.model())) {
            if (!c.kind().equals("code")) {
                named.add(c);
            }
        }
        List<ModelDiff.Code> code = new ArrayList<>();
        for (String kind : List.of(ModelView.OPERATIONS, ModelView.UTILS)) {
            TreeSet<String> keys = new TreeSet<>();
            a.model().path(kind).fieldNames().forEachRemaining(keys::add);
            b.model().path(kind).fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode x = a.model().path(kind).path(k).path("code");
                JsonNode y = b.model().path(kind).path(k).path("code");
                if (x.equals(y)) {
                    continue;
                }
                CodeDiff.Result d = CodeDiff.of(x.asText(""), y.asText(""));
                String status = x.isMissingNode() ? "added" : y.isMissingNode() ? "removed" : "modified";
                code.add(new ModelDiff.Code("/" + kind + "/" + ModelMerger.escape(k) + "/code",
                        kind.equals(ModelView.UTILS) ? "utils/" + k : k, status, d.added(), d.removed(), d.hunks()));
            }
        }
        return new ModelDiff(a.commit(), b.commit(), List.copyOf(entities), List.copyOf(changes), List.copyOf(named), List.copyOf(code));
    }

    private static String entityName(ModelNames names, String kind, String id) {
        return switch (kind) {
            case ModelView.PIPELINES -> names.pipeline(id);
            case ModelView.ARCHITECTURES -> names.architecture(id);
            case ModelView.ARTIFACTS -> names.artifact(id);
            default -> id;
        };
    }

    // ---- merge and revert -----------------------------------------------------------------------

    /**
     * A person's choice for one conflicting field of a merge: take one side ({@code take} is "ours" — the branch
     * merged into — or "theirs" — the branch merged from) or give the value itself (e.g. code merged line by line).
     */
    public record Resolution(String path, Optional<String> take, Optional<JsonNode> value) {}

    /** Merges branch {@code from} into branch {@code into} with a merge commit; nothing is written on conflict. */
    public Outcome merge(String project, String from, String into, Author author, String message) throws IOException {
        return merge(project, from, into, author, message, List.of());
    }

    /**
     * Like {@link #merge(String, String, String, Author, String)}, with the person's choices for conflicting
     * fields; conflicts still unresolved are a 409 listing them, and nothing is written.
     */
    public Outcome merge(String project, String from, String into, Author author, String message, List<Resolution> resolutions)
            throws IOException {
        ProjectRepo repo = store.repo(project);
        ObjectId source = repo.requireBranch(from);
        ReentrantLock lock = repo.branchLock(into);
        lock.lock();
        try {
            ObjectId head = repo.requireBranch(into);
            ObjectId base;
            try (RevWalk walk = new RevWalk(repo.repo)) {
                walk.setRevFilter(RevFilter.MERGE_BASE);
                walk.markStart(walk.parseCommit(source));
                walk.markStart(walk.parseCommit(head));
                RevCommit b = walk.next();
                if (b == null) {
                    throw StoreException.conflict("branches \"" + from + "\" and \"" + into + "\" share no history; they cannot be merged");
                }
                base = b.copy();
            }
            if (base.equals(source)) {
                return new Outcome(head.name(), true);
            }
            JsonNode ours = repo.modelAt(head).model();
            JsonNode baseModel = repo.modelAt(base).model();
            JsonNode theirs = repo.modelAt(source).model();
            ModelMerger.Result first = ModelMerger.merge(baseModel, ours, theirs, store.hook()::derived);
            Map<String, JsonNode> chosen = new LinkedHashMap<>();
            List<String> notes = new ArrayList<>();
            ModelNames names = new ModelNames(ours, theirs);
            for (Conflict c : first.conflicts()) {
                for (Resolution r : resolutions) {
                    if (!r.path().equals(c.path())) {
                        continue;
                    }
                    JsonNode value;
                    String how;
                    if (r.value().isPresent()) {
                        value = r.value().get();
                        how = "merged by hand";
                    } else if (r.take().filter("ours"::equals).isPresent()) {
                        value = c.ours();
                        how = "kept " + into + "'s " + ChangeDescriber.show(c.ours());
                    } else if (r.take().filter("theirs"::equals).isPresent()) {
                        value = c.theirs();
                        how = "took " + from + "'s " + ChangeDescriber.show(c.theirs());
                    } else {
                        throw StoreException.badRequest("the resolution of " + names.label(c.path())
                                + " needs \"take\": \"ours\" or \"theirs\", or a \"value\"");
                    }
                    chosen.put(c.path(), value);
                    notes.add(names.label(c.path()) + ": " + how);
                }
            }
            ModelMerger.Result result = chosen.isEmpty() ? first
                    : ModelMerger.merge(baseModel, ours, theirs, store.hook()::derived, chosen);
            if (!result.clean()) {
                throw conflicts("merging \"" + from + "\" into \"" + into + "\"", result.conflicts(), ours, theirs, into, from);
            }
            ProjectStore.validate(result.merged());
            String text = ProjectStore.message(message, "Merge branch '" + from + "' into " + into
                    + (notes.isEmpty() ? "" : "\n\nResolved conflicts:\n- " + String.join("\n- ", notes)));
            ObjectId commit = store.commit(repo, into, head, List.of(head, source), ours, result.merged(), author, text);
            return new Outcome(commit.name(), false);
        } finally {
            lock.unlock();
        }
    }

    /** Undoes what {@code commit} changed, as a new commit on {@code branch}. */
    public Outcome revert(String project, String commitRef, String branch, Author author) throws IOException {
        ProjectRepo repo = store.repo(project);
        RevCommit target = repo.parseCommit(repo.resolve(commitRef));
        if (target.getParentCount() == 0) {
            throw StoreException.badRequest("commit " + target.abbreviate(8).name() + " created the project; there is nothing before it to go back to");
        }
        ReentrantLock lock = repo.branchLock(branch);
        lock.lock();
        try {
            ObjectId head = repo.requireBranch(branch);
            JsonNode ours = repo.modelAt(head).model();
            ModelMerger.Result result = ModelMerger.merge(repo.modelAt(target).model(), ours,
                    repo.modelAt(target.getParent(0)).model(), store.hook()::derived);
            if (!result.clean()) {
                throw conflicts("reverting " + target.abbreviate(8).name(), result.conflicts(), ours,
                        repo.modelAt(target.getParent(0)).model(), branch, "before " + target.abbreviate(8).name());
            }
            if (result.merged().equals(ours)) {
                return new Outcome(head.name(), true);
            }
            ProjectStore.validate(result.merged());
            String text = "Revert \"" + ProjectStore.firstLine(target.getFullMessage().strip()) + "\"\n\nThis reverts commit " + target.name() + ".";
            ObjectId commit = store.commit(repo, branch, head, List.of(head), ours, result.merged(), author, text);
            return new Outcome(commit.name(), false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A 409 whose detail lists each conflict with its label in users' names ("Train and score ▸ Train ▸
     * epochs"), the operation and field it is about, which side is which, and code conflicts line by line.
     */
    private static StoreException conflicts(String what, List<Conflict> conflicts, JsonNode ours, JsonNode theirs,
                                            String oursName, String theirsName) {
        ModelNames names = new ModelNames(ours, theirs);
        var detail = Json.MAPPER.createObjectNode();
        detail.put("ours", oursName).put("theirs", theirsName);
        var list = detail.putArray("conflicts");
        for (Conflict c : conflicts) {
            var o = c.toJson();
            o.put("label", names.label(c.path()));
            List<String> t = ModelNames.tokens(c.path());
            o.put("field", t.isEmpty() ? "" : t.get(t.size() - 1));
            if (t.size() >= 4 && t.get(0).equals(ModelView.PIPELINES) && t.get(2).equals("nodes")) {
                JsonNode node = ours.path(ModelView.PIPELINES).path(t.get(1)).path("nodes").path(t.get(3));
                if (node.isMissingNode()) {
                    node = theirs.path(ModelView.PIPELINES).path(t.get(1)).path("nodes").path(t.get(3));
                }
                if (node.has("operation")) {
                    o.put("operation", node.path("operation").asText());
                }
                o.put("pipeline", names.pipeline(t.get(1)));
            } else if (t.size() >= 2 && (t.get(0).equals(ModelView.OPERATIONS))) {
                o.put("operation", t.get(1));
            }
            boolean text = (c.ours().isTextual() || c.ours().isMissingNode()) && (c.theirs().isTextual() || c.theirs().isMissingNode())
                    && (c.ours().asText("").contains("\n") || c.theirs().asText("").contains("\n"));
            if (text) {
                o.set("chunks", ModelMerger.lineChunks(c.base().asText(""), c.ours().asText(""), c.theirs().asText("")));
            }
            list.add(o);
        }
        return new StoreException(StoreException.Kind.CONFLICT, what + " conflicts at " + conflicts.size()
                + (conflicts.size() == 1 ? " place" : " places") + " (first: " + names.label(conflicts.get(0).path())
                + "); nothing was changed", detail);
    }

}
