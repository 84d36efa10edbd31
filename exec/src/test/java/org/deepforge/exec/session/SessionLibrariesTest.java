package org.deepforge.exec.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.bundle.FakeLibrary;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.session.Sessions.Info;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session of a project with a library (docs/libraries.md): its kernel, in the local sandbox, has imported the library at start. */
class SessionLibrariesTest {
    @TempDir
    Path data;
    SessionManager sessions;

    @AfterEach
    void stopAll() {
        if (sessions != null) {
            sessions.list("p1").forEach(s -> sessions.stop(s.id()));
            sessions.close();
        }
    }

    @Test
    void theKernelHasImportedTheProjectsLibrariesAndTheirSerializersAreRegistered() throws Exception {
        var packages = FakeLibrary.write(data.resolve("library"));
        SessionManager.Config config = SessionManager.Config.of(data.resolve("sessions"), data.resolve("runs.db"), SessionManagerTest.RUNTIME);
        sessions = new SessionManager(config, Map.of("local", new LocalCompute("/usr/bin/python3", 1)), ArchitectureModules.NONE,
                FakeLibrary.always(packages));
        Info s = sessions.start(SessionManagerTest.start());
        Path dir = data.resolve("sessions").resolve(s.id());
        assertThat(Files.isSymbolicLink(dir.resolve("fakelib"))).as("linked for a local session, as the runtime is").isTrue();
        JsonNode json = Json.MAPPER.readTree(dir.resolve("session.json").toFile());
        assertThat(json.path("libraries").get(0).asText()).isEqualTo("fakelib");

        Sessions.Cell imported = sessions.await(s.id(), sessions.execute(s.id(),
                "import sys\nprint('before any cell:', 'fakelib' in sys.modules)", "console").id(), SessionManagerTest.WAIT);
        assertThat(SessionManagerTest.text(imported)).as("%s", imported.outputs()).contains("before any cell: True");
        Sessions.Cell registered = sessions.await(s.id(), sessions.execute(s.id(),
                "import fakelib\nfrom deepforge import serialization\n"
                        + "print(serialization.entry_for(fakelib.Thing(1)).name)", "console").id(), SessionManagerTest.WAIT);
        assertThat(SessionManagerTest.text(registered)).as("%s", registered.outputs()).contains("fakelib.Thing");
    }
}
