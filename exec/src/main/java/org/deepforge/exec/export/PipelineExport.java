package org.deepforge.exec.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.bundle.LibraryFiles;
import org.deepforge.exec.bundle.LibraryPackages;
import org.deepforge.exec.bundle.PythonLiterals;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.model.domain.Node;
import org.deepforge.model.domain.Pipeline;
import org.deepforge.model.domain.PipelineJson;

/**
 * A pipeline as a zip of plain Python: {@code main.py} calls each operation in topological order, passing
 * outputs to inputs as ordinary variables, and saves what Output nodes save into {@code outputs/}; beside it
 * the operations, the project's utils, generated architecture modules, the {@code deepforge} runtime, the packages
 * of the project's libraries, the pipeline's JSON and a README. Runs with {@code python main.py} anywhere its requirements are installed.
 */
public final class PipelineExport {
    private final Path runtime;
    private final ArchitectureModules architectures;
    private final LibraryPackages libraries;

    public PipelineExport(Path runtime, ArchitectureModules architectures) {
        this(runtime, architectures, LibraryPackages.NONE);
    }

    /** With {@code libraries}: the export holds the packages of the project's libraries and {@code main.py} imports their modules first. */
    public PipelineExport(Path runtime, ArchitectureModules architectures, LibraryPackages libraries) {
        this.runtime = runtime;
        this.architectures = architectures;
        this.libraries = libraries;
    }

    /** {@code inputData}: artifact id → its bytes, for Input nodes whose data is bundled (empty: not bundled). Seeded with 0. */
    public void write(JsonNode model, String pipelineId, String origin, Function<String, Optional<InputStream>> inputData,
                      OutputStream out) throws IOException {
        write(model, pipelineId, origin, inputData, out, 0);
    }

