package org.deepforge.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.server.http.BadRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading into a session's inputs/: verified data moved in whole, never written through a link the session planted. */
class SessionInputsTest {
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path tmp;

    static Artifact artifact(String sha256) {
        return Artifact.of("a1", Json.MAPPER.createObjectNode().put("name", "abc").put("type", "file").set("storage",
                Json.MAPPER.createObjectNode().put("adapter", "memory").put("key", "k").put("sha256", sha256).put("size", 3)));
    }

    /** Storage holding "abc" under every key. */
    static final StorageAdapter ABC_STORAGE = new StorageAdapter() {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public Stored put(InputStream in, LongConsumer onProgress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream get(String key) {
            return new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Optional<Stored> stat(String key) {
            return Optional.of(new Stored("memory", key, ABC, 3));
        }

        @Override
        public void delete(String key) {}
    };

    @Test
    void theDataAndItsMetaArriveTogetherAndALaterLoadReusesThem() throws Exception {
        Path session = Files.createDirectories(tmp.resolve("session"));
        String name = SessionInputs.place(session.resolve("inputs"), tmp.resolve("staging"), artifact(ABC), ABC_STORAGE);
        assertThat(Files.readString(session.resolve("inputs").resolve(name).resolve("data"))).isEqualTo("abc");
        assertThat(Json.MAPPER.readTree(session.resolve("inputs").resolve(name).resolve("meta.json").toFile()).get("sha256").asText()).isEqualTo(ABC);
        assertThat(SessionInputs.place(session.resolve("inputs"), tmp.resolve("staging"), artifact(ABC), ABC_STORAGE)).isEqualTo(name);
        try (var left = Files.list(tmp.resolve("staging"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void dataThatNoLongerMatchesItsHashIsNotPlaced() throws Exception {
        Path session = Files.createDirectories(tmp.resolve("session"));
        assertThatThrownBy(() -> SessionInputs.place(session.resolve("inputs"), tmp.resolve("staging"), artifact("0".repeat(64)), ABC_STORAGE))
                .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(409)).hasMessageContaining("sha256");
        try (var placed = Files.list(session.resolve("inputs"))) {
            assertThat(placed).isEmpty();
        }
    }

    @Test
    void anInputsDirectoryTheSessionReplacedWithALinkIsNeverWrittenThrough() throws Exception {
        Path session = Files.createDirectories(tmp.resolve("session"));
        Path victim = Files.createDirectories(tmp.resolve("server-data"));
        Files.createSymbolicLink(session.resolve("inputs"), victim);
        assertThatThrownBy(() -> SessionInputs.place(session.resolve("inputs"), tmp.resolve("staging"), artifact(ABC), ABC_STORAGE))
                .isInstanceOfSatisfying(BadRequest.class, e -> assertThat(e.status()).isEqualTo(409)).hasMessageContaining("inputs/");
        try (var written = Files.list(victim)) {
            assertThat(written).isEmpty();
        }
    }
}
