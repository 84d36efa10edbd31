package org.deepforge.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.deepforge.store.history.ChangeDescriber;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * History read like a lab notebook. Every accepted edit stays its own commit (durable the moment it is
 * acknowledged); here a person's consecutive edits, with no pause longer than {@code pause} between them,
 * read as one entry, and a checkpoint (an empty commit carrying the user's message) titles the edits
 * that came before it. Merges, reverts and the project's creation are entries of their own.
 */
public final class Notebook {
    /** What an entry is. */
    public enum Kind { EDITS, CHECKPOINT, MERGE, REVERT, CREATED }

    /**
     * One entry, newest first in a page. {@code from} is the commit before the entry (empty for the first
     * commit of a project), {@code to} its newest commit: diffing the two shows what the entry did.
     * {@code changes} says that net change in users' names; {@code commits} are the entry's commits, newest first.
     */
    public record Entry(Kind kind, String title, List<String> changes, int moreChanges, String authorName, String authorEmail,
                        Instant start, Instant end, Optional<String> from, String to, List<CommitInfo> commits) {}

    /** One page of entries; {@code next} continues after the last commit shown. */
    public record Page(List<Entry> entries, Optional<String> next) {}

    /** How long a person may pause before their next edit starts a new entry. */
    public static final Duration DEFAULT_PAUSE = Duration.ofMinutes(5);
    private static final int MAX_CHANGES = 12;
    private static final int MAX_ENTRIES = 200;
    private static final int MAX_COMMITS_PER_ENTRY = 2_000;

    private final ProjectStore store;
    private final Duration pause;

    public Notebook(ProjectStore store, Duration pause) {
        this.store = store;
        this.pause = pause;
    }

    public Notebook(ProjectStore store) {
        this(store, DEFAULT_PAUSE);
    }

    /** Entries of {@code ref}'s first-parent history, newest first; {@code after}: the {@code next} of the page before. */
    public Page entries(String project, String ref, int limit, Optional<String> after) throws IOException {
        ProjectRepo repo = store.repo(project);
        int size = Math.max(1, Math.min(limit <= 0 ? 30 : limit, MAX_ENTRIES));
        ObjectId start = after.isPresent() ? repo.resolve(after.get()) : repo.resolve(ref);
        List<Entry> entries = new ArrayList<>();
        try (RevWalk walk = new RevWalk(repo.repo)) {
            RevCommit c = walk.parseCommit(start);
            if (after.isPresent()) {
                if (c.getParentCount() == 0) {
                    return new Page(List.of(), Optional.empty());
                }
                c = walk.parseCommit(c.getParent(0));
            }
            while (c != null && entries.size() < size) {
                List<RevCommit> group = new ArrayList<>();
                group.add(c);
                Kind kind = kindOf(walk, c);
                RevCommit next = parent(walk, c);
                if (kind == Kind.EDITS || kind == Kind.CHECKPOINT) {
                    RevCommit newer = c;
                    while (next != null && group.size() < MAX_COMMITS_PER_ENTRY && kindOf(walk, next) == Kind.EDITS
                            && sameAuthor(next, c)
                            && (kind == Kind.CHECKPOINT || !gap(next, newer))) {
                        group.add(next);
                        newer = next;
                        next = parent(walk, next);
                    }
                }
                entries.add(entry(repo, kind, group));
                c = next;
            }
            Optional<String> more = c == null ? Optional.empty()
                    : Optional.of(entries.get(entries.size() - 1).commits().get(entries.get(entries.size() - 1).commits().size() - 1).id());
            return new Page(List.copyOf(entries), more);
        }
    }

    /**
     * Writes a checkpoint: an empty commit with the user's message on top of {@code branch}. It titles the
     * author's edits since their previous checkpoint, in this history and in {@code git log}.
     */
    public ChangeResult checkpoint(String project, String branch, Author author, String message) throws IOException {
        String text = message == null ? "" : message.strip();
        if (text.isEmpty()) {
            throw StoreException.badRequest("a checkpoint needs a message saying what the work so far does, e.g. \"lr sweep: 0.01 is best\"");
        }
        text = ProjectStore.message(text, "");
        ProjectRepo repo = store.repo(project);
        ReentrantLock lock = repo.branchLock(branch);
        lock.lock();
        try {
            ObjectId head = repo.requireBranch(branch);
            var model = repo.modelAt(head).model();
            ObjectId commit = store.commit(repo, branch, head, List.of(head), model, model, author, text);
            return new ChangeResult(commit.name(), false, true);
        } finally {
            lock.unlock();
        }
    }

    private Entry entry(ProjectRepo repo, Kind kind, List<RevCommit> group) throws IOException {
        RevCommit newest = group.get(0);
        RevCommit oldest = group.get(group.size() - 1);
        Optional<String> from = oldest.getParentCount() == 0 ? Optional.empty() : Optional.of(oldest.getParent(0).name());
        List<ChangeDescriber.Change> net = from.isPresent()
                ? ChangeDescriber.describe(repo.modelAt(oldest.getParent(0)).model(), repo.modelAt(newest).model())
                : List.of();
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < Math.min(MAX_CHANGES, net.size()); i++) {
            changes.add(net.get(i).text());
        }
        String title = switch (kind) {
            case CHECKPOINT, MERGE, REVERT, CREATED -> ProjectStore.firstLine(newest.getFullMessage().strip());
            case EDITS -> group.size() == 1 ? ProjectStore.firstLine(newest.getFullMessage().strip())
                    : net.isEmpty() ? group.size() + " edits that undid each other"
                    : ChangeDescriber.subject(net);
        };
        List<CommitInfo> commits = new ArrayList<>();
        for (RevCommit c : group) {
            commits.add(VersionControl.info(repo, c));
        }
        var who = newest.getAuthorIdent();
        return new Entry(kind, title, List.copyOf(changes), Math.max(0, net.size() - MAX_CHANGES), who.getName(), who.getEmailAddress(),
                oldest.getAuthorIdent().getWhenAsInstant(), who.getWhenAsInstant(), from, newest.name(), List.copyOf(commits));
    }

    /** A checkpoint is a commit that changes nothing; merges have two parents; reverts say so. */
    static Kind kindOf(RevWalk walk, RevCommit c) throws IOException {
        if (c.getParentCount() == 0) {
            return Kind.CREATED;
        }
        if (c.getParentCount() > 1) {
            return Kind.MERGE;
        }
        if (c.getTree().equals(walk.parseCommit(c.getParent(0)).getTree())) {
            return Kind.CHECKPOINT;
        }
        String m = c.getFullMessage();
        if (m.startsWith("Revert \"") && m.contains("This reverts commit ")) {
            return Kind.REVERT;
        }
        return Kind.EDITS;
    }

    private static boolean sameAuthor(RevCommit a, RevCommit b) {
        return a.getAuthorIdent().getEmailAddress().equals(b.getAuthorIdent().getEmailAddress())
                && a.getAuthorIdent().getName().equals(b.getAuthorIdent().getName());
    }

    /** Whether more than the pause lies between an older commit and the newer one after it. */
    private boolean gap(RevCommit older, RevCommit newer) {
        return Duration.between(older.getAuthorIdent().getWhenAsInstant(), newer.getAuthorIdent().getWhenAsInstant()).compareTo(pause) > 0;
    }

    private static RevCommit parent(RevWalk walk, RevCommit c) throws IOException {
        if (c.getParentCount() == 0) {
            return null;
        }
        RevCommit p = walk.parseCommit(c.getParent(0));
        walk.parseBody(p);
        return p;
    }
}
