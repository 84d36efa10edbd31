package org.deepforge.store.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.deepforge.model.Json;
import org.deepforge.model.ModelView;
import org.deepforge.store.merge.ModelMerger;

/**
 * What changed between two model views, said with the names users gave things: "Add Train to Train and
 * score", "Train and score ▸ Train ▸ epochs: 10 → 12", "Edit Train code (+2 −1 lines)". Used for commit
 * messages, history entries and the field list of a diff.
 */
public final class ChangeDescriber {
    /**
     * One described change. {@code kind}: add, remove, change (a field), code (lines of code), move (layout).
     * {@code path} is the JSON pointer; {@code from}/{@code to} are missing nodes where absent.
     */
    public record Change(String kind, String path, String label, JsonNode from, JsonNode to, String text) {}

    private static final int MAX_VALUE = 60;
    private static final int MAX_SUBJECT = 100;
    private static final int MAX_BODY_LINES = 40;
    private static final Map<String, String> SINGULAR = Map.of(ModelView.PIPELINES, "pipeline", ModelView.OPERATIONS, "operation",
            ModelView.ARCHITECTURES, "architecture", ModelView.ARTIFACTS, "artifact", ModelView.UTILS, "module");
    private static final EnumSet<DiffFlags> FLAGS =
            EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION, DiffFlags.ADD_ORIGINAL_VALUE_ON_REPLACE);

    private final JsonNode before;
    private final JsonNode after;
    private final ModelNames names;
    private final ModelNames oldNames;
    private final List<Change> out = new ArrayList<>();

    private ChangeDescriber(JsonNode before, JsonNode after) {
        this.before = before;
        this.after = after;
        this.names = new ModelNames(after, before);
        this.oldNames = new ModelNames(before, after);
    }

    /** The changes from {@code before} to {@code after}, in model order (project, pipelines, operations, …). */
    public static List<Change> describe(JsonNode before, JsonNode after) {
        ChangeDescriber d = new ChangeDescriber(before, after);
        d.run();
        return List.copyOf(d.out);
    }

    /** A commit message: a one-line subject, then every change on its own line when there are several. */
    public static String message(List<Change> changes) {
        if (changes.isEmpty()) {
            return "No changes";
        }
        String subject = subject(changes);
        if (changes.size() == 1) {
            return subject;
        }
        StringBuilder body = new StringBuilder(subject).append("\n");
        int shown = 0;
        for (Change c : changes) {
            if (shown++ == MAX_BODY_LINES) {
                body.append("\n… and ").append(changes.size() - MAX_BODY_LINES).append(" more");
                break;
            }
            body.append("\n- ").append(c.text());
        }
        return body.toString();
    }

    /** One line: the only change, or the first one or two and how many more. */
    public static String subject(List<Change> changes) {
        if (changes.isEmpty()) {
            return "No changes";
        }
        String first = changes.get(0).text();
        if (changes.size() == 1) {
            return cut(first, MAX_SUBJECT);
        }
        String two = first + "; " + changes.get(1).text();
        if (changes.size() == 2 && two.length() <= MAX_SUBJECT) {
            return two;
        }
        return cut(first, MAX_SUBJECT - 20) + " and " + (changes.size() - 1) + " more " + (changes.size() == 2 ? "change" : "changes");
    }

    private void run() {
        JsonNode p0 = before.path(ModelView.PROJECT);
        JsonNode p1 = after.path(ModelView.PROJECT);
        if (!p0.equals(p1)) {
            fields("/" + ModelView.PROJECT, p0, p1);
        }
        for (String collection : ModelView.COLLECTIONS) {
            JsonNode x = before.path(collection);
            JsonNode y = after.path(collection);
            if (x == y) {
                continue; // equal collections that are not the same node are left to the per-entry equality below
            }
            for (String key : differing(x, y)) {
                JsonNode a = x.path(key);
                JsonNode b = y.path(key);
                if (a.equals(b)) {
                    continue;
                }
                String path = "/" + collection + "/" + ModelMerger.escape(key);
                String singular = SINGULAR.getOrDefault(collection, collection);
                if (a.isMissingNode()) {
                    add("add", path, b, "Add " + singular + " " + name(names, collection, key));
                } else if (b.isMissingNode()) {
                    remove(path, a, "Delete " + singular + " " + name(oldNames, collection, key));
                } else {
                    switch (collection) {
                        case ModelView.PIPELINES -> pipeline(key, path, a, b);
                        case ModelView.ARCHITECTURES -> architecture(key, path, a, b);
                        case ModelView.OPERATIONS, ModelView.UTILS -> code(collection, key, path, a, b);
                        default -> entity(collection, key, path, a, b);
                    }
                }
            }
        }
    }

    private static String name(ModelNames names, String collection, String key) {
        return switch (collection) {
            case ModelView.PIPELINES -> names.pipeline(key);
            case ModelView.ARCHITECTURES -> names.architecture(key);
            case ModelView.ARTIFACTS -> names.artifact(key);
            default -> key;
        };
    }

    private void code(String collection, String key, String path, JsonNode a, JsonNode b) {
        String what = collection.equals(ModelView.UTILS) ? "utils/" + key : key;
        TreeSet<String> fields = fieldsOf(a, b);
        for (String f : fields) {
            JsonNode x = a.path(f);
            JsonNode y = b.path(f);
            if (x.equals(y) || f.equals("interface")) {
                continue; // the interface is derived from the code
            }
            String fp = path + "/" + ModelMerger.escape(f);
            if (f.equals("code") && (x.isTextual() || x.isMissingNode()) && y.isTextual()) {
                CodeDiff.Result d = CodeDiff.of(x.asText(""), y.asText());
                out.add(new Change("code", fp, what + ModelNames.SEP + "code", x, y,
                        "Edit " + what + " code (+" + d.added() + " −" + d.removed() + (d.added() + d.removed() == 1 ? " line)" : " lines)")));
            } else {
                fields(fp, x, y);
            }
        }
    }

    private void pipeline(String id, String path, JsonNode a, JsonNode b) {
        String pname = names.pipeline(id);
        if (!a.path("name").equals(b.path("name"))) {
            change(path + "/name", a.path("name"), b.path("name"),
                    "Rename pipeline " + oldNames.pipeline(id) + " to " + pname);
        }
        List<String> moved = new ArrayList<>();
        JsonNode n0 = a.path("nodes");
        JsonNode n1 = b.path("nodes");
        for (String nid : keys(n0, n1)) {
            JsonNode x = n0.path(nid);
            JsonNode y = n1.path(nid);
            String np = path + "/nodes/" + ModelMerger.escape(nid);
            if (x.isMissingNode()) {
                add("add", np, y, "Add " + names.node(id, nid) + " to " + pname);
            } else if (y.isMissingNode()) {
                remove(np, x, "Remove " + oldNames.node(id, nid) + " from " + pname);
            } else {
                for (String f : fieldsOf(x, y)) {
                    if (x.path(f).equals(y.path(f))) {
                        continue;
                    }
                    if (f.equals("position")) {
                        moved.add(names.node(id, nid));
                    } else if (f.equals("attributes") || f.equals("references")) {
                        for (String k : keys(x.path(f), y.path(f))) {
                            if (!x.path(f).path(k).equals(y.path(f).path(k))) {
                                change(np + "/" + f + "/" + ModelMerger.escape(k), x.path(f).path(k), y.path(f).path(k), null);
                            }
                        }
                    } else {
                        fields(np + "/" + ModelMerger.escape(f), x.path(f), y.path(f));
                    }
                }
            }
        }
        if (!moved.isEmpty()) {
            out.add(new Change("move", path + "/nodes", pname, MissingNode.getInstance(), MissingNode.getInstance(),
                    moved.size() <= 3 ? "Move " + String.join(", ", moved) + " in " + pname : "Move " + moved.size() + " nodes in " + pname));
        }
        connections(path, a.path("connections"), b.path("connections"), pname, cid -> names.connection(id, cid), cid -> oldNames.connection(id, cid));
        for (String f : fieldsOf(a, b)) {
            if (!f.equals("name") && !f.equals("nodes") && !f.equals("connections") && !a.path(f).equals(b.path(f))) {
                fields(path + "/" + ModelMerger.escape(f), a.path(f), b.path(f));
            }
        }
    }

    private void architecture(String id, String path, JsonNode a, JsonNode b) {
        String aname = names.architecture(id);
        if (!a.path("name").equals(b.path("name"))) {
            change(path + "/name", a.path("name"), b.path("name"),
                    "Rename architecture " + oldNames.architecture(id) + " to " + aname);
        }
        List<String> moved = new ArrayList<>();
        JsonNode l0 = a.path("layers");
        JsonNode l1 = b.path("layers");
        for (String lid : keys(l0, l1)) {
            JsonNode x = l0.path(lid);
            JsonNode y = l1.path(lid);
            String lp = path + "/layers/" + ModelMerger.escape(lid);
            if (x.isMissingNode()) {
                add("add", lp, y, "Add " + names.layer(id, lid) + " to " + aname);
            } else if (y.isMissingNode()) {
                remove(lp, x, "Remove " + oldNames.layer(id, lid) + " from " + aname);
            } else {
                for (String f : fieldsOf(x, y)) {
                    if (x.path(f).equals(y.path(f))) {
                        continue;
                    }
                    if (f.equals("position")) {
                        moved.add(names.layer(id, lid));
                    } else if (f.equals("arguments")) {
                        for (String k : keys(x.path(f), y.path(f))) {
                            if (!x.path(f).path(k).equals(y.path(f).path(k))) {
                                change(lp + "/arguments/" + ModelMerger.escape(k), x.path(f).path(k), y.path(f).path(k), null);
                            }
                        }
                    } else {
                        fields(lp + "/" + ModelMerger.escape(f), x.path(f), y.path(f));
                    }
                }
            }
        }
        if (!moved.isEmpty()) {
            out.add(new Change("move", path + "/layers", aname, MissingNode.getInstance(), MissingNode.getInstance(),
                    moved.size() <= 3 ? "Move " + String.join(", ", moved) + " in " + aname : "Move " + moved.size() + " layers in " + aname));
        }
        connections(path, a.path("connections"), b.path("connections"), aname, cid -> names.archConnection(id, cid),
                cid -> oldNames.archConnection(id, cid));
        for (String f : fieldsOf(a, b)) {
            if (!f.equals("name") && !f.equals("layers") && !f.equals("connections") && !a.path(f).equals(b.path(f))) {
                fields(path + "/" + ModelMerger.escape(f), a.path(f), b.path(f));
            }
        }
    }

    private void connections(String path, JsonNode c0, JsonNode c1, String owner, Function<String, String> now,
                             Function<String, String> then) {
        for (String cid : keys(c0, c1)) {
            JsonNode x = c0.path(cid);
            JsonNode y = c1.path(cid);
            String cp = path + "/connections/" + ModelMerger.escape(cid);
            if (x.equals(y)) {
                continue;
            }
            if (x.isMissingNode()) {
                add("add", cp, y, "Connect " + now.apply(cid) + " in " + owner);
            } else if (y.isMissingNode()) {
                remove(cp, x, "Disconnect " + then.apply(cid) + " in " + owner);
            } else {
                change(cp, x, y, "Reconnect " + then.apply(cid) + " as " + now.apply(cid) + " in " + owner);
            }
        }
    }

    private void entity(String collection, String key, String path, JsonNode a, JsonNode b) {
        if (collection.equals(ModelView.ARTIFACTS) && !a.path("name").equals(b.path("name"))) {
            change(path + "/name", a.path("name"), b.path("name"),
                    "Rename artifact " + oldNames.artifact(key) + " to " + names.artifact(key));
        }
        for (String f : fieldsOf(a, b)) {
            if (!(collection.equals(ModelView.ARTIFACTS) && f.equals("name")) && !a.path(f).equals(b.path(f))) {
                fields(path + "/" + ModelMerger.escape(f), a.path(f), b.path(f));
            }
        }
    }

    /** Every leaf that differs between {@code x} and {@code y}, each as a named field change. */
    private void fields(String path, JsonNode x, JsonNode y) {
        if (!x.isContainerNode() || !y.isContainerNode()) {
            change(path, x, y, null);
            return;
        }
        for (JsonNode op : JsonDiff.asJson(x, y, FLAGS)) {
            String sub = op.path("path").asText();
            JsonNode from = switch (op.path("op").asText()) {
                case "replace" -> op.path("fromValue");
                case "remove" -> x.at(sub);
                default -> MissingNode.getInstance();
            };
            change(path + sub, from, op.path("value"), null);
        }
    }

    private void change(String path, JsonNode from, JsonNode to, String text) {
        String label = names.label(path);
        String line = text != null ? text
                : from.isMissingNode() ? label + ": " + show(to)
                : to.isMissingNode() ? label + ": " + show(from) + " → unset"
                : label + ": " + show(from) + " → " + show(to);
        out.add(new Change(from.isMissingNode() ? "add" : to.isMissingNode() ? "remove" : "change", path, label, from, to, line));
    }

    private void add(String kind, String path, JsonNode value, String text) {
        out.add(new Change(kind, path, names.label(path), MissingNode.getInstance(), value, text));
    }

    private void remove(String path, JsonNode value, String text) {
        out.add(new Change("remove", path, oldNames.label(path), value, MissingNode.getInstance(), text));
    }

    /** A value as one short line: JSON, strings quoted, code as its line count. */
    public static String show(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "unset";
        }
        if (v.isTextual() && v.asText().indexOf('\n') >= 0) {
            return "(" + v.asText().split("\n", -1).length + " lines)";
        }
        return cut(Json.compact(v), MAX_VALUE);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /**
     * The keys of two id-keyed maps whose entries are not the very same node, sorted: an edit shares every entry it
     * did not touch with its parent, so this is what changed, found without sorting or comparing the whole map.
     */
    private static TreeSet<String> differing(JsonNode x, JsonNode y) {
        TreeSet<String> keys = new TreeSet<>();
        int shared = 0;
        for (var it = y.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode was = x.get(e.getKey());
            if (was != e.getValue()) {
                keys.add(e.getKey());
            }
            if (was != null) {
                shared++;
            }
        }
        if (shared < x.size()) {
            x.fieldNames().forEachRemaining(k -> {
                if (!y.has(k)) {
                    keys.add(k);
                }
            });
        }
        return keys;
    }

    private static TreeSet<String> keys(JsonNode a, JsonNode b) {
        TreeSet<String> keys = new TreeSet<>();
        a.fieldNames().forEachRemaining(keys::add);
        b.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static TreeSet<String> fieldsOf(JsonNode a, JsonNode b) {
        return keys(a, b);
    }

    /**
     * Whether {@code text} names an internal id as a word: a pipeline, architecture or artifact id of any of
     * {@code models}, or a node, layer or connection id inside an entry that is not the same in all of them
     * (what an edit from one model to the next touched). Each word is looked up rather than every id listed,
     * and entries the models share are not looked into: this runs on every edit of a possibly large model.
     */
    public static boolean mentionsIds(String text, JsonNode... models) {
        if (text == null || text.isBlank()) {
            return false;
        }
        Set<String> words = new HashSet<>();
        for (String word : text.split("[^A-Za-z0-9_-]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        for (String c : List.of(ModelView.PIPELINES, ModelView.ARCHITECTURES, ModelView.ARTIFACTS)) {
            for (JsonNode model : models) {
                JsonNode map = model.path(c);
                for (String word : words) {
                    if (map.has(word)) {
                        return true;
                    }
                }
            }
            for (String key : notSharedByAll(models, c)) {
                for (JsonNode model : models) {
                    JsonNode entry = model.path(c).get(key);
                    if (entry != null && namesInner(entry, words)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The keys of {@code collection} whose entry is not the very same node in every one of {@code models} (what the
     * edits between them touched); with a single model, all of its keys.
     */
    private static Set<String> notSharedByAll(JsonNode[] models, String collection) {
        Set<String> keys = new TreeSet<>();
        if (models.length == 0) {
            return keys;
        }
        if (models.length < 2) {
            models[0].path(collection).fieldNames().forEachRemaining(keys::add);
            return keys;
        }
        for (int i = 1; i < models.length; i++) {
            keys.addAll(differing(models[i - 1].path(collection), models[i].path(collection)));
        }
        return keys;
    }

    private static boolean namesInner(JsonNode entity, Set<String> words) {
        for (String inner : List.of("nodes", "layers", "connections")) {
            JsonNode ids = entity.path(inner);
            if (ids.isObject() && !ids.isEmpty()) {
                for (String word : words) {
                    if (ids.has(word)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
