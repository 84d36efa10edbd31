package org.deepforge.exec.reify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;
import org.deepforge.model.PythonNames;
import org.deepforge.model.domain.Artifact;
import org.deepforge.model.domain.Provenance;
import org.deepforge.store.StoreException;

/**
 * Turns an artifact's recorded provenance back into the pipeline that made it ("reify provenance"): one operation node
 * per job, with the job's node id, its recorded attributes and references; the operation at the code it ran (the
 * project's operation when its code is still the same, else a new operation {@code <Name>_<execution>} holding the
 * recorded code with only its class renamed to match — an existing operation is never changed); referenced architectures at their recorded snapshot (a
 * new architecture when the project's one changed); the artifacts jobs read as Input nodes; an Output node saving
 * the artifact's name. Pure: it reads a model view and gives a JSON Patch that adds what is needed.
 *
 * <p>Provenance is data a job's outputs and a project's history wrote, so nothing in it is trusted: ids and names are
 * checked, code and snapshots must match their recorded hashes, and a record that fails is refused with a message
 * ({@link StoreException}, a 4xx) saying what is wrong.
 */
public final class PipelineFromProvenance {
    /** Most jobs one record may describe (a record is a tree; a bigger one is not a pipeline a person made). */
    static final int MAX_JOBS = 500;

    /** Renames the operation class {@code from} in {@code code} to {@code to} (an operation's class is named as the operation). */
    @FunctionalInterface
    public interface ClassRenamer {
        String rename(String code, String from, String to);
    }

    /** The architecture {@code id} as it was at {@code commit}; empty when that commit (or the architecture in it) cannot be read. */
    @FunctionalInterface
    public interface ArchitectureHistory {
        Optional<JsonNode> at(String architecture, String commit);

        ArchitectureHistory NONE = (architecture, commit) -> Optional.empty();
    }

    /** What was built: the patch, the new pipeline's id and name, the run's seed, and what was added or reused. */
    public record Result(ArrayNode patch, String pipeline, String name, String execution, OptionalLong seed, String outputNode,
                         List<String> addedOperations, List<String> addedArchitectures) {}

    private final JsonNode model;
    private final Artifact artifact;
    private final ClassRenamer renamer;
    private final ArrayNode patch = Json.MAPPER.createArrayNode();
    private final ObjectNode nodes = Json.MAPPER.createObjectNode();
    private final ObjectNode connections = Json.MAPPER.createObjectNode();
    private final Map<String, String> jobNodes = new HashMap<>();
    private final Map<String, String> inputNodes = new HashMap<>();
    private final Map<String, Integer> depth = new HashMap<>();
    private final Map<String, String> operationFor = new HashMap<>(); // code sha256 + name → operation used
    private final Map<String, String> architectureFor = new HashMap<>(); // snapshot sha256 → architecture used
    private final ObjectNode addedOps = Json.MAPPER.createObjectNode();
    private final ObjectNode addedArchs = Json.MAPPER.createObjectNode();
    private String execution = "";

    private PipelineFromProvenance(JsonNode model, Artifact artifact, ClassRenamer renamer) {
        this.model = model;
        this.artifact = artifact;
        this.renamer = renamer;
    }

    /** The pipeline that made artifact {@code artifactId} of {@code model}, as a patch against {@code model}. */
    public static Result build(JsonNode model, String artifactId, ClassRenamer renamer) {
        return build(model, artifactId, renamer, ArchitectureHistory.NONE);
    }

    /**
     * As {@link #build(JsonNode, String, ClassRenamer)}; an artifact an interactive session saved is rebuilt by
     * {@link PipelineFromSession}, with its architecture as {@code history} says it was at the session's commit.
     */
    public static Result build(JsonNode model, String artifactId, ClassRenamer renamer, ArchitectureHistory history) {
        if (!Ids.isId(artifactId)) {
            throw StoreException.badRequest("\"" + shorten(artifactId) + "\" is not an artifact id");
        }
        Artifact artifact = Artifact.read(model, artifactId)
                .orElseThrow(() -> StoreException.notFound("there is no artifact " + artifactId + " on this branch"));
        JsonNode recorded = model.path("artifacts").path(artifactId).get("provenance");
        if (SessionRecord.isSession(recorded)) {
            return PipelineFromSession.build(model, artifact, recorded, renamer, history);
        }
        Provenance.Output output = artifact.provenance().orElseThrow(() -> StoreException.badRequest("artifact \"" + artifact.name()
                + "\" was uploaded or imported, not saved by a run, so there is no pipeline to rebuild from it"));
        return new PipelineFromProvenance(model, artifact, renamer).build(output);
    }

