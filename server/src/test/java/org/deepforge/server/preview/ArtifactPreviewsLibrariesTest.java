package org.deepforge.server.preview;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.bundle.LibraryPackages;
import org.deepforge.exec.sandbox.JobIsolation;
import org.deepforge.exec.storage.LocalStorage;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.ops.analysis.PythonRuntime;
import org.deepforge.store.Author;
import org.deepforge.store.ProjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preview of an artifact whose type a library of its project registered (docs/libraries.md): the sandboxed preview
 * process gets the library's packages, imports its modules and reads the data with the library's serializer.
 */
class ArtifactPreviewsLibrariesTest {
    static final String FAKELIB = """
            from deepforge.serialization import register


            class Thing:
                def __init__(self, value):
                    self.value = value

                def __repr__(self):
                    return "Thing(%d)" % self.value


            def _load(path):
                with open(path, encoding="utf-8") as f:
                    return Thing(int(f.read()[len("thing:"):]))


            register("fakelib.Thing", Thing, lambda thing, path: open(path, "w").write("thing:%d" % thing.value), _load)
            """;

    @TempDir
    Path dir;

    @Test
    void anArtifactOfALibrarysTypeIsReadWithThatLibrarysSerializerInTheSandbox() throws Exception {
        Files.createDirectories(dir.resolve("library/fakelib"));
        Files.writeString(dir.resolve("library/fakelib/__init__.py"), FAKELIB);
        LibraryPackages.Packages packages = new LibraryPackages.Packages(List.of(dir.resolve("library")), List.of("fakelib"));
        AtomicReference<JsonNode> asked = new AtomicReference<>();
        LibraryPackages libraries = model -> {
            asked.set(model);
            return packages;
        };
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        JobIsolation isolation = JobIsolation.detect(false);
        assertThat(isolation).as("previews run in the sandbox here").isInstanceOf(JobIsolation.Sandboxed.class);
        ProjectStore store = new ProjectStore(dir.resolve("data"));
        String project = store.create("Things", "", new Author("u1", "U", "u@example.org")).id();
        LocalStorage storage = new LocalStorage(dir.resolve("objects"));
        Artifact thing = artifact(storage, "thing:21");

        ArtifactPreviews previews = new ArtifactPreviews(store, ArchitectureModules.NONE, libraries, "/usr/bin/python3", runtime.root(),
                isolation, Duration.ofSeconds(60), 0, dir.resolve("previews"));
        JsonNode summary = previews.summary(project, thing, storage);
        assertThat(summary.path("kind").asText()).as("%s", summary).isEqualTo("object");
        assertThat(summary.path("type").asText()).isEqualTo("fakelib.Thing");
        assertThat(summary.path("text").asText()).isEqualTo("Thing(21)");
        assertThat(asked.get().path("project").path("name").asText()).as("the libraries of the artifact's project").isEqualTo("Things");

        // without the library the same bytes are only a file
        ArtifactPreviews without = new ArtifactPreviews(store, ArchitectureModules.NONE, "/usr/bin/python3", runtime.root(),
                isolation, Duration.ofSeconds(60), 0, dir.resolve("previews-without"));
        JsonNode plain = without.summary(project, thing, storage);
        assertThat(plain.path("note").asText()).as("%s", plain).startsWith("not a pickle");
    }

    static Artifact artifact(StorageAdapter storage, String content) throws Exception {
        StorageAdapter.Stored stored = storage.put(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), n -> { });
        return new Artifact("a1", "thing", "fakelib.Thing", Optional.empty(), new Artifact.Data(Json.MAPPER.createObjectNode(),
                stored.adapter(), stored.key(), stored.sha256(), stored.size()), Optional.empty());
    }
}
