package org.deepforge.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deepforge.server.http.BadRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a hostile session may leave where the server reads a save: only a regular file below real directories is read. */
class SessionOutputsTest {
    @TempDir
    Path tmp;

    Path session() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("session"));
        Files.writeString(tmp.resolve("secret"), "the server's own file");
        return dir;
    }

    @Test
    void aRegularFileIsCopiedWithItsSha256() throws Exception {
        Path dir = session();
        Files.createDirectories(dir.resolve("outputs/o1"));
        Files.writeString(dir.resolve("outputs/o1/data"), "abc");
        SessionOutputs.Copied c = SessionOutputs.copy(dir.resolve("outputs"), "o1", 10, tmp.resolve("copy"));
        assertThat(c.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(c.size()).isEqualTo(3);
        assertThat(Files.readString(tmp.resolve("copy"), StandardCharsets.UTF_8)).isEqualTo("abc");
    }

    @Test
    void linksAnywhereOnTheWayAreRefused() throws Exception {
        Path dir = session();
        Files.createDirectories(dir.resolve("outputs/o1"));
        Files.createSymbolicLink(dir.resolve("outputs/o1/data"), tmp.resolve("secret"));
        assertRefused(dir, "o1", "symbolic link");

        Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(tmp.resolve("elsewhere/data"), "not the session's");
        Files.createSymbolicLink(dir.resolve("outputs/o2"), tmp.resolve("elsewhere"));
        assertRefused(dir, "o2", "symbolic link");

        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.createDirectories(tmp.resolve("outside/o3"));
        Files.writeString(tmp.resolve("outside/o3/data"), "not the session's");
        Files.createSymbolicLink(other.resolve("outputs"), tmp.resolve("outside"));
        assertThatThrownBy(() -> SessionOutputs.copy(other.resolve("outputs"), "o3", 100, tmp.resolve("copy")))
                .isInstanceOf(BadRequest.class).hasMessageContaining("outputs/ is a symbolic link");
        assertThat(tmp.resolve("copy")).doesNotExist();
    }

    @Test
    void aFifoADirectoryATooLargeFileAndAMissingOneAreRefused() throws Exception {
        Path dir = session();
        Files.createDirectories(dir.resolve("outputs/fifo"));
        assertThat(new ProcessBuilder("mkfifo", dir.resolve("outputs/fifo/data").toString()).start().waitFor()).isZero();
        assertRefused(dir, "fifo", "not a regular file");

        Files.createDirectories(dir.resolve("outputs/dir/data"));
        assertRefused(dir, "dir", "not a regular file");

        Files.createDirectories(dir.resolve("outputs/big"));
        Files.write(dir.resolve("outputs/big/data"), new byte[101]);
        assertRefused(dir, "big", "at most 100");

        Files.createDirectories(dir.resolve("outputs/none"));
        assertRefused(dir, "none", "does not exist");
        assertRefused(dir, "nothing", "does not exist");
    }

    private void assertRefused(Path dir, String output, String why) {
        assertThatThrownBy(() -> SessionOutputs.copy(dir.resolve("outputs"), output, 100, tmp.resolve("copy")))
                .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(422))
                .hasMessageContaining(why);
    }
}
