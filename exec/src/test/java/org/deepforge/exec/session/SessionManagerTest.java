package org.deepforge.exec.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.session.Sessions.Cell;
import org.deepforge.exec.session.Sessions.Info;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions end to end: the real agent (python/deepforge/session) and ipykernel on /usr/bin/python3, in the local adapter's sandbox. */
class SessionManagerTest {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final Path RUNTIME = Path.of("..", "python").toAbsolutePath().normalize();

    @TempDir
    Path data;
    final LocalCompute local = new LocalCompute("/usr/bin/python3", 1);
    SessionManager sessions;

    SessionManager.Config config() {
        return SessionManager.Config.of(data.resolve("sessions"), data.resolve("runs.db"), RUNTIME).withMaxPerUser(1);
    }

    SessionManager open(SessionManager.Config config) {
        return new SessionManager(config, Map.of("local", local), ArchitectureModules.NONE);
    }

    @AfterEach
    void stopAll() {
        if (sessions != null) {
            for (Info s : sessions.list("p1")) {
                sessions.stop(s.id());
            }
            sessions.close();
        }
    }

    static Sessions.Start start() {
        JsonNode model = Json.MAPPER.createObjectNode();
        ((com.fasterxml.jackson.databind.node.ObjectNode) model).putObject("utils").putObject("helpers").put("code", "ANSWER = 42\n");
        return new Sessions.Start("p1", "ann", "main", "c0ffee", model, "local", Json.MAPPER.createObjectNode());
    }

    Cell run(String session, String code) throws InterruptedException {
        Cell cell = sessions.execute(session, code, "console");
        Cell done = sessions.await(session, cell.id(), WAIT);
        assertThat(done.state()).as("cell %s: %s", code, done.outputs()).isIn("ok", "error", "aborted");
        return done;
    }

    static String text(Cell cell) {
        StringBuilder b = new StringBuilder();
        for (JsonNode o : cell.outputs()) {
            b.append(o.path("text").asText()).append(o.path("data").path("text/plain").asText())
                    .append(o.path("ename").asText()).append(o.path("evalue").asText());
        }
        return b.toString();
    }

    @Test
    void aLocalSessionRunsCellsKeepsItsVariablesAcrossAServerRestartAndLeavesNoProcessWhenStopped() throws Exception {
        Files.writeString(data.resolve("server-secret.txt"), "not for users");
        sessions = open(config());
        Info s = sessions.start(start());
        Path dir = data.resolve("sessions").resolve(s.id());

        assertThat(run(s.id(), "x = 21 * 2").state()).isEqualTo("ok");
        Cell x = run(s.id(), "x");
        assertThat(x.state()).isEqualTo("ok");
        assertThat(x.outputs()).anySatisfy(o -> {
            assertThat(o.path("kind").asText()).isEqualTo("result");
            assertThat(o.path("data").path("text/plain").asText()).isEqualTo("42");
        });
        assertThat(text(run(s.id(), "from utils.helpers import ANSWER; print(ANSWER)"))).contains("42");
        assertThat(sessions.get(s.id()).orElseThrow().environment().path("ipykernel").asText()).isNotEmpty();

        Cell error = run(s.id(), "1 / 0");
        assertThat(error.state()).isEqualTo("error");
        assertThat(error.outputs()).anySatisfy(o -> assertThat(o.path("ename").asText()).isEqualTo("ZeroDivisionError"));

        Cell sandboxed = run(s.id(), "open(" + Json.MAPPER.writeValueAsString(data.resolve("server-secret.txt").toString()) + ").read()");
        assertThat(sandboxed.state()).as("the data directory is not in the sandbox").isEqualTo("error");
        assertThat(text(sandboxed)).doesNotContain("not for users").contains("FileNotFoundError");

        assertThatThrownBy(() -> sessions.start(start())).isInstanceOf(Sessions.LimitReached.class);

        Path input = Files.createDirectories(sessions.inputs(s.id()).resolve("digits"));
        Files.writeString(input.resolve("data"), "placed by the server");
        assertThat(text(run(s.id(), "print(open('inputs/digits/data').read())"))).contains("placed by the server");
        Cell overwrite = run(s.id(), "open('inputs/digits/data', 'w').write('changed')");
        assertThat(overwrite.state()).as("inputs are read-only for the session").isEqualTo("error");
        assertThat(text(overwrite)).contains("Read-only file system");
        assertThat(Files.readString(input.resolve("data"))).isEqualTo("placed by the server");
        assertThat(run(s.id(), "import os; os.makedirs('outputs/y'); open('outputs/y/data', 'w').write('saved')").state()).isEqualTo("ok");
        assertThat(Files.readString(sessions.outputs(s.id()).resolve("y/data"))).isEqualTo("saved");

        Cell sleeping = sessions.execute(s.id(), "import time\nprint('sleeping', flush=True)\ntime.sleep(600)", "console");
        await().atMost(WAIT).until(() -> text(sessions.cell(s.id(), sleeping.id()).orElseThrow()).contains("sleeping"));
        sessions.interrupt(s.id());
        Cell interrupted = sessions.await(s.id(), sleeping.id(), WAIT);
        assertThat(interrupted.state()).isEqualTo("error");
        assertThat(text(interrupted)).contains("KeyboardInterrupt");

        sessions.close(); // the server stops; the session runs on
        sessions = open(config());
        assertThat(sessions.list("p1")).extracting(Info::id).containsExactly(s.id());
        assertThat(text(run(s.id(), "x"))).as("variables survive the server's restart").isEqualTo("42");

        sessions.restart(s.id());
        await().atMost(WAIT).until(() -> sessions.get(s.id()).orElseThrow().state().equals("idle"));
        Cell gone = run(s.id(), "x");
        assertThat(gone.state()).isEqualTo("error");
        assertThat(text(gone)).contains("NameError");

        assertThat(processesIn(dir)).as("the session's processes").isNotEmpty();
        sessions.stop(s.id());
        assertThat(sessions.get(s.id()).orElseThrow().state()).isEqualTo("stopped");
        assertThat(processesIn(dir)).as("nothing of the session runs once stopped").isEmpty();
        assertThat(dir.resolve("agent.sock")).doesNotExist();
        assertThat(sessions.list("p1")).isEmpty();
    }

    @Test
    void aSessionWithoutCellsIsStoppedWhenIdleAndLeavesNoProcess() throws Exception {
        sessions = open(config().withIdleTimeout(Duration.ofSeconds(3)));
        Info s = sessions.start(start());
        Path dir = data.resolve("sessions").resolve(s.id());
        await().atMost(WAIT).until(() -> sessions.get(s.id()).orElseThrow().state().equals("stopped"));
        assertThat(sessions.get(s.id()).orElseThrow().reason()).isEqualTo("idle for 3 seconds");
        assertThat(processesIn(dir)).isEmpty();
    }

    /** Processes whose working directory or command line is in {@code dir} (from /proc). */
    static List<String> processesIn(Path dir) throws IOException {
        String where = dir.toRealPath().toString();
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    String stat = Files.readString(p.resolve("stat"));
                    boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
                    String cwd = Files.readSymbolicLink(p.resolve("cwd")).toString();
                    if (!zombie && (cwd.startsWith(where) || cmdline.contains(where))) {
                        found.add(p.getFileName() + " " + cmdline);
                    }
                } catch (IOException | RuntimeException e) {
                    // it ended while we looked
                }
            }
        }
        return found;
    }
}
