package org.deepforge.store.merge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.deepforge.model.Json;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.merge.MergeAlgorithm;
import org.eclipse.jgit.merge.MergeChunk;
import org.eclipse.jgit.merge.MergeFormatter;
import org.eclipse.jgit.merge.MergeResult;

/**
 * Three-way merge of model views at field granularity. Objects merge key by key (so edits to
 * different nodes of an id-keyed map commute); multi-line strings (code) merge by lines with git's
 * own algorithm; any other value merges as a whole and is a conflict when both sides changed it
 * differently. Inputs are never modified; the result may share unchanged subtrees with them.
 */
public final class ModelMerger {
    /** The merged model (absent when there were conflicts) and the conflicts found. */
    public record Result(JsonNode merged, List<Conflict> conflicts) {
        public boolean clean() {
            return conflicts.isEmpty();
        }
    }

    private ModelMerger() {}

    public static Result merge(JsonNode base, JsonNode ours, JsonNode theirs) {
        return merge(base, ours, theirs, path -> false);
    }

    /**
     * Like {@link #merge(JsonNode, JsonNode, JsonNode)}; fields for which {@code derived} holds never
     * conflict (ours is kept): they are recomputed from the merged model afterwards.
     */
    public static Result merge(JsonNode base, JsonNode ours, JsonNode theirs, Predicate<String> derived) {
        return merge(base, ours, theirs, derived, Map.of());
    }

    /**
     * Like {@link #merge(JsonNode, JsonNode, JsonNode, Predicate)}, with the user's choice for conflicting
     * fields: where a conflict's path is a key of {@code resolved}, its value is taken (a missing node removes
     * the field) and the conflict is gone. Choices for paths that do not conflict are not used.
     */
    public static Result merge(JsonNode base, JsonNode ours, JsonNode theirs, Predicate<String> derived,
                               Map<String, JsonNode> resolved) {
        List<Conflict> conflicts = new ArrayList<>();
        JsonNode merged = merge("", orMissing(base), orMissing(ours), orMissing(theirs), conflicts,
                path -> derived.test(path), resolved);
        return new Result(conflicts.isEmpty() ? merged : MissingNode.getInstance(), List.copyOf(conflicts));
    }

    private static JsonNode merge(String path, JsonNode base, JsonNode ours, JsonNode theirs, List<Conflict> conflicts,
                                  Predicate<String> derived, Map<String, JsonNode> resolved) {
        if (Objects.equals(ours, theirs)) {
            return ours;
        }
        if (Objects.equals(base, ours)) {
            return theirs;
        }
        if (Objects.equals(base, theirs)) {
            return ours;
        }
        if (ours.isObject() && theirs.isObject() && (base.isObject() || base.isMissingNode())) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            for (var it = ours.fields(); it.hasNext(); ) {
                var e = it.next();
                mergeField(path, e.getKey(), base, e.getValue(), theirs.get(e.getKey()), out, conflicts, derived, resolved);
            }
            for (var it = theirs.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!ours.has(e.getKey())) {
                    mergeField(path, e.getKey(), base, null, e.getValue(), out, conflicts, derived, resolved);
                }
            }
            return out;
        }
        if (ours.isTextual() && theirs.isTextual() && (base.isTextual() || base.isMissingNode())
                && (multiLine(ours) || multiLine(theirs) || multiLine(base))) {
            String text = mergeLines(base.isTextual() ? base.asText() : "", ours.asText(), theirs.asText());
            if (text != null) {
                return TextNode.valueOf(text);
            }
        }
        if (resolved.containsKey(path)) {
            return resolved.get(path);
        }
        if (!derived.test(path)) {
            conflicts.add(new Conflict(path, base, ours, theirs));
        }
        return ours;
    }

    /**
     * Merges one field of an object into {@code out}. A field that is the very same node on two sides is decided
     * without being compared or named (an edit shares every entry it did not touch with its parent, so in a large
     * id-keyed map almost every entry is), which keeps a merge's cost close to the size of the changes.
     */
    private static void mergeField(String path, String key, JsonNode base, JsonNode ours, JsonNode theirs, ObjectNode out,
                                   List<Conflict> conflicts, Predicate<String> derived, Map<String, JsonNode> resolved) {
        JsonNode b = base.get(key);
        JsonNode value;
        if (ours == theirs || b == theirs) {
            value = ours;
        } else if (b == ours) {
            value = theirs;
        } else {
            value = merge(path + "/" + escape(key), orMissing(b), orMissing(ours), orMissing(theirs), conflicts, derived, resolved);
        }
        if (value != null && !value.isMissingNode()) {
            out.set(key, value);
        }
    }

    /** Line-based three-way merge; {@code null} when the same lines changed on both sides. */
    static String mergeLines(String base, String ours, String theirs) {
        MergeResult<RawText> result = new MergeAlgorithm().merge(RawTextComparator.DEFAULT,
                text(base), text(ours), text(theirs));
        if (result.containsConflicts()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new MergeFormatter().formatMerge(out, result, "base", "ours", "theirs", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The line-level picture of a text conflict, for a person to resolve line by line: runs of lines both
     * sides agree on ({@code {"same": [...]}}) and conflicting runs ({@code {"base": [...], "ours": [...],
     * "theirs": [...]}}). Each line keeps its newline, so joining the chosen lines gives the text back.
     */
    public static ArrayNode lineChunks(String base, String ours, String theirs) {
        RawText[] texts = {text(base), text(ours), text(theirs)};
        MergeResult<RawText> result = new MergeAlgorithm().merge(RawTextComparator.DEFAULT, texts[0], texts[1], texts[2]);
        var out = Json.MAPPER.createArrayNode();
        ObjectNode current = null;
        for (MergeChunk chunk : result) {
            RawText seq = texts[chunk.getSequenceIndex()];
            var lines = Json.MAPPER.createArrayNode();
            for (int i = chunk.getBegin(); i < chunk.getEnd(); i++) {
                lines.add(seq.getString(i, i + 1, false));
            }
            if (chunk.getConflictState() == MergeChunk.ConflictState.NO_CONFLICT) {
                current = null;
                out.addObject().set("same", lines);
                continue;
            }
            if (chunk.getConflictState() == MergeChunk.ConflictState.FIRST_CONFLICTING_RANGE || current == null) {
                current = out.addObject();
                current.putArray("base");
                current.putArray("ours");
                current.putArray("theirs");
            }
            String side = switch (chunk.getSequenceIndex()) {
                case 0 -> "base";
                case 1 -> "ours";
                default -> "theirs";
            };
            ((ArrayNode) current.get(side)).addAll(lines);
        }
        return out;
    }

    private static RawText text(String s) {
        return new RawText(s.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean multiLine(JsonNode n) {
        return n.isTextual() && n.asText().indexOf('\n') >= 0;
    }

    private static JsonNode orMissing(JsonNode n) {
        return n == null ? MissingNode.getInstance() : n;
    }

    /** JSON Pointer escaping of one reference token (RFC 6901). */
    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