    private Result build(Provenance.Output output) {
        OptionalLong seed = OptionalLong.empty();
        String source;
        String port = output.port();
        if (output.source() instanceof Provenance.FromJob job) {
            execution = checkedExecution(job.execution());
            seed = job.seed();
            source = job(job, 1);
            checkedIdentifier(port, "output port");
        } else {
            source = input((Provenance.FromArtifact) output.source(), 1);
            port = "data";
        }
        String outputNode = freshNode("o");
        nodes.set(outputNode, Json.MAPPER.createObjectNode().set("output", Json.MAPPER.createObjectNode().put("saveName", artifact.name())));
        layout();
        position((ObjectNode) nodes.get(outputNode), depth.values().stream().mapToInt(Integer::intValue).max().orElse(0), 0);
        connect(source, port, outputNode, "data");

        String pipeline = freshPipelineId();
        String name = artifact.name() + (execution.isEmpty() ? " (rebuilt)" : " (from run " + execution + ")");
        ObjectNode p = Json.MAPPER.createObjectNode().put("name", name);
        p.set("nodes", nodes);
        p.set("connections", connections);
        addedArchs.fields().forEachRemaining(e -> patch.addObject().put("op", "add").put("path", "/architectures/" + e.getKey()).set("value", e.getValue()));
        addedOps.fields().forEachRemaining(e -> patch.addObject().put("op", "add").put("path", "/operations/" + e.getKey()).set("value", e.getValue()));
        patch.addObject().put("op", "add").put("path", "/pipelines/" + pipeline).set("value", p);
        List<String> ops = new ArrayList<>();
        addedOps.fieldNames().forEachRemaining(ops::add);
        List<String> archs = new ArrayList<>();
        addedArchs.fieldNames().forEachRemaining(archs::add);
        return new Result(patch, pipeline, name, execution, seed, outputNode, ops, archs);
    }

    /** The node of a job (made once, however many jobs read from it); returns its node id. */
    private String job(Provenance.FromJob job, int level) {
        if (!execution.equals(checkedExecution(job.execution()))) {
            throw damaged("its jobs come from executions " + execution + " and " + shorten(job.execution()) + "; a record describes one run");
        }
        if (!Ids.isId(job.job())) {
            throw damaged("\"" + shorten(job.job()) + "\" is not a job id");
        }
        String existing = jobNodes.get(job.job());
        if (existing != null) {
            depth.merge(existing, level, Math::max);
            return existing;
        }
        if (jobNodes.size() >= MAX_JOBS) {
            throw damaged("it describes more than " + MAX_JOBS + " jobs");
        }
        jobNodes.put(job.job(), job.job());
        depth.merge(job.job(), level, Math::max);
        if (!job.attributes().isObject()) {
            throw damaged("the attributes of job " + job.job() + " are not an object");
        }
        ObjectNode node = Json.MAPPER.createObjectNode().put("operation", operation(job));
        node.set("attributes", job.attributes().deepCopy());
        ObjectNode refs = node.putObject("references");
        job.references().forEach((name, reference) -> refs.put(checkedIdentifier(name, "reference name"), architecture(reference, name)));
        nodes.set(job.job(), node);
        for (Provenance.Input in : job.inputs()) {
            String port = checkedIdentifier(in.port(), "input port");
            String from;
            String fromPort;
            if (in.from() instanceof Provenance.FromJob upstream) {
                from = job(upstream, level + 1);
                fromPort = checkedIdentifier(in.fromPort(), "output port");
            } else {
                from = input((Provenance.FromArtifact) in.from(), level + 1);
                fromPort = "data";
            }
            connect(from, fromPort, job.job(), port);
        }
        return job.job();
    }

    /** The Input node reading artifact {@code from}, which must still be in the project with the data recorded. */
    private String input(Provenance.FromArtifact from, int level) {
        if (!Ids.isId(from.artifact())) {
            throw damaged("\"" + shorten(from.artifact()) + "\" is not an artifact id");
        }
        String existing = inputNodes.get(from.artifact());
        if (existing != null) {
            depth.merge(existing, level, Math::max);
            return existing;
        }
        Artifact read = Artifact.read(model, from.artifact()).orElseThrow(() -> StoreException.conflict("the input artifact \""
                + from.name() + "\" (" + from.artifact() + ") that the run read is no longer in the project; restore it (see History) first"));
        if (!from.sha256().isEmpty() && !from.sha256().equals(read.data().sha256())) {
            throw StoreException.conflict("the input artifact \"" + read.name() + "\" (" + read.id() + ") holds other data than the run read "
                    + "(sha256 " + read.data().sha256() + ", recorded " + from.sha256() + "); restore the recorded version first");
        }
        String node = freshNode("i");
        inputNodes.put(from.artifact(), node);
        depth.merge(node, level, Math::max);
        nodes.set(node, Json.MAPPER.createObjectNode().set("input", Json.MAPPER.createObjectNode().put("artifact", from.artifact())));
        return node;
    }

