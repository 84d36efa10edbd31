package org.deepforge.exec.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.deepforge.model.Json;

/**
 * Writes the bundle of one job (docs/jobs.md): a directory that runs with plain {@code python main.py}.
 * {@code main.py} is generated to read like code a person wrote: imports, inputs, the operation with
 * its attribute values, {@code execute}, outputs. Inputs are placed in {@code inputs/} by the caller.
 */
public final class BundleWriter {
    private final Path runtime;
    private final boolean linkRuntime;
    private final ArchitectureModules architectures;
    private final LibraryPackages libraries;

    /** {@code runtime}: the unpacked Python runtime root (holding {@code deepforge/}); bundles get a copy of it. */
    public BundleWriter(Path runtime) {
        this(runtime, false);
    }

    /**
     * With {@code linkRuntime}, bundles link to the runtime instead of copying it: for jobs on this
     * machine, where a copy per job would cost more than many trivial jobs do. Bundles that leave the
     * machine (export, remote compute) copy it.
     */
    public BundleWriter(Path runtime, boolean linkRuntime) {
        this(runtime, linkRuntime, ArchitectureModules.NONE);
    }

    /** With {@code architectures}, referenced architectures become {@code architectures/<id>.py} modules. */
    public BundleWriter(Path runtime, boolean linkRuntime, ArchitectureModules architectures) {
        this(runtime, linkRuntime, architectures, LibraryPackages.NONE);
    }

    /**
     * With {@code libraries}, the Python code of the project's libraries goes beside {@code deepforge/} (linked or copied as
     * the runtime is) and job.json lists the modules the runtime imports first (docs/libraries.md).
     */
    public BundleWriter(Path runtime, boolean linkRuntime, ArchitectureModules architectures, LibraryPackages libraries) {
        this.runtime = runtime;
        this.linkRuntime = linkRuntime;
        this.architectures = architectures;
        this.libraries = libraries;
    }

    /**
     * What a job runs: one operation node of a pipeline in a model, seeded from the run's {@code seed} (job.json then
     * carries {@code seed}, the job's own seed, see {@code RunSpec.jobSeed}, and {@code executionSeed}).
     */
    public record Job(String execution, String job, JsonNode model, String pipeline, String node, java.util.OptionalLong seed) {
        /** A job of a run that has no seed: its random numbers are not fixed. */
        public Job(String execution, String job, JsonNode model, String pipeline, String node) {
            this(execution, job, model, pipeline, node, java.util.OptionalLong.empty());
        }

        JsonNode nodeJson() {
            return model.path("pipelines").path(pipeline).path("nodes").path(node);
        }

        String operation() {
            return nodeJson().path("operation").asText();
        }
    }

    public void write(Job job, Path dir) throws IOException {
        JsonNode op = job.model().path("operations").path(job.operation());
        if (op.isMissingNode()) {
            throw new IllegalArgumentException("operation " + job.operation() + " does not exist");
        }
        JsonNode iface = op.path("interface");
        if (iface.path("syntaxError").isObject()) {
            throw new IllegalArgumentException(job.operation() + " has a syntax error at line "
                    + iface.path("syntaxError").path("line").asInt() + "; fix the code before running it");
        }
        LibraryFiles libs = writeCommon(job.model(), dir);
        Files.writeString(dir.resolve("operations/" + fileName(job.operation()) + ".py"), op.path("code").asText());
        ObjectNode jobJson = jobJson(job, iface);
        if (!libs.modules().isEmpty()) {
            libs.modules().forEach(jobJson.putArray("libraries")::add);
        }
        writeArchitectures(job, jobJson, dir);
        Files.write(dir.resolve("job.json"), Json.fileBytes(jobJson));
        Files.writeString(dir.resolve("main.py"), mainPy(job, iface), StandardCharsets.UTF_8);
    }

    /**
     * What a session (docs/sessions.md) imports: every operation of {@code model} as {@code operations/<Name>.py},
     * the utils, the runtime, and every architecture that generates cleanly as {@code architectures/<id>.py};
     * returns those architectures' modules by id.
     */
    public Map<String, ArchitectureModules.Module> writeProject(JsonNode model, Path dir) throws IOException {
        writeCommon(model, dir);
        for (var it = model.path("operations").fields(); it.hasNext(); ) {
            var op = it.next();
            Files.writeString(dir.resolve("operations/" + fileName(op.getKey()) + ".py"), op.getValue().path("code").asText());
        }
        if (model.path("architectures").size() == 0 || architectures == ArchitectureModules.NONE) {
            return Map.of();
        }
        return writeArchitectureModules(model.path("architectures"), Set.of(), dir);
    }

