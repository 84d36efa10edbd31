package org.deepforge.exec.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deepforge.model.Json;
import org.deepforge.ops.analysis.PythonRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packages of a project's libraries in a job's bundle (docs/libraries.md), and the roots that are refused. */
class BundleLibrariesTest {
    @TempDir
    Path dir;
    PythonRuntime runtime;
    JsonNode model;

    @BeforeEach
    void setUp() throws Exception {
        runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        model = new BundleWriterTest().model(runtime);
    }

    BundleWriter writer(boolean link, LibraryPackages.Packages packages) {
        return new BundleWriter(runtime.root(), link, ArchitectureModules.NONE, FakeLibrary.always(packages));
    }

    void write(BundleWriter writer, Path bundle) throws Exception {
        writer.write(new BundleWriter.Job("e1", "n1", model, "p1", "n1"), bundle);
    }

    @Test
    void aCopiedBundleHoldsTheLibraryPackagesBesideTheRuntimeAndJobJsonListsTheirModules() throws Exception {
        Path root = dir.resolve("lib");
        write(writer(false, FakeLibrary.write(root)), dir.resolve("b"));
        Path bundle = dir.resolve("b");
        assertThat(Files.isSymbolicLink(bundle.resolve("fakelib"))).isFalse();
        assertThat(Files.readString(bundle.resolve("fakelib/__init__.py"))).isEqualTo(FakeLibrary.INIT);
        assertThat(bundle.resolve("fakelib/util.py")).exists();
        assertThat(bundle.resolve("README.md")).as("only Python entries of a root are placed").doesNotExist();
        JsonNode job = Json.MAPPER.readTree(bundle.resolve("job.json").toFile());
        assertThat(job.path("libraries")).hasSize(1);
        assertThat(job.path("libraries").get(0).asText()).isEqualTo("fakelib");
    }

    @Test
    void aLinkedBundleLinksEachPackageAsItLinksTheRuntime() throws Exception {
        Path root = dir.resolve("lib");
        write(writer(true, FakeLibrary.write(root)), dir.resolve("b"));
        Path link = dir.resolve("b/fakelib");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(root.resolve("fakelib").toRealPath());
    }

    @Test
    void aProjectWithoutLibrariesGetsNoLibrariesInJobJson() throws Exception {
        write(writer(false, LibraryPackages.Packages.NONE), dir.resolve("b"));
        assertThat(Json.MAPPER.readTree(dir.resolve("b/job.json").toFile()).has("libraries")).isFalse();
    }

    @Test
    void aRootThatLinksOutOfItselfIsRefusedAndNothingIsWritten() throws Exception {
        Path root = dir.resolve("lib");
        LibraryPackages.Packages packages = FakeLibrary.write(root);
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/etc"));
        assertThatThrownBy(() -> write(writer(true, packages), dir.resolve("b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("etc in the library directory")
                .hasMessageContaining("outside that directory");
        assertThat(dir.resolve("b")).doesNotExist();

        Files.delete(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("fakelib/passwd.py"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> write(writer(false, packages), dir.resolve("c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fakelib/passwd.py").hasMessageContaining("outside");
        assertThat(dir.resolve("c")).doesNotExist();
    }

    @Test
    void aPackageNamedLikeABundleDirectoryIsRefused() throws Exception {
        for (String name : List.of("deepforge/__init__.py", "operations/__init__.py", "utils.py", "main.py")) {
            Path root = dir.resolve("lib-" + name.replaceAll("[/.]", "-"));
            Files.createDirectories(root.resolve(name).getParent());
            Files.writeString(root.resolve(name), "");
            assertThatThrownBy(() -> write(writer(false, new LibraryPackages.Packages(List.of(root), List.of())), dir.resolve("b")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has the name of a bundle's own")
                    .hasMessageContaining("rename it");
        }
    }

    @Test
    void twoLibrariesBringingOnePackageAndABadModuleNameAreRefused() throws Exception {
        LibraryPackages.Packages one = FakeLibrary.write(dir.resolve("one"));
        LibraryPackages.Packages two = FakeLibrary.write(dir.resolve("two"));
        assertThatThrownBy(() -> write(writer(false, new LibraryPackages.Packages(List.of(dir.resolve("one"), dir.resolve("two")),
                List.of("fakelib"))), dir.resolve("b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two libraries bring a package \"fakelib\"");
        assertThatThrownBy(() -> write(writer(false, new LibraryPackages.Packages(one.roots(), List.of("fakelib; import os"))), dir.resolve("b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a Python module name");
        assertThat(two.modules()).containsExactly("fakelib");
    }
}
