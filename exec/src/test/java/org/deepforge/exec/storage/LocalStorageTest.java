package org.deepforge.exec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageTest {
    @TempDir
    Path dir;

    @Test
    void storesByContentOnceAndReadsBack() throws Exception {
        LocalStorage storage = new LocalStorage(dir.resolve("store"));
        StorageAdapter.Stored a = storage.put(new ByteArrayInputStream("hello".getBytes()), n -> { });
        StorageAdapter.Stored b = storage.put(new ByteArrayInputStream("hello".getBytes()), n -> { });
        assertThat(a).isEqualTo(b);
        assertThat(a.sha256()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(a.size()).isEqualTo(5);
        try (InputStream in = storage.get(a.key())) {
            assertThat(new String(in.readAllBytes())).isEqualTo("hello");
        }
        assertThatThrownBy(() -> storage.get("../../etc/passwd")).hasMessageContaining("not a storage key");
        assertThatThrownBy(() -> storage.get("0".repeat(64))).hasMessageContaining("not in the artifact store");
        storage.delete(a.key());
        assertThat(storage.stat(a.key())).isEmpty();
    }

    @Test
    void runningOutOfSpaceIsAClearErrorAndLeavesNothingHalfWritten() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", small.toString()).redirectErrorStream(true).start();
        mount.getInputStream().readAllBytes();
        assumeTrue(mount.waitFor() == 0, "needs permission to mount a small tmpfs");
        try {
            LocalStorage storage = new LocalStorage(small.resolve("store"));
            byte[] big = new byte[2 << 20];
            assertThatThrownBy(() -> storage.put(new ByteArrayInputStream(big), n -> { }))
                    .isInstanceOf(StorageException.class).hasMessageContaining("out of space");
            try (Stream<Path> files = Files.walk(small.resolve("store"))) {
                assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
            }
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }
}