    /** The directories every bundle has, the utils, the runtime and the libraries' packages (linked or copied); returns those. */
    private LibraryFiles writeCommon(JsonNode model, Path dir) throws IOException {
        LibraryFiles libs = LibraryFiles.of(libraries.of(model)); // checked before anything is written
        Files.createDirectories(dir.resolve("operations"));
        Files.createDirectories(dir.resolve("utils"));
        Files.createDirectories(dir.resolve("inputs"));
        Files.createDirectories(dir.resolve("outputs"));
        Files.writeString(dir.resolve("operations/__init__.py"), "");
        Files.writeString(dir.resolve("utils/__init__.py"), "");
        for (var it = model.path("utils").fields(); it.hasNext(); ) {
            var util = it.next();
            Files.writeString(dir.resolve("utils/" + fileName(util.getKey()) + ".py"), util.getValue().path("code").asText());
        }
        if (linkRuntime) {
            Files.createSymbolicLink(dir.resolve("deepforge"), runtime.resolve("deepforge").toAbsolutePath());
            libs.link(dir);
        } else {
            copyRuntime(dir.resolve("deepforge"));
            libs.copy(dir);
        }
        return libs;
    }

    /** A name of the model as the name of a file in a bundle's directory; never a path out of it. */
    private static String fileName(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("\"" + name + "\" cannot be the name of a Python module; rename it");
        }
        return name;
    }

    /**
     * {@code architectures/<id>.py} for each architecture of {@code all} that generates cleanly; one of {@code required}
     * that does not throws the reason. Returns the modules written, by id.
     */
    private Map<String, ArchitectureModules.Module> writeArchitectureModules(JsonNode all, Set<String> required, Path dir) throws IOException {
        Files.createDirectories(dir.resolve("architectures"));
        Files.writeString(dir.resolve("architectures/__init__.py"), "");
        Map<String, ArchitectureModules.Module> written = new TreeMap<>();
        for (var it = all.fields(); it.hasNext(); ) {
            var arch = it.next();
            ArchitectureModules.Module module;
            try {
                module = architectures.generate(arch.getValue());
            } catch (RuntimeException e) {
                if (required.contains(arch.getKey())) {
                    throw e;
                }
                continue; // not needed here; an architecture still being drawn may have errors
            }
            Files.writeString(dir.resolve("architectures/" + fileName(arch.getKey()) + ".py"), module.code());
            written.put(arch.getKey(), module);
        }
        return written;
    }

    /**
     * Referenced architectures become {@code architectures/<id>.py}; so do the project's other architectures
     * that generate cleanly, because a model trained upstream arrives pickled and needs its class to load.
     */
    private void writeArchitectures(Job job, ObjectNode jobJson, Path dir) throws IOException {
        java.util.Set<String> referenced = new java.util.TreeSet<>();
        var refs = jobJson.path("references");
        for (var it = refs.fields(); it.hasNext(); ) {
            var ref = it.next();
            String id = ref.getValue().path("id").asText("");
            if (id.isEmpty()) {
                continue;
            }
            if (!job.model().path("architectures").has(id)) {
                throw new IllegalArgumentException("reference \"" + ref.getKey() + "\" names architecture " + id + ", which does not exist");
            }
            referenced.add(id);
        }
        var all = job.model().path("architectures");
        if (all.size() == 0 || architectures == ArchitectureModules.NONE) {
            if (!referenced.isEmpty()) {
                architectures.generate(all.get(referenced.iterator().next())); // throws the reason
            }
            return;
        }
        Map<String, ArchitectureModules.Module> written = writeArchitectureModules(all, referenced, dir);
        for (var r = refs.fields(); r.hasNext(); ) {
            var ref = r.next();
            ArchitectureModules.Module module = written.get(ref.getValue().path("id").asText(""));
            if (module != null) {
                ((ObjectNode) ref.getValue()).put("class", module.className());
            }
        }
    }

    private static ObjectNode jobJson(Job job, JsonNode iface) {
        ObjectNode j = Json.MAPPER.createObjectNode();
        j.put("execution", job.execution());
        j.put("job", job.job());
        j.put("operation", job.operation());
        job.seed().ifPresent(seed -> j.put("executionSeed", seed).put("seed", jobSeed(seed, job.node())));
        j.set("attributes", job.nodeJson().path("attributes").isObject() ? job.nodeJson().get("attributes") : Json.MAPPER.createObjectNode());
        var inputs = j.putArray("inputs");
        iface.path("inputs").forEach(i -> inputs.add(i.path("name").asText()));
        var outputs = j.putArray("outputs");
        iface.path("outputs").forEach(o -> outputs.add(o.path("name").asText()));
        ObjectNode refs = j.putObject("references");
        iface.path("references").forEach(r -> {
            String name = r.path("name").asText();
            JsonNode value = job.nodeJson().path("references").path(name);
            ObjectNode ref = refs.putObject(name).put("kind", "architecture");
            if (value.isTextual() && !value.asText().isEmpty()) {
                ref.put("id", value.asText()).put("module", "architectures." + value.asText());
            } else {
                ref.putNull("id");
            }
        });
        return j;
    }

    /** Same as {@code RunSpec.jobSeed} (exec.run depends on this package, not the other way round). */
    public static long jobSeed(long seed, String node) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest((seed + ":" + node).getBytes(StandardCharsets.UTF_8));
            return ((d[0] & 0xFFL) << 24) | ((d[1] & 0xFFL) << 16) | ((d[2] & 0xFFL) << 8) | (d[3] & 0xFFL);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The generated entry point. */
    static String mainPy(Job job, JsonNode iface) {
        String pipelineName = job.model().path("pipelines").path(job.pipeline()).path("name").asText(job.pipeline());
        String cls = iface.path("class").asText(job.operation());
        StringBuilder b = new StringBuilder();
        b.append("\"\"\"Job ").append(job.job()).append(" of execution ").append(job.execution()).append(": ")
                .append(job.operation()).append(" in pipeline ").append(docText(pipelineName)).append(".\n\n")
                .append("Run it with `python main.py`: inputs are read from inputs/, outputs are written to outputs/\n")
                .append("and the outcome to results.json.\n\"\"\"\n");
        b.append("from deepforge import runtime\n\n\n");
        b.append("def main():\n");
        // imported here, not at the top, so that an error while importing it is reported like any other
        b.append("    from operations.").append(job.operation()).append(" import ").append(cls).append("\n\n");
        List<String> inputs = new ArrayList<>();
        for (JsonNode in : iface.path("inputs")) {
            String name = in.path("name").asText();
            inputs.add(name);
            b.append("    ").append(name).append(" = runtime.load_input(").append(PythonLiterals.string(name)).append(")\n");
        }
        List<String> args = new ArrayList<>();
        for (JsonNode r : iface.path("references")) {
            String name = r.path("name").asText();
            args.add(name + "=runtime.build_reference(" + PythonLiterals.string(name) + ")");
        }
        JsonNode values = job.nodeJson().path("attributes");
        for (JsonNode a : iface.path("attributes")) {
            String name = a.path("name").asText();
            if (values.has(name)) {
                args.add(name + "=" + PythonLiterals.of(values.get(name)));
            }
        }
        if (args.isEmpty()) {
            b.append("    operation = ").append(cls).append("()\n");
        } else {
            b.append("    operation = ").append(cls).append("(\n");
            args.forEach(a -> b.append("        ").append(a).append(",\n"));
            b.append("    )\n");
        }
        List<String> outputs = new ArrayList<>();
        iface.path("outputs").forEach(o -> outputs.add(o.path("name").asText()));
        String call = "operation.execute(" + String.join(", ", inputs) + ")";
        if (outputs.isEmpty()) {
            b.append("    ").append(call).append("\n");
            b.append("    runtime.save_outputs({})\n");
        } else {
            b.append("    ").append(String.join(", ", outputs)).append(" = ").append(call).append("\n");
            List<String> pairs = new ArrayList<>();
            outputs.forEach(o -> pairs.add(PythonLiterals.string(o) + ": " + o));
            b.append("    runtime.save_outputs({").append(String.join(", ", pairs)).append("})\n");
        }
        b.append("\n\nif __name__ == \"__main__\":\n    runtime.run(main)\n");
        return b.toString();
    }

    private static String docText(String s) {
        return s.replace("\\", "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    }

    private void copyRuntime(Path target) throws IOException {
        Path source = runtime.resolve("deepforge");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                String rel = source.relativize(p).toString();
                if (rel.contains("__pycache__") || source.relativize(p).startsWith("analysis")) { // the analysis package is the server's
                    continue;
                }
                Path dest = target.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
