package org.deepforge.exec.reify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.deepforge.exec.bundle.PythonLiterals;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.store.StoreException;

/**
 * "Open as pipeline" of an artifact an interactive session saved (docs/sessions.md, "Saving and provenance"). A
 * {@code training} record becomes Input(the data artifact) → TrainNetwork (the trainer's configuration as attributes,
 * the architecture as it was at the session's commit as reference) → Output; a {@code console} record becomes one
 * operation whose code is the session's cells, fed by the artifacts the session loaded (input ports named as the
 * variables they were loaded into) → Output(the saved variable). A training whose data the cells made (or changed
 * after loading) gets the cells' operation in front of TrainNetwork, with the data variable as its output.
 * Pure, as {@link PipelineFromProvenance}: it reads a model view and gives a JSON Patch that adds what is needed.
 */
final class PipelineFromSession {
    static final String TRAIN = "TrainNetwork";
    static final String TRAIN_CODE = resource("TrainNetwork.py");
    private static final String CELLS_TEMPLATE = resource("SessionCells.py");
    private static final List<String> REQUIREMENTS = List.of("numpy", "torch");
    /** The one-line calls the Workspace page sends (docs/sessions.md, "What runs in the kernel"). */
    private static final Pattern WORKSPACE_CALL = Pattern.compile("(?s)\\s*df\\.(load|explore|save|train)\\(.*\\)\\s*");
    private static final Pattern STATEMENT_START = Pattern.compile("(?m)^[A-Za-z_@]");
    private static final Pattern LINE = Pattern.compile("\r\n|\r|\n");

    private final JsonNode model;
    private final Artifact artifact;
    private final SessionRecord record;
    private final PipelineFromProvenance.ClassRenamer renamer;
    private final PipelineFromProvenance.ArchitectureHistory history;
    private final ObjectNode nodes = Json.MAPPER.createObjectNode();
    private final ObjectNode connections = Json.MAPPER.createObjectNode();
    private final Map<String, ObjectNode> addedOps = new LinkedHashMap<>();
    private final Map<String, JsonNode> addedArchs = new LinkedHashMap<>();

    private PipelineFromSession(JsonNode model, Artifact artifact, SessionRecord record, PipelineFromProvenance.ClassRenamer renamer,
                                PipelineFromProvenance.ArchitectureHistory history) {
        this.model = model;
        this.artifact = artifact;
        this.record = record;
        this.renamer = renamer;
        this.history = history;
    }

    static PipelineFromProvenance.Result build(JsonNode model, Artifact artifact, JsonNode provenance, PipelineFromProvenance.ClassRenamer renamer,
                                               PipelineFromProvenance.ArchitectureHistory history) {
        SessionRecord record = SessionRecord.read(provenance, what -> damaged(artifact, what));
        return new PipelineFromSession(model, artifact, record, renamer, history).build();
    }

    private PipelineFromProvenance.Result build() {
        List<String> cells = record.cells().stream().filter(c -> !isWorkspaceCall(c)).toList();
        Map<String, SessionRecord.Loaded> loaded = new LinkedHashMap<>();
        record.inputs().forEach(in -> loaded.put(in.variable(), in)); // a variable loaded twice holds the last load
        String source;
        String port;
        int column = 0;
        if (record.kind().equals("console")) {
            String saved = record.variable().orElseThrow(() -> damaged("it does not say which variable the session saved"));
            port = cellsNode(cells, loaded, saved);
            source = "cells";
            column = loaded.isEmpty() ? 0 : 1;
        } else {
            JsonNode config = record.training().orElseThrow();
            String data = SessionRecord.variable(config.path("data").asText(""), "the training's data variable", this::damaged);
            String from;
            String fromPort;
            if (loaded.containsKey(data) && cellsAfterTheLoadOf(data).isEmpty()) {
                from = inputNode(loaded.get(data), 0);
                fromPort = "data";
            } else {
                if (cells.isEmpty()) {
                    throw StoreException.conflict("the training's data \"" + data + "\" was neither loaded from an artifact nor made by "
                            + "the session's cells, so the pipeline would have nothing to train on");
                }
                fromPort = cellsNode(cells, loaded, data);
                from = "cells";
                column = loaded.isEmpty() ? 0 : 1;
            }
            column++;
            source = "train";
            port = "model";
            nodes.set(source, trainNode(config, column));
            connect(from, fromPort, source, "data");
        }
        String output = "o" + Ids.newId(6);
        ObjectNode out = nodes.putObject(output);
        out.putObject("output").put("saveName", artifact.name());
        position(out, column + 1, 0);
        connect(source, port, output, "data");

        String pipeline = freshName("p" + Ids.newId(8), n -> model.path("pipelines").has(n));
        String name = artifact.name() + " (from session " + record.session() + ")";
        ObjectNode p = Json.MAPPER.createObjectNode().put("name", name);
        p.set("nodes", nodes);
        p.set("connections", connections);
        ArrayNode patch = Json.MAPPER.createArrayNode();
        addedArchs.forEach((id, value) -> patch.addObject().put("op", "add").put("path", "/architectures/" + id).set("value", value));
        addedOps.forEach((id, value) -> patch.addObject().put("op", "add").put("path", "/operations/" + id).set("value", value));
        patch.addObject().put("op", "add").put("path", "/pipelines/" + pipeline).set("value", p);
        return new PipelineFromProvenance.Result(patch, pipeline, name, "", record.seed(), output, List.copyOf(addedOps.keySet()),
                List.copyOf(addedArchs.keySet()));
    }