    /** The operation holding the code the job ran: the project's one of that name if unchanged, else a new version. */
    private String operation(Provenance.FromJob job) {
        String name = job.operation();
        if (!Ids.isIdentifier(name) || PythonNames.isKeyword(name)) {
            throw damaged("\"" + shorten(name) + "\" cannot name an operation");
        }
        String codeHash = sha256(job.code());
        if (!codeHash.equals(job.codeSha256())) {
            throw damaged("the code recorded for " + name + " does not match its recorded hash " + shorten(job.codeSha256()));
        }
        return operationFor.computeIfAbsent(codeHash + "\u0000" + name, k -> {
            JsonNode current = model.path("operations").path(name);
            if (current.path("code").asText("\u0000").equals(job.code())) {
                return name;
            }
            // an earlier "open as pipeline" may have added this very version already
            String base = name + "_" + execution;
            for (var it = model.path("operations").fields(); it.hasNext(); ) {
                var op = it.next();
                if ((op.getKey().equals(base) || op.getKey().startsWith(base + "_"))
                        && op.getValue().path("code").asText("\u0000").equals(renamer.rename(job.code(), name, op.getKey()))) {
                    return op.getKey();
                }
            }
            String version = freshName(base, n -> model.path("operations").has(n) || addedOps.has(n));
            ObjectNode value = current.isObject() ? ((ObjectNode) current).deepCopy() : Json.MAPPER.createObjectNode();
            value.remove("interface");
            // the recorded code, with only its class named as the new operation
            value.put("code", renamer.rename(job.code(), name, version));
            if (!value.path("requirements").isArray()) {
                value.putArray("requirements");
            }
            addedOps.set(version, value);
            return version;
        });
    }

    /** The architecture a reference ran with: the project's one if unchanged, else its recorded snapshot, added anew. */
    private String architecture(Provenance.Reference reference, String referenceName) {
        String id = reference.architecture();
        if (id.isEmpty()) {
            return "";
        }
        if (!Ids.isId(id)) {
            throw damaged("reference \"" + referenceName + "\" names \"" + shorten(id) + "\", which is not an architecture id");
        }
        JsonNode current = model.path("architectures").path(id);
        String recorded = reference.sha256().orElse("");
        if (current.isObject() && (recorded.isEmpty() || hash(current).equals(recorded))) {
            return id;
        }
        JsonNode snapshot = reference.snapshot().filter(JsonNode::isObject).orElseThrow(() -> StoreException.conflict("architecture " + id
                + " (reference \"" + referenceName + "\") has changed or is gone since the run, and the record holds no copy of it; "
                + "restore it from History first"));
        if (!hash(snapshot).equals(recorded)) {
            throw damaged("the copy of architecture " + id + " does not match its recorded hash");
        }
        return architectureFor.computeIfAbsent(recorded, k -> {
            for (var it = model.path("architectures").fields(); it.hasNext(); ) {
                var arch = it.next();
                if (hash(arch.getValue()).equals(recorded)) {
                    return arch.getKey();
                }
            }
            String fresh = freshName("a" + Ids.newId(8), n -> model.path("architectures").has(n) || addedArchs.has(n));
            addedArchs.set(fresh, snapshot.deepCopy());
            return fresh;
        });
    }

    private void connect(String from, String fromPort, String to, String toPort) {
        String id = "c" + (connections.size() + 1);
        ObjectNode c = connections.putObject(id);
        c.putObject("from").put("node", from).put("port", fromPort);
        c.putObject("to").put("node", to).put("port", toPort);
    }

    /** Left to right from the inputs to the output: a node's column is how far it is from the artifact. */
    private void layout() {
        int max = depth.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        Map<Integer, Integer> rows = new LinkedHashMap<>();
        nodes.fields().forEachRemaining(e -> {
            Integer d = depth.get(e.getKey());
            if (d != null) {
                int column = max - d;
                position((ObjectNode) e.getValue(), column, rows.merge(column, 1, Integer::sum) - 1);
            }
        });
    }

    private static void position(ObjectNode node, int column, int row) {
        node.putObject("position").put("x", 40 + 260 * column).put("y", 40 + 140 * row);
    }

    private String freshNode(String prefix) {
        return freshName(prefix + Ids.newId(6), n -> nodes.has(n) || jobNodes.containsKey(n));
    }

    private String freshPipelineId() {
        return freshName("p" + Ids.newId(8), n -> model.path("pipelines").has(n));
    }

    private static String freshName(String base, java.util.function.Predicate<String> taken) {
        String name = base;
        for (int i = 2; taken.test(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    private String checkedExecution(String id) {
        if (!Ids.isId(id)) {
            throw damaged("\"" + shorten(id) + "\" is not an execution id");
        }
        return id;
    }

    private String checkedIdentifier(String name, String what) {
        if (!Ids.isIdentifier(name)) {
            throw damaged("\"" + shorten(name) + "\" cannot be a " + what);
        }
        return name;
    }

    private StoreException damaged(String what) {
        return StoreException.badRequest("the provenance of artifact \"" + artifact.name() + "\" cannot be turned into a pipeline: " + what);
    }

    static String hash(JsonNode json) {
        return sha256(Json.compact(Json.sorted(json)));
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
