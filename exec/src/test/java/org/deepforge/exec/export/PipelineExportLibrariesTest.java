package org.deepforge.exec.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.bundle.FakeLibrary;
import org.deepforge.exec.bundle.LibraryPackages;
import org.deepforge.model.Json;
import org.deepforge.ops.OperationRules;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An exported pipeline of a project with a library holds the library's packages and runs standalone (docs/libraries.md). */
class PipelineExportLibrariesTest {
    @TempDir
    Path dir;

    JsonNode model(PythonRuntime runtime) throws Exception {
        ObjectNode model = (ObjectNode) Json.MAPPER.readTree("""
            {"project": {"name": "l", "libraries": {"fakelib": "1.0.0"}}, "architectures": {}, "artifacts": {}, "utils": {},
             "operations": {
               "Make": {"code": "from fakelib import Thing\\n\\n\\nclass Make:\\n    def execute(self):\\n        thing = Thing(21)\\n        return thing\\n"},
               "Use": {"code": "class Use:\\n    def execute(self, thing):\\n        print('loaded', type(thing).__module__, thing.value * 2)\\n        result = thing.value * 2\\n        return result\\n"}},
             "pipelines": {"p": {"name": "things", "nodes": {"make": {"operation": "Make"}, "use": {"operation": "Use"},
                 "o": {"output": {"saveName": "thing"}}},
               "connections": {"c1": {"from": {"node": "make", "port": "thing"}, "to": {"node": "use", "port": "thing"}},
                               "c2": {"from": {"node": "make", "port": "thing"}, "to": {"node": "o", "port": "data"}}}}}}
            """);
        try (Analysis analysis = new Analysis("/usr/bin/python3", runtime.root(), Duration.ofSeconds(20))) {
            return new OperationRules(analysis).prepare(Json.MAPPER.createObjectNode(), model);
        }
    }

    static void unzip(byte[] zip, Path to) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path file = to.resolve(e.getName()).normalize();
                assertThat(file.startsWith(to)).as(e.getName()).isTrue();
                Files.createDirectories(file.getParent());
                Files.copy(in, file);
            }
        }
    }

    @Test
    void theExportHoldsTheLibraryImportsItFirstAndRunsStandalone() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        LibraryPackages libraries = FakeLibrary.always(FakeLibrary.write(dir.resolve("library")));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        new PipelineExport(runtime.root(), ArchitectureModules.NONE, libraries)
                .write(model(runtime), "p", "a test", id -> Optional.<InputStream>empty(), zip);
        Path out = dir.resolve("export");
        unzip(zip.toByteArray(), out);
        assertThat(Files.readString(out.resolve("fakelib/__init__.py"))).isEqualTo(FakeLibrary.INIT);
        assertThat(out.resolve("README.md")).exists();
        String main = Files.readString(out.resolve("main.py"));
        assertThat(main.indexOf("import fakelib")).as(main).isPositive().isLessThan(main.indexOf("from operations."));

        Process run = new ProcessBuilder("/usr/bin/python3", "main.py").directory(out.toFile()).redirectErrorStream(true).start();
        String console = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(console).isZero();
        assertThat(console).contains("loaded fakelib 42");
        assertThat(Json.MAPPER.readTree(out.resolve("outputs/thing/meta.json").toFile()).path("type").asText()).isEqualTo("fakelib.Thing");
        assertThat(Files.readString(out.resolve("outputs/thing/data"))).isEqualTo("thing:21");
    }

    @Test
    void aLibraryThatLinksOutOfItsDirectoryIsNotExported() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        LibraryPackages.Packages packages = FakeLibrary.write(dir.resolve("library"));
        Files.createSymbolicLink(dir.resolve("library/fakelib/secrets.py"), Path.of("/etc/hostname"));
        assertThatThrownBy(() -> new PipelineExport(runtime.root(), ArchitectureModules.NONE, FakeLibrary.always(packages))
                .write(model(runtime), "p", "a test", id -> Optional.<InputStream>empty(), new ByteArrayOutputStream()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside that directory");
    }
}
