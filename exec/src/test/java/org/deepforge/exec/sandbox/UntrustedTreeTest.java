package org.deepforge.exec.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UntrustedTreeTest {
    @TempDir
    Path tmp;

    @Test
    void deletesLinksNotTheirTargetsAndDirectoriesItsWriterLockedUp() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious"), "keep");
        Path tree = Files.createDirectories(tmp.resolve("run/job/outputs/x"));
        Files.createSymbolicLink(tree.resolve("data"), precious);
        Files.createSymbolicLink(tree.resolve("dir"), outside);
        Path locked = Files.createDirectories(tmp.resolve("run/job/locked/deeper"));
        Files.writeString(locked.resolve("f"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(locked.getParent(), PosixFilePermissions.fromString("r-x------"));

        UntrustedTree.delete(tmp.resolve("run"));

        assertThat(tmp.resolve("run")).doesNotExist();
        assertThat(precious).hasContent("keep");
        assertThat(outside).isDirectory();
        UntrustedTree.delete(tmp.resolve("run")); // nothing there: nothing to do
    }

    @Test
    void aLinkInPlaceOfTheTreeIsDeletedItself() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("f"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("run"), outside);
        UntrustedTree.delete(link);
        assertThat(link).doesNotExist();
        assertThat(outside.resolve("f")).hasContent("keep");
    }
}
