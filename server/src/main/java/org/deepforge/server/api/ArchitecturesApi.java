package org.deepforge.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.run.RunService;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;
import org.deepforge.model.MergePatch;
import org.deepforge.library.AnalysedArchitecture;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.library.CodeGenerationException;
import org.deepforge.library.GeneratedModule;
import org.deepforge.library.Libraries;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.server.nnimport.ModelImporter;
import org.deepforge.store.ChangeResult;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;

/**
 * Architectures: the PyTorch layer catalog, shapes and errors as the user draws and generated code (each asked of the
 * architecture's kind, docs/libraries.md), PyTorch model import and ONNX export.
 */
public final class ArchitecturesApi {
    private final ProjectStore store;
    private final Libraries libraries;
    private final Analysis analysis;
    private final ModelImporter importer;
    private final RunService runs;
    private final RecentAnalyses recent = new RecentAnalyses();

    /** The response header that names an unsaved architecture's analysis, for {@link #analyzeChange}. */
    static final String ANALYSIS_ID = "X-Analysis-Id";

    public ArchitecturesApi(ProjectStore store, Libraries libraries, Analysis analysis, ModelImporter importer, RunService runs) {
        this.analysis = analysis;
        this.store = store;
        this.libraries = libraries;
        this.importer = importer;
        this.runs = runs;
    }

    /**
     * ONNX export through a job: an execution whose one operation exports the generated module with
     * torch.onnx and whose Output saves {@code <name>.onnx} as an artifact (with provenance).
     */
    public void onnx(Context ctx) throws Exception {
        String project = ctx.pathParam("project");
        String id = ctx.pathParam("architecture");
        String branch = Optional.ofNullable(ctx.queryParam("branch")).filter(b -> !b.isBlank()).orElse(store.get(project).defaultBranch());
        var at = store.model(project, branch);
        JsonNode architecture = at.model().path("architectures").get(id);
        if (architecture == null) {
            throw StoreException.notFound("there is no architecture " + id + " on " + branch);
        }
        if (!Libraries.kindId(architecture).equals(ArchitectureKind.DEFAULT)) {
            throw new CodeGenerationException("ONNX export is for PyTorch architectures; " + architecture.path("name").asText(id)
                    + " is of kind " + Libraries.kindId(architecture));
        }
        libraries.kindOf(architecture).generate(architecture); // refuses (422) what the job would fail on: errors, no Output layer
        java.util.List<String> examples = new java.util.ArrayList<>();
        java.util.List<String> inputs = new java.util.ArrayList<>();
        new java.util.TreeMap<String, JsonNode>(toMap(architecture.path("layers"))).forEach((layerId, layer) -> {
            if (layer.path("type").asText().equals("Input")) {
                StringBuilder dims = new StringBuilder("1");
                layer.path("arguments").path("shape").forEach(d -> dims.append(", ").append(d.asInt()));
                examples.add("torch.zeros(" + dims + ")");
                inputs.add(layer.path("name").asText(layerId));
            }
        });
        String code = "import torch\n\nfrom deepforge import Architecture\nfrom deepforge.serialization import File\n\n\n"
                + "class ExportONNX:\n    \"\"\"Exports the referenced architecture to ONNX.\"\"\"\n\n"
                + "    def __init__(self, model: Architecture):\n        self.model = model\n\n"
                + "    def execute(self):\n        self.model.eval()\n"
                + "        example = (" + String.join(", ", examples) + (examples.size() == 1 ? "," : "") + ")\n"
                + "        torch.onnx.export(self.model, example, \"model.onnx\", input_names="
                + Json.compact(Json.MAPPER.valueToTree(inputs)) + ")\n"
                + "        onnx = File(\"model.onnx\")\n        return onnx\n";
        ObjectNode model = ((ObjectNode) at.model()).deepCopy();
        ObjectNode op = ((ObjectNode) model.get("operations")).putObject("ExportONNX").put("code", code);
        op.set("interface", analysis.parse(code, "ExportONNX"));
        String pipeline = "onnx-" + id;
        ObjectNode p = ((ObjectNode) model.get("pipelines")).putObject(pipeline).put("name", "Export " + architecture.path("name").asText(id) + " to ONNX");
        p.putObject("nodes").putObject("export").put("operation", "ExportONNX").putObject("references").put("model", id);
        ((ObjectNode) p.get("nodes")).putObject("save").putObject("output").put("saveName",
                architecture.path("name").asText(id).replaceAll("[^A-Za-z0-9._-]+", "_") + ".onnx");
        ObjectNode c = p.putObject("connections").putObject("c");
        c.putObject("from").put("node", "export").put("port", "onnx");
        c.putObject("to").put("node", "save").put("port", "data");
        ctx.status(201).json(runs.runGenerated(project, branch, at.commit(), pipeline, p.path("name").asText(), Requests.principal(ctx).id(), model).toJson());
    }