    /** The node "cells" running the session's cells with the loaded artifacts as inputs; returns its output port. */
    private String cellsNode(List<String> cells, Map<String, SessionRecord.Loaded> loaded, String saved) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            body.append("        # cell ").append(i + 1).append('\n');
            for (String line : LINE.split(cells.get(i).stripTrailing(), -1)) {
                String code = line.startsWith("%") || line.startsWith("!") ? "# " + line : line;
                body.append(code.isBlank() ? "" : "        " + code).append('\n');
            }
        }
        String output = saved;
        if (!Ids.isIdentifier(saved)) { // an expression such as x[0:10] was saved
            if (LINE.matcher(saved).find()) {
                throw damaged("the saved expression spans lines");
            }
            output = freshName("saved", loaded::containsKey);
            body.append("        ").append(output).append(" = ").append(saved).append('\n');
        }
        String returned = SessionRecord.variable(output, "the saved variable", this::damaged);
        StringBuilder parameters = new StringBuilder();
        loaded.keySet().forEach(v -> parameters.append(", ").append(v));
        String session = record.session();
        String base = "Session_" + session.substring(0, Math.min(session.length(), 32)).replace('-', '_');
        // the cells go in last, so that nothing in them is taken for a placeholder
        String operation = operation(base, n -> CELLS_TEMPLATE.replace("{{class}}", n).replace("{{session}}", session)
                .replace("{{parameters}}", parameters).replace("{{output}}", returned)
                .replace("{{cells}}", body.toString().stripTrailing()), REQUIREMENTS);
        ObjectNode node = nodes.putObject("cells").put("operation", operation);
        node.putObject("attributes");
        node.putObject("references");
        position(node, loaded.isEmpty() ? 0 : 1, 0);
        int row = 0;
        for (SessionRecord.Loaded in : loaded.values()) {
            connect(inputNode(in, row++), "data", "cells", in.variable());
        }
        return returned;
    }

    private ObjectNode trainNode(JsonNode config, int column) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("operation", operation(TRAIN,
                n -> n.equals(TRAIN) ? TRAIN_CODE : renamer.rename(TRAIN_CODE, TRAIN, n), REQUIREMENTS));
        ObjectNode a = node.putObject("attributes");
        a.put("loss", name(config.path("loss"), "loss"));
        a.set("loss_arguments", arguments(config.path("loss"), "loss"));
        a.put("optimizer", name(config.path("optimizer"), "optimizer"));
        a.set("optimizer_arguments", arguments(config.path("optimizer"), "optimizer"));
        a.set("batch_size", whole(config, "batchSize", 32));
        a.set("epochs", whole(config, "epochs", 1));
        JsonNode split = config.path("validationSplit");
        a.put("validation_split", split.isNumber() ? split.asDouble() : 0.0);
        String device = config.path("device").asText("cpu");
        a.put("device", device.equals("cuda") ? "cuda" : "cpu");
        a.set("seed", whole(config, "seed", 0));
        node.putObject("references").put("model", architecture(config.path("architecture").asText("")));
        position(node, column, 0);
        return node;
    }

    private String name(JsonNode choice, String what) {
        String name = choice.path("name").asText("");
        if (!Ids.isIdentifier(name)) {
            throw damaged("the training's " + what + " \"" + SessionRecord.shorten(name) + "\" is not a name");
        }
        return name;
    }

    private JsonNode arguments(JsonNode choice, String what) {
        JsonNode arguments = choice.path("arguments");
        if (arguments.isMissingNode() || arguments.isNull()) {
            return Json.MAPPER.createObjectNode();
        }
        if (!arguments.isObject()) {
            throw damaged("the arguments of the training's " + what + " are not an object");
        }
        return arguments.deepCopy();
    }

    private JsonNode whole(JsonNode config, String field, int absent) {
        JsonNode v = config.path(field);
        if (v.isMissingNode()) {
            return Json.MAPPER.getNodeFactory().numberNode(absent);
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw damaged("the training's " + field + " is not a whole number");
        }
        return v.deepCopy();
    }

    /**
     * The architecture the training used: the project's one when it is still as it was at the session's commit (or that
     * commit cannot be read), else that version, added anew (or an architecture already holding it).
     */
    private String architecture(String id) {
        if (!Ids.isId(id)) {
            throw damaged("the training's architecture \"" + SessionRecord.shorten(id) + "\" is not an architecture id");
        }
        String commit = record.architectureCommits().getOrDefault(id, record.commit());
        JsonNode current = model.path("architectures").path(id);
        Optional<JsonNode> then = commit.isEmpty() ? Optional.empty() : history.at(id, commit).filter(JsonNode::isObject);
        if (then.isEmpty()) {
            if (current.isObject()) {
                return id;
            }
            throw StoreException.conflict("architecture " + id + " that the training used is gone and the session's commit does not hold it; "
                    + "restore it from History first");
        }
        String recorded = PipelineFromProvenance.hash(then.get());
        if (current.isObject() && PipelineFromProvenance.hash(current).equals(recorded)) {
            return id;
        }
        for (var it = model.path("architectures").fields(); it.hasNext(); ) {
            var arch = it.next();
            if (PipelineFromProvenance.hash(arch.getValue()).equals(recorded)) {
                return arch.getKey();
            }
        }
        String fresh = freshName("a" + Ids.newId(8), n -> model.path("architectures").has(n) || addedArchs.containsKey(n));
        addedArchs.put(fresh, then.get().deepCopy());
        return fresh;
    }

    /**
     * The operation named {@code base} (or {@code base_2}, …) whose code is {@code codeNamed(name)}: one the project has
     * already, else a new one under the first free name.
     */
    private String operation(String base, Function<String, String> codeNamed, List<String> requirements) {
        JsonNode ops = model.path("operations");
        for (var it = ops.fields(); it.hasNext(); ) {
            var op = it.next();
            if ((op.getKey().equals(base) || op.getKey().startsWith(base + "_"))
                    && op.getValue().path("code").asText("\u0000").equals(codeNamed.apply(op.getKey()))) {
                return op.getKey();
            }
        }
        String name = freshName(base, n -> ops.has(n) || addedOps.containsKey(n));
        ObjectNode value = Json.MAPPER.createObjectNode().put("code", codeNamed.apply(name));
        ArrayNode req = value.putArray("requirements");
        requirements.forEach(req::add);
        addedOps.put(name, value);
        return name;
    }

    /** The Input node reading a loaded artifact, which must still be in the project with the data the session loaded. */
    private String inputNode(SessionRecord.Loaded in, int row) {
        Artifact read = Artifact.read(model, in.artifact()).orElseThrow(() -> StoreException.conflict("the artifact \"" + in.name() + "\" ("
                + in.artifact() + ") that the session loaded into " + in.variable() + " is no longer in the project; restore it (see History) first"));
        if (!in.sha256().isEmpty() && !in.sha256().equals(read.data().sha256())) {
            throw StoreException.conflict("the artifact \"" + read.name() + "\" (" + read.id() + ") holds other data than the session loaded "
                    + "(sha256 " + read.data().sha256() + ", recorded " + in.sha256() + "); restore the recorded version first");
        }
        String node = freshName("i" + Ids.newId(6), nodes::has);
        ObjectNode n = nodes.putObject(node);
        n.putObject("input").put("artifact", in.artifact());
        position(n, 0, row);
        return node;
    }

    /** Whether a cell is one of the Workspace page's one-line {@code df.…} calls: one statement, starting at its first line. */
    /**
     * The cells (the Workspace's calls left out) after the last one that loaded {@code variable}: only they can have
     * changed what the load gave it (cells before it, such as those that made the artifact, cannot); all of them when
     * no cell loaded it.
     */
    private List<String> cellsAfterTheLoadOf(String variable) {
        List<String> all = record.cells();
        String load = "df.load(" + PythonLiterals.string(variable) + ",";
        int last = -1;
        for (int i = 0; i < all.size(); i++) {
            if (isWorkspaceCall(all.get(i)) && all.get(i).strip().startsWith(load)) {
                last = i;
            }
        }
        return all.subList(last + 1, all.size()).stream().filter(c -> !isWorkspaceCall(c)).toList();
    }

    static boolean isWorkspaceCall(String cell) {
        String code = cell.strip();
        return WORKSPACE_CALL.matcher(code).matches() && STATEMENT_START.matcher(code).results().count() == 1;
    }

    private void connect(String from, String fromPort, String to, String toPort) {
        ObjectNode c = connections.putObject("c" + (connections.size() + 1));
        c.putObject("from").put("node", from).put("port", fromPort);
        c.putObject("to").put("node", to).put("port", toPort);
    }

    private static void position(ObjectNode node, int column, int row) {
        node.putObject("position").put("x", 40 + 260 * column).put("y", 40 + 140 * row);
    }

    private static String freshName(String base, Predicate<String> taken) {
        String name = base;
        for (int i = 2; taken.test(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    private StoreException damaged(String what) {
        return damaged(artifact, what);
    }

    private static StoreException damaged(Artifact artifact, String what) {
        return StoreException.badRequest("the session record of artifact \"" + artifact.name() + "\" cannot be turned into a pipeline: " + what);
    }

    private static String resource(String name) {
        try (InputStream in = PipelineFromSession.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the operation template " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
