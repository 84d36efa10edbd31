package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deepforge.model.Json;

/**
 * Applies an RFC 6902 patch to a model view with messages a user can act on. {@code test} ops that
 * fail are conflicts (409), not bad requests: they assert what the client believes is current.
 */
final class PatchApplier {
    static final int MAX_OPS = 10_000;
    private static final Set<String> OPS = Set.of("add", "remove", "replace", "move", "copy", "test");

    private PatchApplier() {}

    /** Checks the patch's shape; returns its ops. */
    static List<ObjectNode> parse(JsonNode patch) {
        if (patch == null || !patch.isArray()) {
            throw StoreException.badRequest("\"patch\" must be a JSON array of RFC 6902 operations");
        }
        if (patch.size() > MAX_OPS) {
            throw StoreException.badRequest("the patch has " + patch.size() + " operations; send at most " + MAX_OPS + " per change set");
        }
        List<ObjectNode> ops = new ArrayList<>();
        for (int i = 0; i < patch.size(); i++) {
            JsonNode op = patch.get(i);
            String where = "patch operation #" + (i + 1);
            if (!op.isObject()) {
                throw StoreException.badRequest(where + " must be an object like {\"op\":\"replace\",\"path\":\"/…\",\"value\":…}");
            }
            String name = op.path("op").asText("");
            if (!OPS.contains(name)) {
                throw StoreException.badRequest(where + " has op \"" + name + "\"; use one of add, remove, replace, move, copy, test");
            }
            JsonNode path = op.get("path");
            if (path == null || !path.isTextual()) {
                throw StoreException.badRequest(where + " (" + name + ") needs a \"path\" string");
            }
            if (path.asText().isEmpty() || !path.asText().startsWith("/")) {
                throw StoreException.badRequest(where + " (" + name + ") has path \"" + path.asText()
                        + "\"; paths start with / and name a field inside the model, e.g. /pipelines/p1/name");
            }
            if (Set.of("add", "replace", "test").contains(name) && !op.has("value")) {
                throw StoreException.badRequest(where + " (" + name + " " + path.asText() + ") needs a \"value\"");
            }
            checkPointer(where + " (" + name + ")", "path", path.asText());
            if (Set.of("move", "copy").contains(name)) {
                if (!op.path("from").isTextual()) {
                    throw StoreException.badRequest(where + " (" + name + " " + path.asText() + ") needs a \"from\" path");
                }
                String from = op.get("from").asText();
                if (!from.startsWith("/")) {
                    throw StoreException.badRequest(where + " (" + name + " " + path.asText() + ") has \"from\": \""
                            + ProjectRepo.abbreviate(from) + "\"; it must name a field inside the model, starting with /");
                }
                checkPointer(where + " (" + name + ")", "from", from);
            }
            ops.add((ObjectNode) op);
        }
        return ops;
    }