    private static Map<String, JsonNode> toMap(JsonNode object) {
        Map<String, JsonNode> out = new HashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** GET /catalog/layers: PyTorch's catalog (older than GET /libraries/pytorch/kinds/pytorch/catalog, which serves the same). */
    public void catalog(Context ctx) {
        ArchitectureKind pytorch = libraries.kind(ArchitectureKind.DEFAULT)
                .orElseThrow(() -> StoreException.notFound("this server has no PyTorch library"));
        ctx.contentType("application/json").result(pytorch.catalog());
    }

    public void analysis(Context ctx) throws Exception {
        JsonNode architecture = architecture(ctx);
        ctx.contentType("application/json").result(libraries.kindOf(architecture).analyze(architecture).toJsonBytes());
    }

    /**
     * Analysis of an architecture that is not saved yet (the editor asks while the user types): written
     * straight from the analysis; layers that did not change since an earlier analysis are not reworked.
     */
    public void analyzeUnsaved(Context ctx) {
        ObjectNode body = Bodies.object(ctx);
        AnalysedArchitecture analysed = libraries.kindOf(body).analyzeForEdits(body);
        recent.keep(Requests.principal(ctx).id(), ctx.pathParam("project"), analysed, ctx.contentLength())
                .ifPresent(id -> ctx.header(ANALYSIS_ID, id));
        ctx.contentType("application/json").result(analysed.analysis().toJsonBytes());
    }

    /**
     * An edit of an architecture analysed before (by {@link #analyzeUnsaved} or this route): the body is
     * a JSON merge patch (RFC 7386) of that architecture; the answer is the new analysis's id and what
     * changed since the earlier analysis (docs/architectures.md).
     */
    public void analyzeChange(Context ctx) throws IOException {
        JsonNode patch = Bodies.object(ctx);
        String user = Requests.principal(ctx).id();
        String project = ctx.pathParam("project");
        RecentAnalyses.Entry base = recent.find(ctx.pathParam("analysis"), user, project).orElseThrow(() -> new BadRequest(412,
                "the analysis " + ctx.pathParam("analysis") + " is no longer kept (or not yours): send the whole architecture"
                        + " to POST /api/v1/projects/{project}/analysis/architecture"));
        JsonNode architecture = MergePatch.apply(base.analysed().architecture(), patch);
        AnalysedArchitecture analysed = libraries.kindOf(architecture).analyzeEdit(base.analysed(), patch, architecture);
        long sent = ctx.contentLength();
        Optional<String> id = recent.keep(user, project, analysed, sent < 0 ? -1 : base.bytes() + sent);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            if (id.isPresent()) {
                g.writeStringField("id", id.get());
            } else {
                g.writeNullField("id");
            }
            g.writeFieldName("changes");
            analysed.analysis().writeChangesSince(base.analysed().analysis(), g);
            g.writeEndObject();
        }
        ctx.contentType("application/json").result(out.toByteArray());
    }

    public void code(Context ctx) throws Exception {
        JsonNode architecture = architecture(ctx);
        GeneratedModule module = libraries.kindOf(architecture).generate(architecture);
        ctx.contentType("text/x-python; charset=utf-8");
        ctx.header("Content-Disposition", "inline; filename=\"" + module.name().toLowerCase() + ".py\"");
        ctx.result(module.code());
    }

    public void importModel(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        String project = ctx.pathParam("project");
        String branch = Optional.ofNullable(ctx.queryParam("branch")).filter(b -> !b.isBlank()).orElse(store.get(project).defaultBranch());
        if (!body.path("source").isObject()) {
            throw new BadRequest("\"source\" is required: {\"torchvision\": \"resnet18\"} or {\"code\": \"…\", \"factory\": \"make_model\"}");
        }
        if (!body.path("input_shape").isArray()) {
            throw new BadRequest("\"input_shape\" is required: the per-sample shape, e.g. [3, 224, 224]");
        }
        String name = Bodies.optionalText(body, "name").orElse(body.path("source").path("torchvision").asText("imported model"));
        JsonNode architecture;
        try {
            // users' code: run in a sandboxed process of its own, never in the shared analysis process
            architecture = importer.importModel(body.get("source"), body.get("input_shape"), name);
        } catch (ModelImporter.Failed e) {
            throw new BadRequest(e.status(), e.getMessage());
        }
        ObjectNode value = ((ObjectNode) architecture).deepCopy().put("name", name);
        String id = Ids.newId(10);
        var patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "add").put("path", "/architectures/" + id).set("value", value);
        ChangeResult r = store.apply(project, branch, new ChangeSet(Optional.empty(), "Import architecture " + name, patch, Requests.author(ctx)));
        ctx.status(201).json(Json.MAPPER.createObjectNode().put("id", id).put("commit", r.commit()));
    }

    private JsonNode architecture(Context ctx) throws Exception {
        JsonNode model = store.model(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("ref")).orElse("")).model();
        JsonNode architecture = model.path("architectures").get(ctx.pathParam("architecture"));
        if (architecture == null) {
            throw StoreException.notFound("there is no architecture " + ctx.pathParam("architecture"));
        }
        return architecture;
    }
}
