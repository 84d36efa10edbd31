package org.deepforge.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryArchiveTest {
    @Test
    void anArchiveHoldingASymbolicLinkIsRefusedAndNothingIsLeftBehind(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/zip")), "Info-ZIP's zip stores symbolic links (zip -y)");
        Path library = Files.createDirectories(dir.resolve("lib/python"));
        Files.writeString(dir.resolve("lib/library.json"), "{\"id\": \"linked\", \"version\": \"1\"}");
        Files.createSymbolicLink(library.resolve("passwd"), Path.of("/etc/passwd"));
        Path zip = dir.resolve("linked.zip");
        Process zipping = new ProcessBuilder("/usr/bin/zip", "-q", "-r", "-y", zip.toString(), "library.json", "python")
                .directory(dir.resolve("lib").toFile()).inheritIO().start();
        assertThat(zipping.waitFor()).isZero();
        assertThat(LibraryArchive.symbolicLinks(zip)).containsExactly("python/passwd");
        Path root = dir.resolve("libraries");
        assertThatThrownBy(() -> LibraryArchive.unpack(zip, root)).isInstanceOf(IOException.class)
                .hasMessageContaining("\"python/passwd\" is a symbolic link");
        try (var left = Files.list(root)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void aFileThatIsNoZipIsRefusedSayingSo(@TempDir Path dir) throws Exception {
        Path zip = Files.writeString(dir.resolve("library.zip"), "not a zip at all");
        assertThatThrownBy(() -> LibraryArchive.unpack(zip, dir.resolve("libraries"))).isInstanceOf(IOException.class)
                .hasMessageContaining("not a zip file");
    }
}