    /** RFC 6901: inside a pointer, '~' is only ever the start of "~0" (~) or "~1" (/). */
    private static void checkPointer(String where, String field, String pointer) {
        for (int i = pointer.indexOf('~'); i >= 0; i = pointer.indexOf('~', i + 2)) {
            if (i + 1 >= pointer.length() || (pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1')) {
                throw StoreException.badRequest(where + " has " + field + " \"" + ProjectRepo.abbreviate(pointer)
                        + "\" with an invalid escape at character " + (i + 1) + ": write ~0 for '~' and ~1 for '/'");
            }
        }
    }

    /**
     * Applies every op in order. {@code model} is shared and never modified: containers along each op's
     * path are copied before the op runs, so untouched entries stay the very same nodes (which lets
     * validation and diffing skip them).
     */
    static ObjectNode apply(JsonNode model, List<ObjectNode> ops) {
        Set<JsonNode> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        ObjectNode doc = shallowCopy((ObjectNode) model);
        owned.add(doc);
        for (int i = 0; i < ops.size(); i++) {
            ObjectNode op = ops.get(i);
            String name = op.get("op").asText();
            String path = op.get("path").asText();
            if (name.equals("test")) {
                checkTest(doc, op);
                continue;
            }
            own(doc, path, owned);
            if (op.has("from")) {
                own(doc, op.get("from").asText(), owned);
            }
            ArrayNode single = Json.MAPPER.createArrayNode().add(op);
            try {
                JsonPatch.applyInPlace(single, doc);
            } catch (JsonPatchApplicationException | IllegalArgumentException | IllegalStateException e) {
                throw StoreException.badRequest("patch operation #" + (i + 1) + " (" + name + " " + path + ") cannot apply: "
                        + describe(doc, op, e));
            }
        }
        return doc;
    }

    /**
     * Checks the patch's {@code test} ops against {@code head}, skipping those whose path an earlier op
     * of the same patch wrote (those were checked while applying).
     */
    static void checkTestsAgainst(JsonNode head, List<ObjectNode> ops) {
        List<String> written = new ArrayList<>();
        for (ObjectNode op : ops) {
            String path = op.get("path").asText();
            if (op.get("op").asText().equals("test")) {
                if (written.stream().noneMatch(w -> related(w, path))) {
                    checkTest(head, op);
                }
            } else {
                written.add(path);
                if (op.has("from")) {
                    written.add(op.get("from").asText());
                }
            }
        }
    }

    /** Replaces every container on the way to {@code pointer}'s parent by a private shallow copy. */
    private static void own(ObjectNode doc, String pointer, Set<JsonNode> owned) {
        JsonNode parent = doc;
        List<String> tokens = tokens(pointer);
        for (int t = 0; t < tokens.size() - 1; t++) {
            String token = tokens.get(t);
            JsonNode child;
            if (parent instanceof ObjectNode o) {
                child = o.get(token);
            } else if (parent instanceof ArrayNode a && token.matches("\\d{1,9}")) {
                child = a.get(Integer.parseInt(token));
            } else {
                return;
            }
            if (child == null || !child.isContainerNode()) {
                return;
            }
            if (!owned.contains(child)) {
                JsonNode copy = child.isObject() ? shallowCopy((ObjectNode) child) : shallowCopy((ArrayNode) child);
                if (parent instanceof ObjectNode o) {
                    o.set(token, copy);
                } else {
                    ((ArrayNode) parent).set(Integer.parseInt(token), copy);
                }
                owned.add(copy);
                child = copy;
            }
            parent = child;
        }
    }

    private static List<String> tokens(String pointer) {
        List<String> out = new ArrayList<>();
        for (String raw : pointer.substring(1).split("/", -1)) {
            out.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    private static ObjectNode shallowCopy(ObjectNode node) {
        // sized for the whole collection at once: a large one is copied on every edit, without growing step by step
        Map<String, JsonNode> children = new LinkedHashMap<>(Math.max(16, node.size() * 4 / 3 + 2));
        node.fields().forEachRemaining(e -> children.put(e.getKey(), e.getValue()));
        return new ObjectNode(Json.MAPPER.getNodeFactory(), children);
    }

    private static ArrayNode shallowCopy(ArrayNode node) {
        ArrayNode copy = Json.MAPPER.createArrayNode();
        node.forEach(copy::add);
        return copy;
    }

    private static boolean related(String a, String b) {
        return a.equals(b) || b.startsWith(a + "/") || a.startsWith(b + "/");
    }

    private static void checkTest(JsonNode doc, ObjectNode op) {
        String path = op.get("path").asText();
        JsonNode current = doc.at(path);
        if (!current.equals(op.get("value"))) {
            throw ProjectStore.conflictAt(path, current,
                    "test failed: " + path + (current.isMissingNode() ? " does not exist" : " is " + Json.compact(current))
                            + ", not " + Json.compact(op.get("value")) + "; reload and try again");
        }
    }

    private static String describe(JsonNode doc, ObjectNode op, RuntimeException e) {
        String path = op.get("path").asText();
        String parent = path.substring(0, path.lastIndexOf('/'));
        String name = op.get("op").asText();
        if (!parent.isEmpty() && doc.at(parent).isMissingNode()) {
            return parent + " does not exist";
        }
        if ((name.equals("remove") || name.equals("replace")) && doc.at(path).isMissingNode()) {
            return path + " does not exist";
        }
        if (op.has("from") && doc.at(op.get("from").asText()).isMissingNode()) {
            return op.get("from").asText() + " does not exist";
        }
        return e.getMessage();
    }
}