    /**
     * Like {@link #write(JsonNode, String, String, Function, OutputStream)}, seeding each operation as a run seeded
     * with {@code seed} seeds its job (the same per-job seeds, see {@code RunSpec.jobSeed}).
     */
    public void write(JsonNode model, String pipelineId, String origin, Function<String, Optional<InputStream>> inputData,
                      OutputStream out, long seed) throws IOException {
        JsonNode pipelineJson = model.path("pipelines").path(pipelineId);
        Pipeline pipeline = PipelineJson.read(model, pipelineId);
        List<String> order = order(pipeline);
        LibraryFiles libs = LibraryFiles.of(libraries.of(model));
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            Map<String, String> archClasses = new TreeMap<>();
            for (String node : order) {
                Node n = pipeline.nodes().get(node);
                if (n instanceof Node.SubPipeline) {
                    throw new IllegalArgumentException("node " + node + " is a sub-pipeline; export the inner pipeline on its own");
                }
                if (n instanceof Node.Operation o) {
                    put(zip, "operations/" + o.operation() + ".py", model.path("operations").path(o.operation()).path("code").asText());
                    o.references().values().forEach(architecture -> {
                        if (!architecture.isEmpty() && !archClasses.containsKey(architecture)) {
                            archClasses.put(architecture, null);
                        }
                    });
                }
            }
            put(zip, "operations/__init__.py", "");
            put(zip, "utils/__init__.py", "");
            for (var it = model.path("utils").fields(); it.hasNext(); ) {
                var u = it.next();
                put(zip, "utils/" + u.getKey() + ".py", u.getValue().path("code").asText());
            }
            for (String id : archClasses.keySet()) {
                if (!model.path("architectures").has(id)) {
                    throw new IllegalArgumentException("architecture " + id + " does not exist");
                }
            }
            if (model.path("architectures").size() > 0) {
                put(zip, "architectures/__init__.py", "");
                for (var it = model.path("architectures").fields(); it.hasNext(); ) {
                    var arch = it.next();
                    ArchitectureModules.Module module;
                    try {
                        module = architectures.generate(arch.getValue());
                    } catch (RuntimeException e) {
                        if (archClasses.containsKey(arch.getKey())) {
                            throw e;
                        }
                        continue; // unused and not generating: left out
                    }
                    put(zip, "architectures/" + arch.getKey() + ".py", module.code());
                    if (archClasses.containsKey(arch.getKey())) {
                        archClasses.put(arch.getKey(), module.className());
                    }
                }
            }
            List<String> bundled = new ArrayList<>();
            for (String node : order) {
                if (pipeline.nodes().get(node) instanceof Node.Input input) {
                    String artifact = input.artifact();
                    Optional<InputStream> data = inputData.apply(artifact);
                    if (data.isPresent()) {
                        try (InputStream in = data.get()) {
                            zip.putNextEntry(new ZipEntry("inputs/" + node + "/data"));
                            in.transferTo(zip);
                            zip.closeEntry();
                        }
                        put(zip, "inputs/" + node + "/meta.json", Json.compact(Artifact.read(model, artifact).orElseThrow().inputMeta()) + "\n");
                        bundled.add(node);
                    }
                }
            }
            put(zip, "pipelines/" + pipelineId + ".json", new String(Json.fileBytes(pipelineJson), StandardCharsets.UTF_8));
            copyRuntime(zip);
            libs.zip(zip);
            put(zip, "main.py", mainPy(model, pipeline, order, archClasses, origin, seed, libs.modules()));
            put(zip, "README.md", readme(model, pipeline, bundled, origin, seed));
        }
    }

    /** Node ids in an order where every node comes after the nodes it reads from (ties by id). */
    static List<String> order(Pipeline pipeline) {
        Map<String, List<String>> next = new TreeMap<>();
        Map<String, Integer> indegree = new TreeMap<>();
        pipeline.nodes().keySet().forEach(n -> {
            next.put(n, new ArrayList<>());
            indegree.put(n, 0);
        });
        pipeline.connections().forEach(c -> {
            next.get(c.from().node()).add(c.to().node());
            indegree.merge(c.to().node(), 1, Integer::sum);
        });
        Deque<String> ready = new ArrayDeque<>();
        indegree.forEach((n, d) -> {
            if (d == 0) {
                ready.add(n);
            }
        });
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String n = ready.poll();
            order.add(n);
            for (String m : next.get(n)) {
                if (indegree.merge(m, -1, Integer::sum) == 0) {
                    ready.add(m);
                }
            }
        }
        if (order.size() != indegree.size()) {
            throw new IllegalArgumentException("the pipeline has a cycle");
        }
        return order;
    }

    static String mainPy(JsonNode model, Pipeline pipeline, List<String> order, Map<String, String> archClasses, String origin) {
        return mainPy(model, pipeline, order, archClasses, origin, 0);
    }

    static String mainPy(JsonNode model, Pipeline pipeline, List<String> order, Map<String, String> archClasses, String origin,
                         long seed) {
        return mainPy(model, pipeline, order, archClasses, origin, seed, List.of());
    }

    /** {@code libraryModules}: imported before the operations, as a job imports them (they register serializers). */
    static String mainPy(JsonNode model, Pipeline pipeline, List<String> order, Map<String, String> archClasses, String origin,
                         long seed, List<String> libraryModules) {
        Map<String, String> variables = new HashMap<>(); // "node\0port" → variable
        Map<String, Integer> used = new HashMap<>();
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        java.util.Set<String> importedOps = new java.util.TreeSet<>();
        order.forEach(node -> {
            if (pipeline.nodes().get(node) instanceof Node.Operation o) {
                importedOps.add(o.operation());
            }
        });
        imports.append("import os\n\nfrom deepforge import figures, seeding, serialization\n");
        if (!libraryModules.isEmpty()) {
            imports.append("\n# the project's libraries (their packages are beside deepforge/): they register their serializers\n");
            libraryModules.forEach(m -> imports.append("import ").append(m).append("  # noqa: F401\n"));
            imports.append("\n");
        }
        archClasses.forEach((id, cls) -> imports.append("from architectures.").append(id).append(" import ").append(cls).append("\n"));
        for (String op : importedOps) {
            String cls = model.path("operations").path(op).path("interface").path("class").asText(op);
            imports.append("from operations.").append(op).append(" import ").append(cls).append("\n");
        }
        for (String node : order) {
            Node n = pipeline.nodes().get(node);
            if (n instanceof Node.Input) {
                String v = variable("input_" + node, used);
                variables.put(node + "\u0000data", v);
                body.append("    ").append(v).append(" = serialization.load(os.path.join(HERE, \"inputs\", ")
                        .append(PythonLiterals.string(node)).append("))\n");
                continue;
            }
            if (n instanceof Node.Output output) {
                String source = incoming(pipeline, node, "data").map(variables::get).orElse("None");
                String name = output.saveName().isEmpty() ? node : output.saveName();
                body.append("    serialization.save(").append(source).append(", os.path.join(HERE, \"outputs\", ")
                        .append(PythonLiterals.string(name)).append("))\n");
                continue;
            }
            Node.Operation operation = (Node.Operation) n; // sub-pipelines were refused above
            String op = operation.operation();
            JsonNode iface = model.path("operations").path(op).path("interface");
            String cls = iface.path("class").asText(op);
            List<String> args = new ArrayList<>();
            for (JsonNode r : iface.path("references")) {
                String name = r.path("name").asText();
                String value = operation.references().get(name);
                args.add(name + "=" + (value != null && archClasses.containsKey(value) ? archClasses.get(value) + "()" : "None"));
            }
            for (JsonNode a : iface.path("attributes")) {
                String name = a.path("name").asText();
                if (operation.attributes().has(name)) {
                    args.add(name + "=" + PythonLiterals.of(operation.attributes().get(name)));
                }
            }
            List<String> inputs = new ArrayList<>();
            for (JsonNode in : iface.path("inputs")) {
                inputs.add(incoming(pipeline, node, in.path("name").asText()).map(variables::get).orElse("None"));
            }
            List<String> outs = new ArrayList<>();
            for (JsonNode o : iface.path("outputs")) {
                String v = variable(o.path("name").asText(), used);
                variables.put(node + "\u0000" + o.path("name").asText(), v);
                outs.add(v);
            }
            body.append("    # ").append(op).append(" (").append(node).append(")\n");
            body.append("    seeding.seed(seeding.job_seed(SEED, ").append(PythonLiterals.string(node)).append("))\n");
            String call = cls + "(" + String.join(", ", args) + ").execute(" + String.join(", ", inputs) + ")";
            body.append("    ").append(outs.isEmpty() ? "" : String.join(", ", outs) + " = ").append(call).append("\n");
            // what DeepForge shows as the job's plots: the figures left open, as SVG files named by node and number
            body.append("    figures.save(os.path.join(HERE, \"outputs\", \"figures\"), ").append(PythonLiterals.string(node)).append(")\n");
        }
        String title = pipeline.name().isEmpty() ? pipeline.id() : pipeline.name();
        return "\"\"\"Pipeline \"" + title.replace("\"", "'") + "\", exported from DeepForge (" + origin.replace("\"", "'") + ").\n\n"
                + "Run it with `python main.py`; results are saved in outputs/ (see README.md).\n\"\"\"\n"
                + imports + "\nHERE = os.path.dirname(os.path.abspath(__file__))\n"
                + "# every operation is seeded from this, as the run in DeepForge seeded its job (deepforge/seeding.py)\n"
                + "SEED = int(os.environ.get(\"DEEPFORGE_SEED\", \"" + seed + "\"))\n\n\ndef main():\n" + body
                + "\n\nif __name__ == \"__main__\":\n    main()\n";
    }

    private static Optional<String> incoming(Pipeline pipeline, String node, String port) {
        return pipeline.source(node, port).map(from -> from.node() + "\u0000" + from.port());
    }

    private static String variable(String base, Map<String, Integer> used) {
        String clean = base.replaceAll("[^A-Za-z0-9_]", "_");
        if (clean.isEmpty() || Character.isDigit(clean.charAt(0))) {
            clean = "v_" + clean;
        }
        int n = used.merge(clean, 1, Integer::sum);
        return n == 1 ? clean : clean + "_" + n;
    }

    private static String readme(JsonNode model, Pipeline pipeline, List<String> bundled, String origin, long seed) {
        StringBuilder requirements = new StringBuilder();
        java.util.Set<String> req = new java.util.TreeSet<>();
        pipeline.nodes().values().forEach(n -> {
            if (n instanceof Node.Operation o) {
                model.path("operations").path(o.operation()).path("requirements").forEach(r -> req.add(r.asText()));
            }
        });
        req.forEach(r -> requirements.append("- ").append(r).append("\n"));
        return "# " + (pipeline.name().isEmpty() ? "Pipeline" : pipeline.name()) + "\n\nExported from DeepForge (" + origin + ").\n\n"
                + "## Run it\n\n```bash\npython main.py\n```\n\n"
                + "`main.py` calls each operation in order (their code is in `operations/`, shared modules in `utils/`, "
                + "networks in `architectures/`) and saves what the pipeline's Output nodes save into `outputs/<name>/` "
                + "(`data` plus `meta.json`; read one back with `deepforge.serialization.load(path)`). The figures each "
                + "operation draws (matplotlib figures left open when it returns) are saved as SVG in "
                + "`outputs/figures/<node>-<figure number>.svg`.\n\n"
                + "## Requirements\n\nPython 3 with:\n\n" + (requirements.length() == 0 ? "- (standard library only)\n" : requirements)
                + "\n## Inputs\n\n" + (bundled.isEmpty() ? "No input data is bundled."
                : "Bundled under `inputs/`: " + String.join(", ", bundled) + ".")
                + "\n\n## Seed\n\nEvery operation is seeded from " + seed + " (Python's `random`, numpy and torch, with torch's "
                + "deterministic algorithms on; see `deepforge/seeding.py`), as a DeepForge run with that seed seeds its jobs, so "
                + "deterministic operations give the same outputs here. Set `DEEPFORGE_SEED` to run with another seed.\n"
                + "\nThe pipeline itself, as DeepForge stores it, is in `pipelines/`.\n";
    }

    private void copyRuntime(ZipOutputStream zip) throws IOException {
        Path source = runtime.resolve("deepforge");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = source.relativize(p).toString();
                if (rel.contains("__pycache__") || source.relativize(p).startsWith("analysis") || rel.equals("zygote.py")
                        || source.relativize(p).startsWith("nnimport") || rel.equals("isolate.py")) {
                    continue;
                }
                zip.putNextEntry(new ZipEntry("deepforge/" + rel));
                Files.copy(p, zip);
                zip.closeEntry();
            }
        }
    }

    private static void put(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

}
