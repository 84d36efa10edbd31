package org.deepforge.server.collab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.deepforge.server.auth.Access;
import org.deepforge.server.auth.AuthException;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.auth.User;
import org.deepforge.store.Author;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.CommitEvent;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;
import org.deepforge.store.merge.ModelMerger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time co-editing of operation code (docs/collaboration.md): one {@link CodeDoc} per project, branch and
 * operation while anyone has it open. Accepted updates go to every editor at once; the merged text lands in
 * git through the ordinary change-set path after a pause in typing (and at most every few seconds while
 * typing goes on), when the last editor leaves, and when the server shuts down. Commits made elsewhere
 * (an interface edit, a merge, a REST script) are folded into the live text by a three-way line merge; what
 * cannot be merged, or an edit of an operation someone deleted, is a conflict the editors resolve by hand:
 * until then nothing is committed over the other side.
 */
public final class CodeDocs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CodeDocs.class);
    /** A pause in typing this long commits the text. */
    static final long IDLE_MS = 1_000;
    /** While typing goes on, the text is committed at least this often. */
    static final long MAX_DELAY_MS = 5_000;
    private static final int MAX_RANGES = 100;

    /** One editor on the other end: a WebSocket session. */
    public interface Peer {
        String id();

        Principal principal();

        /** False for a read-only token or a browser page from another site. */
        boolean mayWrite();

        void send(String text);
    }

    record DocKey(String project, String branch, String operation) {}

    /** A document that is open somewhere, with its commit bookkeeping. Guarded by its own monitor. */
    private static final class Live {
        final DocKey key;
        final CodeDoc doc;
        final String epoch = UUID.randomUUID().toString();
        final Set<Peer> peers = ConcurrentHashMap.newKeySet();
        /** The code in git as far as this document knows. */
        String committed;
        /** The text a commit in flight writes. */
        String committing;
        /** Who changed the text since the last commit, last one last. */
        final Map<String, Principal> authors = new LinkedHashMap<>();
        ScheduledFuture<?> timer;
        long dirtySince = -1;
        /** Set while a conflict waits for a person: git's side (null when the operation was deleted) and why. */
        ObjectNode conflict;
        boolean retired;

        Live(DocKey key, String text) {
            this.key = key;
            this.doc = new CodeDoc(text);
            this.committed = doc.text();
        }
    }

    private final ProjectStore store;
    private final Authz authz;
    private final Map<DocKey, Live> docs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService committer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "collab-commit");
        t.setDaemon(true);
        return t;
    });

    public CodeDocs(ProjectStore store, Authz authz) {
        this.store = store;
        this.authz = authz;
    }

    static DocKey key(JsonNode msg) {
        String project = msg.path("project").asText("");
        String branch = msg.path("branch").asText("");
        String operation = msg.path("operation").asText("");
        if (project.isEmpty() || branch.isEmpty() || operation.isEmpty()) {
            throw new CollabException("\"project\", \"branch\" and \"operation\" are required");
        }
        return new DocKey(project, branch, operation);
    }

    /** Handles one {@code doc-*} message; errors a user caused come back as {@code doc-error}. */
    public void handle(Peer peer, String type, JsonNode msg) throws Exception {
        DocKey key = key(msg);
        try {
            switch (type) {
                case "doc-join" -> join(peer, key, msg);
                case "doc-push" -> push(peer, key, msg);
                case "doc-cursor" -> cursor(peer, key, msg);
                case "doc-resolve" -> resolve(peer, key);
                case "doc-leave" -> leave(peer, key);
                default -> throw new CollabException("unknown message type \"" + type
                        + "\"; use doc-join, doc-push, doc-cursor, doc-resolve or doc-leave");
            }
        } catch (CollabException | StoreException | AuthException e) {
            peer.send(Json.compact(envelope("doc-error", key).put("error", e.getMessage())));
        }
    }

    private static ObjectNode envelope(String type, DocKey key) {
        return Json.MAPPER.createObjectNode().put("type", type).put("project", key.project()).put("branch", key.branch())
                .put("operation", key.operation());
    }

    private static String pointer(String operation) {
        return "/operations/" + ModelMerger.escape(operation);
    }

    // ---- joining and leaving --------------------------------------------------------------------

    private void join(Peer peer, DocKey key, JsonNode msg) throws Exception {
        authz.check(Optional.of(peer.principal()), Access.PROJECT_READ, Optional.of(key.project()));
        while (true) {
            Live live = docs.get(key);
            if (live == null) {
                live = store.withBranchLock(key.project(), key.branch(), head -> {
                    // under the branch lock no commit can land between reading the code and being found by onCommit
                    JsonNode code = store.model(key.project(), head).model().at(pointer(key.operation()) + "/code");
                    if (!code.isTextual()) {
                        throw new CollabException("there is no operation \"" + key.operation() + "\" on branch " + key.branch());
                    }
                    Live fresh = new Live(key, code.asText());
                    Live before = docs.putIfAbsent(key, fresh);
                    return before != null ? before : fresh;
                });
            }
            synchronized (live) {
                if (live.retired) {
                    continue;
                }
                live.peers.add(peer);
                ObjectNode out = envelope("doc", key).put("epoch", live.epoch).put("version", live.doc.version())
                        .put("text", live.doc.text()).put("writable", writable(peer, key))
                        .put("saved", live.doc.text().equals(live.committed));
                if (msg.path("epoch").asText("").equals(live.epoch) && msg.path("version").canConvertToInt()) {
                    Optional<List<CodeDoc.Update>> missed = live.doc.since(msg.get("version").asInt());
                    if (missed.isPresent()) {
                        out.put("since", msg.get("version").asInt());
                        ArrayNode updates = out.putArray("updates");
                        missed.get().forEach(u -> updates.add(u.toJson()));
                    }
                }
                peer.send(Json.compact(out));
                if (live.conflict != null) {
                    peer.send(Json.compact(live.conflict));
                }
                return;
            }
        }
    }

    private boolean writable(Peer peer, DocKey key) {
        if (!peer.mayWrite()) {
            return false;
        }
        try {
            authz.check(Optional.of(peer.principal()), Access.PROJECT_WRITE, Optional.of(key.project()));
            return true;
        } catch (AuthException | SQLException e) {
            return false;
        }
    }

    private void leave(Peer peer, DocKey key) {
        Live live = docs.get(key);
        if (live == null) {
            return;
        }
        boolean last;
        synchronized (live) {
            if (!live.peers.remove(peer)) {
                return;
            }
            last = live.peers.isEmpty();
            String gone = Json.compact(envelope("doc-cursor", key).put("session", peer.id()).putNull("ranges"));
            live.peers.forEach(p -> p.send(gone));
            if (last) {
                // the last editor left: commit now rather than after the pause
                schedule(live, 0);
            }
        }
    }

    /** A socket closed: it leaves every document it had open. */
    public void leaveAll(Peer peer) {
        for (Live live : docs.values()) {
            if (live.peers.contains(peer)) {
                leave(peer, live.key);
            }
        }
    }

    /** Rights changed: peers that may no longer read a document leave it. */
    public void revalidate(Peer peer) throws SQLException {
        for (Live live : docs.values()) {
            if (live.peers.contains(peer) && !authz.canRead(peer.principal(), live.key.project())) {
                leave(peer, live.key);
            }
        }
    }

    // ---- editing --------------------------------------------------------------------------------

    private void push(Peer peer, DocKey key, JsonNode msg) throws Exception {
        if (!peer.mayWrite()) {
            throw new AuthException(403, "this connection may only read (a read-only token, or a page from another site)");
        }
        authz.check(Optional.of(peer.principal()), Access.PROJECT_WRITE, Optional.of(key.project()));
        Live live = docs.get(key);
        if (live == null || !live.peers.contains(peer)) {
            throw new CollabException("join " + key.operation() + " (doc-join) before sending updates");
        }
        if (!msg.path("version").canConvertToInt()) {
            throw new CollabException("\"version\" must be the document version the updates are based on");
        }
        synchronized (live) {
            if (live.conflict != null && live.conflict.get("theirs").isNull()) {
                throw new CollabException(key.operation() + " was deleted; restore it or copy your text elsewhere first");
            }
            int base = msg.get("version").asInt();
            Optional<List<CodeDoc.Update>> accepted = live.doc.push(base, msg.get("updates"), peer.principal().id());
            if (accepted.isEmpty()) {
                // not based on the latest version: the client rebases over the updates it is about to receive
                peer.send(Json.compact(envelope("doc-rejected", key).put("version", live.doc.version())));
                return;
            }
            broadcast(live, base, accepted.get());
            live.authors.remove(peer.principal().id());
            live.authors.put(peer.principal().id(), peer.principal());
            dirty(live);
        }
    }

    private static void broadcast(Live live, int base, List<CodeDoc.Update> updates) {
        ObjectNode out = envelope("doc-updates", live.key).put("version", base);
        if (live.doc.text().equals(live.committed)) {
            out.put("saved", true); // e.g. a commit made elsewhere, folded in: git already has this text
        }
        ArrayNode list = out.putArray("updates");
        updates.forEach(u -> list.add(u.toJson()));
        String text = Json.compact(out);
        live.peers.forEach(p -> p.send(text));
    }

    private void cursor(Peer peer, DocKey key, JsonNode msg) {
        Live live = docs.get(key);
        if (live == null || !live.peers.contains(peer)) {
            throw new CollabException("join " + key.operation() + " (doc-join) before sending a cursor");
        }
        JsonNode ranges = msg.get("ranges");
        if (ranges == null || !ranges.isArray() || ranges.size() > MAX_RANGES) {
            throw new CollabException("\"ranges\" must be an array of at most " + MAX_RANGES + " {\"anchor\", \"head\"}");
        }
        ObjectNode out = envelope("doc-cursor", key).put("session", peer.id()).put("user", peer.principal().id())
                .put("name", peer.principal().name()).put("version", msg.path("version").asInt(0));
        ArrayNode clean = out.putArray("ranges");
        for (JsonNode r : ranges) {
            if (!r.path("anchor").canConvertToInt() || !r.path("head").canConvertToInt()) {
                throw new CollabException("a cursor range needs integer \"anchor\" and \"head\"");
            }
            clean.addObject().put("anchor", r.get("anchor").asInt()).put("head", r.get("head").asInt());
        }
        String text = Json.compact(out);
        live.peers.forEach(p -> {
            if (p != peer) {
                p.send(text);
            }
        });
    }

    /** A person merged a conflict by hand (their edits came as ordinary updates): commits resume. */
    private void resolve(Peer peer, DocKey key) throws Exception {
        if (!peer.mayWrite()) {
            throw new AuthException(403, "this connection may only read");
        }
        authz.check(Optional.of(peer.principal()), Access.PROJECT_WRITE, Optional.of(key.project()));
        Live live = docs.get(key);
        if (live == null || !live.peers.contains(peer)) {
            throw new CollabException("join " + key.operation() + " (doc-join) first");
        }
        synchronized (live) {
            if (live.conflict == null) {
                return;
            }
            if (live.conflict.get("theirs").isNull()) {
                throw new CollabException(key.operation() + " was deleted; restore it first");
            }
            live.conflict = null;
            live.authors.put(peer.principal().id(), peer.principal());
            String text = Json.compact(envelope("doc-resolved", key).put("by", peer.principal().name()));
            live.peers.forEach(p -> p.send(text));
            dirty(live);
        }
    }

    // ---- committing -----------------------------------------------------------------------------

    /** Caller holds the monitor of {@code live}. */
    private void dirty(Live live) {
        long now = System.currentTimeMillis();
        if (live.dirtySince < 0) {
            live.dirtySince = now;
        }
        schedule(live, Math.max(0, Math.min(IDLE_MS, live.dirtySince + MAX_DELAY_MS - now)));
    }

    /** Caller holds the monitor of {@code live}. */
    private void schedule(Live live, long delayMs) {
        if (live.timer != null) {
            live.timer.cancel(false);
        }
        live.timer = committer.schedule(() -> commit(live), delayMs, TimeUnit.MILLISECONDS);
    }

    private void commit(Live live) {
        String snapshot;
        String base;
        int version;
        Principal author;
        List<Principal> others;
        synchronized (live) {
            live.timer = null;
            if (live.retired || live.conflict != null) {
                return;
            }
            snapshot = live.doc.text();
            if (snapshot.equals(live.committed)) {
                live.dirtySince = -1;
                retireIfIdle(live);
                return;
            }
            base = live.committed;
            version = live.doc.version();
            live.committing = snapshot;
            List<Principal> all = List.copyOf(live.authors.values());
            author = all.isEmpty() ? null : all.get(all.size() - 1);
            others = all.isEmpty() ? List.of() : all.subList(0, all.size() - 1);
            live.authors.clear();
            live.dirtySince = -1;
        }
        if (author == null) {
            author = new Principal("deepforge", "DeepForge", "deepforge@localhost");
        }
        StringBuilder message = new StringBuilder("Edit operation ").append(live.key.operation());
        if (!others.isEmpty()) {
            message.append("\n");
            // git's own convention, so `git log` of a clone names everyone who typed
            others.forEach(p -> message.append("\nCo-authored-by: ").append(p.name()).append(" <").append(p.email()).append(">"));
        }
        String path = pointer(live.key.operation()) + "/code";
        ArrayNode patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "test").put("path", path).put("value", base);
        patch.addObject().put("op", "replace").put("path", path).put("value", snapshot);
        try {
            String commit = store.apply(live.key.project(), live.key.branch(), new ChangeSet(Optional.empty(), message.toString(),
                    patch, new Author(author.id(), author.name(), author.email()))).commit();
            synchronized (live) {
                live.committing = null;
                if (live.committed.equals(base)) {
                    live.committed = snapshot;
                }
                String saved = Json.compact(envelope("doc-saved", live.key).put("commit", commit).put("version", version));
                live.peers.forEach(p -> p.send(saved));
                if (!live.doc.text().equals(live.committed)) {
                    dirty(live);
                } else {
                    retireIfIdle(live);
                }
            }
        } catch (StoreException e) {
            synchronized (live) {
                live.committing = null;
                // the commit that made the test fail was folded in by onCommit (or marked the operation deleted); try again
                if (live.conflict == null) {
                    LOG.info("committing {} of {}/{} again: {}", live.key.operation(), live.key.project(), live.key.branch(), e.getMessage());
                    requeue(live, e);
                }
            }
        } catch (Exception e) {
            LOG.warn("could not commit {} of {}/{}; retrying", live.key.operation(), live.key.project(), live.key.branch(), e);
            synchronized (live) {
                live.committing = null;
                requeue(live, e);
            }
        }
    }

    /** Caller holds the monitor. The authors of the failed commit stay owed; try again shortly. */
    private void requeue(Live live, Exception why) {
        if (live.dirtySince < 0) {
            live.dirtySince = System.currentTimeMillis();
        }
        schedule(live, IDLE_MS);
    }

    /** Caller holds the monitor: forgets a document nobody has open whose text is in git. */
    private void retireIfIdle(Live live) {
        if (live.peers.isEmpty() && live.conflict == null && live.doc.text().equals(live.committed) && live.committing == null) {
            live.retired = true;
            docs.remove(live.key, live);
        }
    }

    // ---- commits made elsewhere -----------------------------------------------------------------

    /** Called under the branch lock after each durable commit, in commit order. */
    public void onCommit(CommitEvent event) {
        for (Live live : docs.values()) {
            if (!live.key.project().equals(event.project()) || !live.key.branch().equals(event.branch()) || !touches(event, live.key)) {
                continue;
            }
            try {
                JsonNode code = store.model(event.project(), event.commit()).model().at(pointer(live.key.operation()) + "/code");
                fold(live, code.isTextual() ? Optional.of(CodeDoc.normalise(code.asText())) : Optional.empty(), event);
            } catch (Exception e) {
                LOG.warn("could not fold commit {} into the live text of {}", event.commit(), live.key.operation(), e);
            }
        }
    }

    private static boolean touches(CommitEvent event, DocKey key) {
        String p = pointer(key.operation());
        for (JsonNode op : event.patch()) {
            for (String field : List.of("path", "from")) {
                String path = op.path(field).asText("");
                if (path.equals("/operations") || path.equals("") && op.has(field) || path.equals(p) || path.startsWith(p + "/")) {
                    return true;
                }
            }
        }
        return false;
    }

    private void fold(Live live, Optional<String> theirs, CommitEvent event) {
        synchronized (live) {
            if (live.retired) {
                return;
            }
            if (theirs.isEmpty()) {
                live.conflict = envelope("doc-conflict", live.key).put("ours", live.doc.text()).putNull("theirs")
                        .put("reason", live.key.operation() + " was deleted by " + nameOf(event.author()) + " while it was being edited");
                String text = Json.compact(live.conflict);
                live.peers.forEach(p -> p.send(text));
                return;
            }
            String code = theirs.get();
            if (live.conflict != null && live.conflict.get("theirs").isNull()) {
                // the operation is back (restored): what git now has is the new base
                live.conflict = null;
                live.committed = code;
                Optional<CodeDoc.Update> u = live.doc.replaceBy(code, event.author());
                u.ifPresent(x -> broadcast(live, live.doc.version() - 1, List.of(x)));
                String text = Json.compact(envelope("doc-resolved", live.key).put("by", nameOf(event.author())));
                live.peers.forEach(p -> p.send(text));
                return;
            }
            if (code.equals(live.committed) || code.equals(live.committing)) {
                live.committed = code;
                return;
            }
            ModelMerger.Result merge = ModelMerger.merge(Json.MAPPER.createObjectNode().put("c", live.committed),
                    Json.MAPPER.createObjectNode().put("c", live.doc.text()), Json.MAPPER.createObjectNode().put("c", code));
            live.committed = code; // before broadcasting: the updates say whether git has the result
            if (merge.clean()) {
                Optional<CodeDoc.Update> u = live.doc.replaceBy(merge.merged().get("c").asText(), event.author());
                u.ifPresent(x -> broadcast(live, live.doc.version() - 1, List.of(x)));
                if (!live.doc.text().equals(code)) {
                    dirty(live);
                }
            } else {
                // the same lines changed here and there: keep both until a person merges them
                live.conflict = envelope("doc-conflict", live.key).put("ours", live.doc.text()).put("theirs", code)
                        .put("reason", nameOf(event.author()) + " changed the same lines of " + live.key.operation() + " in a commit ("
                                + event.message().lines().findFirst().orElse("") + ")");
                String text = Json.compact(live.conflict);
                live.peers.forEach(p -> p.send(text));
            }
        }
    }

    /** The name a user gave themselves, for messages (ids mean nothing to people). */
    private String nameOf(String userId) {
        try {
            return authz.accounts().user(userId).map(User::name).orElse(userId);
        } catch (SQLException | RuntimeException e) {
            return userId;
        }
    }

    /** Open documents (for health and tests). */
    public int openCount() {
        return docs.size();
    }

    /** Commits every document with uncommitted text, then stops; called before the store closes. */
    @Override
    public void close() {
        for (Live live : docs.values()) {
            synchronized (live) {
                if (live.timer != null) {
                    live.timer.cancel(false);
                    live.timer = null;
                }
            }
            commit(live);
        }
        committer.shutdown();
        try {
            committer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
