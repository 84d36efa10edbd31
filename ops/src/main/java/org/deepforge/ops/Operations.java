package org.deepforge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;
import org.deepforge.model.ModelView;
import org.deepforge.store.ModelAt;
import org.deepforge.model.PythonNames;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.AnalysisException;
import org.deepforge.ops.pipeline.Issue;
import org.deepforge.ops.pipeline.PipelineRules;
import org.deepforge.store.Author;
import org.deepforge.store.ChangeResult;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;

/**
 * The operation library of a project: create from the template or by duplicating, rename (class,
 * files and every pipeline node), delete (refused while used), edit ports by rewriting code, check
 * requirements, and list a pipeline's problems. Every change is one change set through the store.
 */
public final class Operations {
    private final ProjectStore store;
    private final Analysis analysis;

    public Operations(ProjectStore store, Analysis analysis) {
        this.store = store;
        this.analysis = analysis;
    }

    /** The code of a new operation. */
    public static String template(String name) {
        return "class " + name + ":\n"
                + "    \"\"\"Describe what " + name + " does.\"\"\"\n\n"
                + "    def __init__(self):\n"
                + "        pass\n\n"
                + "    def execute(self):\n"
                + "        print(\"" + name + " is running!\")\n";
    }

    public ChangeResult create(String project, String branch, String name, Optional<String> from, Author author) throws IOException {
        checkName(name);
        ModelAt head = store.model(project, branch);
        JsonNode ops = head.model().path("operations");
        if (ops.has(name)) {
            throw StoreException.conflict("an operation named " + name + " already exists; pick another name");
        }
        var value = Json.MAPPER.createObjectNode();
        if (from.isPresent()) {
            JsonNode source = ops.get(from.get());
            if (source == null) {
                throw StoreException.notFound("there is no operation " + from.get() + " to duplicate");
            }
            value = ((ObjectNode) source).deepCopy();
            value.remove("interface");
            value.put("code", rewrite(source.path("code").asText(), from.get(), rename(name)).path("code").asText());
        } else {
            value.put("code", template(name));
            value.putArray("requirements");
        }
        ArrayNode patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "add").put("path", "/operations/" + name).set("value", value);
        String message = from.map(f -> "Duplicate operation " + f + " as " + name).orElse("Create operation " + name);
        return store.apply(project, branch, new ChangeSet(Optional.of(head.commit()), message, patch, author));
    }

    public ChangeResult rename(String project, String branch, String name, String to, Author author) throws IOException {
        checkName(to);
        ModelAt head = store.model(project, branch);
        JsonNode op = requireOperation(head, name);
        if (name.equals(to)) {
            throw StoreException.badRequest("the operation is already called " + to);
        }
        if (head.model().path("operations").has(to)) {
            throw StoreException.conflict("an operation named " + to + " already exists; pick another name");
        }
        var value = ((ObjectNode) op).deepCopy();
        value.remove("interface");
        value.put("code", rewrite(op.path("code").asText(), name, rename(to)).path("code").asText());
        ArrayNode patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "test").put("path", "/operations/" + name + "/code").put("value", op.path("code").asText());
        patch.addObject().put("op", "remove").put("path", "/operations/" + name);
        patch.addObject().put("op", "add").put("path", "/operations/" + to).set("value", value);
        head.model().path("pipelines").fields().forEachRemaining(p -> p.getValue().path("nodes").fields().forEachRemaining(n -> {
            if (n.getValue().path("operation").asText().equals(name)) {
                patch.addObject().put("op", "replace").put("path", "/pipelines/" + p.getKey() + "/nodes/" + n.getKey() + "/operation").put("value", to);
            }
        }));
        return store.apply(project, branch, new ChangeSet(Optional.of(head.commit()), "Rename operation " + name + " to " + to, patch, author));
    }

    public ChangeResult delete(String project, String branch, String name, Author author) throws IOException {
        ModelAt head = store.model(project, branch);
        requireOperation(head, name);
        List<String> users = new ArrayList<>();
        head.model().path("pipelines").fields().forEachRemaining(p -> {
            for (JsonNode n : p.getValue().path("nodes")) {
                if (n.path("operation").asText().equals(name)) {
                    users.add("\"" + p.getValue().path("name").asText(p.getKey()) + "\" (" + p.getKey() + ")");
                    return;
                }
            }
        });
        if (!users.isEmpty()) {
            var detail = Json.MAPPER.createObjectNode();
            users.forEach(detail.putArray("pipelines")::add);
            throw new StoreException(StoreException.Kind.CONFLICT, name + " is used by pipeline" + (users.size() == 1 ? " " : "s ")
                    + String.join(", ", users) + "; remove it from there first", detail);
        }
        ArrayNode patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "remove").put("path", "/operations/" + name);
        return store.apply(project, branch, new ChangeSet(Optional.of(head.commit()), "Delete operation " + name, patch, author));
    }

    /** The result of an interface edit: the new commit, code and interface. */
    public record Edited(String commit, String code, JsonNode iface) {}

    /** Applies an interface edit (add/remove/rename a port, attribute or reference; change a default) by rewriting the code. */
    public Edited editInterface(String project, String branch, String name, Optional<String> base, JsonNode edit, Author author)
            throws IOException {
        ModelAt at = base.isPresent() ? store.model(project, base.get()) : store.model(project, branch);
        JsonNode op = requireOperation(at, name);
        String code = op.path("code").asText();
        JsonNode result = rewrite(code, name, edit);
        ArrayNode patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "test").put("path", "/operations/" + name + "/code").put("value", code);
        patch.addObject().put("op", "replace").put("path", "/operations/" + name + "/code").put("value", result.path("code").asText());
        ChangeResult r = store.apply(project, branch, new ChangeSet(Optional.of(at.commit()),
                "Edit interface of " + name + ": " + edit.path("action").asText(), patch, author));
        JsonNode committed = store.model(project, r.commit()).model().path("operations").path(name);
        return new Edited(r.commit(), committed.path("code").asText(), committed.path("interface"));
    }

    public JsonNode requirements(String project, String ref, String name) throws IOException {
        JsonNode op = requireOperation(store.model(project, ref), name);
        List<String> packages = new ArrayList<>();
        op.path("requirements").forEach(r -> packages.add(r.asText()));
        try {
            return analysis.requirements(packages);
        } catch (AnalysisException e) {
            throw StoreException.badRequest(e.getMessage());
        }
    }

    /** Parses unsaved code (live preview in the editor). */
    public JsonNode parse(String code, String name) {
        if (code.length() > ModelView.MAX_CODE_CHARS) {
            throw new StoreException(StoreException.Kind.TOO_LARGE, "the code is " + code.length() + " characters; the limit is "
                    + ModelView.MAX_CODE_CHARS);
        }
        try {
            return analysis.parse(code, name);
        } catch (AnalysisException e) {
            throw StoreException.badRequest(e.getMessage());
        }
    }

    public List<Issue> problems(String project, String ref, String pipeline) throws IOException {
        ModelAt at = store.model(project, ref);
        if (!at.model().path("pipelines").has(pipeline)) {
            throw StoreException.notFound("project " + project + " has no pipeline " + pipeline + " at " + (ref.isEmpty() ? "its default branch" : ref));
        }
        return PipelineRules.problems(at.model(), pipeline);
    }

    /** {@code code} with its operation class {@code from} renamed {@code to} (Python's own parser finds it), nothing else changed. */
    public String renameClass(String code, String from, String to) {
        return rewrite(code, from, rename(to)).path("code").asText();
    }

    private JsonNode rewrite(String code, String name, JsonNode edit) {
        try {
            return analysis.edit(code, name, edit);
        } catch (AnalysisException e) {
            if (e.userError()) {
                throw StoreException.badRequest(e.getMessage());
            }
            throw e;
        }
    }

    private static JsonNode rename(String to) {
        return Json.MAPPER.createObjectNode().put("action", "rename_class").put("to", to);
    }

    private static JsonNode requireOperation(ModelAt at, String name) {
        JsonNode op = at.model().path("operations").get(name);
        if (op == null) {
            throw StoreException.notFound("there is no operation " + name);
        }
        return op;
    }

    private static void checkName(String name) {
        if (!Ids.isIdentifier(name) || PythonNames.isKeyword(name)) {
            throw StoreException.badRequest("\"" + (name.length() > 80 ? name.substring(0, 80) + "…" : name)
                    + "\" cannot name an operation: use a Python class name (letters, digits and _, not starting with a digit, not a keyword)");
        }
    }
}
