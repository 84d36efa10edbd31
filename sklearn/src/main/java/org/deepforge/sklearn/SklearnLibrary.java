package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.library.Library;
import org.deepforge.library.LibraryContext;
import org.deepforge.library.LibraryDirectory;
import org.deepforge.library.LibraryManifest;
import org.deepforge.library.LibraryProvider;
import org.deepforge.library.MigrationException;
import org.deepforge.model.Json;

/**
 * scikit-learn as a library (docs/libraries.md): estimator pipelines (kind {@code sklearn-pipeline}), and the files
 * of {@code python/libraries/sklearn} as the Python runtime holds them ({@code <runtime>/libraries/sklearn}):
 * library.json, built-in operations, the examples and the {@code deepforge_sklearn} package with its serializer.
 */
public final class SklearnLibrary implements Library {
    /** Where the manifest is on the class path (the ops jar carries python/) when there is no runtime directory. */
    private static final String MANIFEST_RESOURCE = "/python/libraries/sklearn/library.json";

    /** The provider java.util.ServiceLoader finds. */
    public static final class Provider implements LibraryProvider {
        @Override
        public Library create(LibraryContext context) {
            return new SklearnLibrary(context);
        }
    }

    private final LibraryManifest manifest;
    private final SklearnKind kind = new SklearnKind(EstimatorCatalog.bundled());
    private final Map<String, ObjectNode> operations;
    private final Map<String, Map<String, byte[]>> examples;
    private final Map<String, byte[]> pythonFiles;

    public SklearnLibrary(LibraryContext context) {
        Optional<Path> directory = context.pythonRuntime().map(r -> r.resolve("libraries").resolve("sklearn"))
                .filter(d -> Files.isRegularFile(d.resolve("library.json")));
        this.manifest = directory.map(SklearnLibrary::manifest).orElseGet(SklearnLibrary::bundledManifest);
        this.operations = directory.map(d -> LibraryDirectory.operations(d.resolve("operations"))).orElse(Map.of());
        this.examples = directory.map(d -> LibraryDirectory.examples(d.resolve("examples"))).orElse(Map.of());
        this.pythonFiles = directory.map(d -> LibraryDirectory.files(d.resolve("python"))).orElse(Map.of());
    }

    private static LibraryManifest manifest(Path directory) {
        try {
            return LibraryDirectory.manifest(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LibraryManifest bundledManifest() {
        try (InputStream in = SklearnLibrary.class.getResourceAsStream(MANIFEST_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(MANIFEST_RESOURCE + " is missing from the class path (the ops jar carries it)");
            }
            return Json.MAPPER.readValue(in, LibraryManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public LibraryManifest manifest() {
        return manifest;
    }

    @Override
    public List<ArchitectureKind> kinds() {
        return List.of(kind);
    }

    @Override
    public Map<String, ObjectNode> operations() {
        return operations;
    }

    @Override
    public Map<String, Map<String, byte[]>> examples() {
        return examples;
    }

    @Override
    public Map<String, byte[]> pythonFiles() {
        return pythonFiles;
    }

    /** Version 1.0.0 is the first: it migrates only from itself, changing nothing. */
    @Override
    public ArrayNode migrate(String fromVersion, JsonNode model) throws MigrationException {
        if (!fromVersion.equals(manifest.version())) {
            throw new MigrationException("scikit-learn library " + manifest.version() + " has no migration from version " + fromVersion);
        }
        return Json.MAPPER.createArrayNode();
    }
}
