package org.deepforge.server.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.bundle.LibraryFiles;
import org.deepforge.exec.bundle.LibraryPackages;
import org.deepforge.exec.sandbox.JobIsolation;
import org.deepforge.exec.storage.LocalStorage;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.model.domain.Provenance;
import org.deepforge.store.ProjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Previews of artifacts (a summary, 2-D slices of arrays) and portable model files, each computed once per artifact
 * sha256 in a sandboxed {@link PreviewProcess} and kept on disk ({@code <data>/previews/<ab>/<sha256>/}), so a second
 * request and a restarted server answer from the cache. The server only moves bytes: it never unpickles.
 */
public final class ArtifactPreviews {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactPreviews.class);
    /** Previews running at once (each is a Python process). */
    private static final int CONCURRENT = 2;
    /** The most leading-axis indices a slice request may give. */
    static final int MAX_INDICES = 32;
    /** The format tag of a portable model file. */
    public static final String PORTABLE_FORMAT = "deepforge-model/1";

    private final ProjectStore store;
    private final ArchitectureModules modules;
    private final LibraryPackages libraries;
    private final PreviewProcess process;
    private final Path root;
    private final Semaphore running = new Semaphore(CONCURRENT);
    /** One preview of the same sha256 at a time (stripes, so the set of locks stays fixed). */
    private final Object[] locks = new Object[64];

    public ArtifactPreviews(ProjectStore store, ArchitectureModules modules, String python, Path runtimeRoot, JobIsolation isolation,
                            Duration timeout, long memoryBytes, Path root) throws IOException {
        this(store, modules, LibraryPackages.NONE, python, runtimeRoot, isolation, timeout, memoryBytes, root);
    }

    /**
     * With {@code libraries}: the preview process gets the packages of the artifact's project's libraries and imports their
     * modules first, so it loads a type a library registered (docs/libraries.md).
     */
    public ArtifactPreviews(ProjectStore store, ArchitectureModules modules, LibraryPackages libraries, String python, Path runtimeRoot,
                            JobIsolation isolation, Duration timeout, long memoryBytes, Path root) throws IOException {
        this.store = store;
        this.modules = modules;
        this.libraries = libraries;
        this.process = new PreviewProcess(python, runtimeRoot, isolation, timeout, memoryBytes);
        this.root = Files.createDirectories(root);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        deleteTree(root.resolve("tmp")); // what a stopped server was working on
        Files.createDirectories(root.resolve("tmp"));
    }

    /** What the artifact holds: for arrays shape, dtype and statistics; a table, text, an image, FITS headers or a model's modules. */
    public JsonNode summary(String project, Artifact artifact, StorageAdapter storage) throws PreviewFailed, IOException {
        return Json.MAPPER.readTree(cached(artifact, "summary.json", () -> compute(project, artifact, storage, request("summary", artifact), false)));
    }

    /** The 2-D slice of an N-D array at {@code index} (one index per leading axis), downsampled to at most 256 × 256, as JSON bytes. */
    public byte[] slice(String project, Artifact artifact, StorageAdapter storage, List<Integer> index) throws PreviewFailed, IOException {
        if (index.size() > MAX_INDICES) {
            throw new PreviewFailed(400, "give at most " + MAX_INDICES + " indices", false);
        }
        String name = "slice-" + (index.isEmpty() ? "2d" : index.stream().map(String::valueOf).collect(Collectors.joining("_"))) + ".json";
        return cached(artifact, name, () -> {
            ObjectNode request = request("slice", artifact);
            index.forEach(request.putArray("index")::add);
            return compute(project, artifact, storage, request, false);
        });
    }

    /**
     * The model as a plain-torch file ({@code {"format", "class", "code", "state_dict"}}, strings and tensors only), made
     * once per sha256 by the sandboxed process and read from the cache after.
     */
    public Path portable(String project, Artifact artifact, StorageAdapter storage) throws PreviewFailed, IOException {
        Path dir = dir(artifact);
        Path file = dir.resolve("model.pt");
        synchronized (lock(artifact)) {
            if (Files.exists(file)) {
                return file;
            }
            Optional<JsonNode> failed = read(dir.resolve("model.pt.error"));
            if (failed.isPresent()) {
                throw new PreviewFailed(422, failed.get().path("error").asText(), true);
            }
            try {
                compute(project, artifact, storage, request("portable", artifact), true);
            } catch (PreviewFailed e) {
                if (e.cacheable()) {
                    write(dir.resolve("model.pt.error"), Json.MAPPER.createObjectNode().put("error", e.getMessage()));
                }
                throw e;
            }
            return file;
        }
    }

    /** The code that loads a downloaded portable model file {@code fileName} with nothing but torch installed. */
    public static String loadSnippet(String fileName) {
        return "import torch\n"
                + "ck = torch.load(\"" + fileName.replace("\\", "\\\\").replace("\"", "\\\"") + "\")\n"
                + "ns = {}\n"
                + "exec(ck[\"code\"], ns)\n"
                + "model = ns[ck[\"class\"]]()\n"
                + "model.load_state_dict(ck[\"state_dict\"])\n"
                + "model.eval()\n";
    }

    @FunctionalInterface
    private interface Computation {
        JsonNode get() throws PreviewFailed, IOException;
    }

    /**
     * The cached answer {@code name} of this artifact's sha256 (its JSON bytes, as served), computing it if absent; a
     * failure the data causes is kept beside it ({@code <name>.error}) and given again.
     */
    private byte[] cached(Artifact artifact, String name, Computation compute) throws PreviewFailed, IOException {
        Path file = dir(artifact).resolve(name);
        Path error = dir(artifact).resolve(name + ".error");
        if (!Files.isRegularFile(file) && !Files.isRegularFile(error)) {
            synchronized (lock(artifact)) {
                if (!Files.isRegularFile(file) && !Files.isRegularFile(error)) {
                    try {
                        write(file, compute.get());
                    } catch (PreviewFailed e) {
                        if (e.cacheable()) {
                            write(error, Json.MAPPER.createObjectNode().put("error", e.getMessage()));
                        }
                        throw e;
                    }
                }
            }
        }
        if (Files.isRegularFile(file)) {
            return Files.readAllBytes(file);
        }
        throw new PreviewFailed(422, Json.MAPPER.readTree(error.toFile()).path("error").asText(), true);
    }

    private Object lock(Artifact artifact) {
        return locks[Math.floorMod(artifact.data().sha256().hashCode(), locks.length)];
    }

    private Path dir(Artifact artifact) throws IOException {
        String sha = artifact.data().sha256();
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new IOException("artifact " + artifact.id() + " has no sha256 recorded");
        }
        return root.resolve(sha.substring(0, 2)).resolve(sha);
    }

    private static ObjectNode request(String op, Artifact artifact) {
        return Json.MAPPER.createObjectNode().put("op", op).put("type", artifact.type()).put("name", artifact.name());
    }

    /** Runs one request with the artifact's data (and, for pickles, the generated architecture modules) bound read-only. */
    private JsonNode compute(String project, Artifact artifact, StorageAdapter storage, ObjectNode request, boolean portable)
            throws PreviewFailed, IOException {
        Path work = root.resolve("tmp").resolve(UUID.randomUUID().toString());
        Files.createDirectories(work);
        try {
            List<Path> readOnly = new ArrayList<>();
            Path data = dataFile(artifact, storage, work);
            readOnly.add(data);
            request.put("data", data.toString());
            if (needsModules(artifact.type())) {
                Path mods = work.resolve("modules");
                List<String> libraryModules = writeModules(project, artifact, mods);
                readOnly.add(mods);
                request.put("modules", mods.toString());
                libraryModules.forEach(request.putArray("libraries")::add);
            }
            Optional<Path> out = Optional.empty();
            if (portable) {
                out = Optional.of(Files.createDirectories(work.resolve("out")));
                request.put("out", out.get().toString());
            }
            try {
                running.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting to preview");
            }
            JsonNode result;
            try {
                result = process.run(request, readOnly, out, artifact.data().size());
            } finally {
                running.release();
            }
            if (portable) {
                Path made = out.get().resolve("model.pt");
                if (!Files.isRegularFile(made)) {
                    throw new PreviewFailed(422, "the conversion wrote no model file", false);
                }
                Path target = dir(artifact).resolve("model.pt");
                Files.createDirectories(target.getParent());
                Files.move(made, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return result;
        } finally {
            deleteTree(work);
        }
    }

    private static boolean needsModules(String type) {
        return !type.equals("numpy.ndarray") && !type.equals("torch.Tensor") && !type.equals("file");
    }

    /**
     * The artifact's bytes as a file the sandbox can bind: the stored object itself on this server's disk, otherwise
     * a copy in {@code work} (read through the storage, which checks its content).
     */
    private static Path dataFile(Artifact artifact, StorageAdapter storage, Path work) throws IOException {
        if (storage instanceof LocalStorage local) {
            Path file = local.path(artifact.data().key());
            if (Files.isRegularFile(file)) {
                return file.toRealPath();
            }
        }
        Path copy = work.resolve("data");
        try (InputStream in = storage.get(artifact.data().key())) {
            Files.copy(in, copy);
        }
        return copy;
    }

    /**
     * The modules the job that made the artifact could import, as its bundle had them: {@code dir/architectures/<id>.py}
     * (the project's architectures at the run's commit, overlaid with the snapshots its provenance recorded),
     * {@code dir/utils/<name>.py} and {@code dir/operations/<Name>.py}, so a pickled object's class can be imported, and the
     * packages of the project's libraries; returns the libraries' modules to import first.
     */
    private List<String> writeModules(String project, Artifact artifact, Path dir) throws PreviewFailed, IOException {
        Optional<Provenance.Output> provenance = artifact.provenance();
        JsonNode model = Json.MAPPER.createObjectNode();
        // the run's commit, else (an upload, or history that no longer has it) the default branch's head
        for (String ref : new java.util.LinkedHashSet<>(List.of(provenance.map(Provenance.Output::commit).orElse(""), ""))) {
            try {
                model = store.model(project, ref).model();
                break;
            } catch (IOException | RuntimeException e) {
                LOG.debug("project {} at {} not readable: {}", project, ref, e.toString());
            }
        }
        Map<String, JsonNode> architectures = new LinkedHashMap<>();
        model.path("architectures").fields().forEachRemaining(e -> architectures.put(e.getKey(), e.getValue()));
        provenance.map(Provenance.Output::source).ifPresent(source -> {
            if (source instanceof Provenance.FromJob job) {
                job.references().values().forEach(r -> r.snapshot().ifPresent(s -> architectures.put(r.architecture(), s)));
            }
        });
        Map<String, String> code = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> a : architectures.entrySet()) {
            try {
                code.put("architectures/" + a.getKey(), modules.generate(a.getValue()).code());
            } catch (RuntimeException e) {
                // an architecture that does not generate cannot be what the model was made from
            }
        }
        for (String kind : List.of("utils", "operations")) {
            model.path(kind).fields().forEachRemaining(e -> code.put(kind + "/" + e.getKey(), e.getValue().path("code").asText("")));
        }
        for (String pkg : List.of("architectures", "utils", "operations")) {
            Files.writeString(Files.createDirectories(dir.resolve(pkg)).resolve("__init__.py"), "");
        }
        for (Map.Entry<String, String> m : code.entrySet()) {
            String name = m.getKey().substring(m.getKey().indexOf('/') + 1);
            if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) { // ids and names from the project: nothing that leaves the folder
                Files.writeString(dir.resolve(m.getKey() + ".py"), m.getValue());
            }
        }
        LibraryFiles libs;
        try {
            libs = LibraryFiles.of(libraries.of(model));
        } catch (IllegalArgumentException e) {
            throw new PreviewFailed(422, "the project's libraries cannot be used: " + e.getMessage(), false);
        }
        libs.copy(dir);
        return libs.modules();
    }

    private static Optional<JsonNode> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(Json.MAPPER.readTree(file.toFile()));
    }

    private static void write(Path file, JsonNode value) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".part-", ".json");
        Files.write(tmp, Json.MAPPER.writeValueAsBytes(value));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not remove {}: {}", dir, e.toString());
        }
    }
}
