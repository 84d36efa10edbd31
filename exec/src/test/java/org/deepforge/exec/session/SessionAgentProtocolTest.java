package org.deepforge.exec.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.session.Sessions.Cell;
import org.deepforge.exec.session.Sessions.Info;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's side of the agent protocol against a Java stand-in agent: the handshake, validation, cells, reattaching. */
class SessionAgentProtocolTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path RUNTIME = Path.of("..", "python").toAbsolutePath().normalize();

    @TempDir
    Path data;
    FakeCompute compute;
    SessionManager sessions;
    final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        compute = new FakeCompute("local");
        sessions = manager(SessionManager.Config.of(data.resolve("sessions"), data.resolve("runs.db"), RUNTIME));
    }

    SessionManager manager(SessionManager.Config config) {
        SessionManager m = new SessionManager(config, Map.of("local", compute), SessionAgentProtocolTest::generate);
        m.listen(new Sessions.Listener() {
            @Override
            public void status(Info session) {
                events.add("status " + session.state());
            }

            @Override
            public void cell(Cell cell) {
                events.add("cell " + cell.index() + " " + cell.state());
            }

            @Override
            public void output(String session, String cell, JsonNode output) {
                events.add("output " + output.path("kind").asText());
            }
        });
        return m;
    }

    @AfterEach
    void close() {
        sessions.close();
    }

    /** Code generation as nn does it, for architectures named like classes; others fail as a half-drawn one does. */
    static ArchitectureModules.Module generate(JsonNode architecture) {
        String name = architecture.path("name").asText();
        if (!name.matches("[A-Z]\\w*")) {
            throw new IllegalArgumentException(name + " is not finished");
        }
        return new ArchitectureModules.Module(name, "class " + name + ":\n    pass\n");
    }

    static Sessions.Start start(String owner) throws java.io.IOException {
        JsonNode model = Json.MAPPER.readTree("""
                {"operations": {"Op": {"code": "class Op:\\n    pass\\n"}},
                 "architectures": {"a1": {"name": "Convnet"}, "a2": {"name": "half drawn"}}}""");
        return new Sessions.Start("p1", owner, "main", "c0ffee", model, "local", Json.MAPPER.createObjectNode());
    }

    Path dir(Info s) {
        return data.resolve("sessions").resolve(s.id());
    }

    @Test
    void startWritesTheSessionDirectoryWithASecretOnlyTheOwnerReadsAndNoSecretInTheEnvironment() throws Exception {
        Info s = sessions.start(start("ann"));
        Path dir = dir(s);
        assertThat(s.state()).isEqualTo("starting");
        assertThat(Files.readString(dir.resolve("main.py"))).contains("from deepforge.session.agent import main");
        JsonNode json = Json.MAPPER.readTree(dir.resolve("session.json").toFile());
        assertThat(json.path("session").asText()).isEqualTo(s.id());
        assertThat(json.path("connect").asText()).isEqualTo("unix:agent.sock");
        assertThat(json.path("commit").asText()).isEqualTo("c0ffee");
        assertThat(json.path("idleTimeoutSeconds").asLong()).isEqualTo(1800);
        assertThat(json.path("architectures").toString())
                .isEqualTo("{\"a1\":{\"class\":\"Convnet\",\"module\":\"architectures.a1\",\"name\":\"Convnet\"}}");
        assertThat(Files.readString(dir.resolve("architectures/a1.py"))).contains("class Convnet");
        assertThat(dir.resolve("architectures/a2.py")).as("an architecture that does not generate is left out").doesNotExist();
        String secret = Files.readString(dir.resolve("secret"));
        assertThat(secret).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secret")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("operations/Op.py"))).contains("class Op");
        assertThat(Files.isSymbolicLink(dir.resolve("deepforge"))).as("the runtime is linked for a local session").isTrue();
        assertThat(dir.resolve("home")).isDirectory();
        assertThat(dir.resolve("agent.sock")).exists();
        assertThat(compute.environments.get("1").values()).noneMatch(v -> v.contains(secret));
        assertThat(sessions.inputs(s.id())).isEqualTo(dir.resolve("inputs"));
    }

    @Test
    void aHelloWithAWrongSecretSessionOrProtocolGetsNoWelcome() throws Exception {
        Info s = sessions.start(start("ann"));
        String secret = Files.readString(dir(s).resolve("secret"));
        String wrong = (secret.charAt(0) == 'a' ? "b" : "a") + secret.substring(1);
        for (String[] hello : List.of(new String[] {s.id(), wrong, "1"}, new String[] {"0000000000000000", secret, "1"},
                new String[] {s.id(), secret, "2"}, new String[] {s.id(), "", "1"})) {
            try (FakeAgent a = new FakeAgent(dir(s))) {
                a.hello(hello[0], hello[1], Integer.parseInt(hello[2]));
                assertThat(a.next()).as(Arrays.toString(hello)).isSameAs(FakeAgent.CLOSED);
            }
        }
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            await().atMost(WAIT).until(() -> sessions.get(s.id()).orElseThrow().environment().path("python").asText().equals("3.11.2"));
            assertThat(sessions.get(s.id()).orElseThrow().environment().has("nested")).as("only scalar values").isFalse();
        }
    }

    @Test
    void junkOrAnOversizeLineBeforeTheWelcomeClosesTheConnection() throws Exception {
        Info s = sessions.start(start("ann"));
        try (FakeAgent a = new FakeAgent(dir(s))) {
            a.send("this is not JSON");
            assertThat(a.next()).isSameAs(FakeAgent.CLOSED);
        }
        try (FakeAgent a = new FakeAgent(dir(s))) {
            a.send("{\"type\":\"status\",\"state\":\"idle\"}");
            assertThat(a.next()).as("anything but a hello first").isSameAs(FakeAgent.CLOSED);
        }
        try (FakeAgent a = new FakeAgent(dir(s))) {
            byte[] big = new byte[AgentConnection.MAX_HELLO + 10];
            Arrays.fill(big, (byte) 'x');
            try {
                a.sendRaw(big);
            } catch (java.io.IOException e) {
                // the server may close before reading it all
            }
            assertThat(a.next()).isSameAs(FakeAgent.CLOSED);
        }
    }

    @Test
    void cellsGoOneAtATimeInOrderAndOnlyValidatedOutputsOfTheRunningCellAreKept() throws Exception {
        Info s = sessions.start(start("ann"));
        Cell first = sessions.execute(s.id(), "x = 21 * 2", "console");
        Cell second = sessions.execute(s.id(), "x", "console");
        assertThat(first.state()).as("no agent yet").isEqualTo("queued");
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            JsonNode execute = a.next("execute");
            assertThat(execute.path("id").asText()).isEqualTo(first.id());
            assertThat(execute.path("code").asText()).isEqualTo("x = 21 * 2");
            await().atMost(WAIT).until(() -> sessions.cell(s.id(), first.id()).orElseThrow().state().equals("running"));
            assertThat(sessions.cell(s.id(), second.id()).orElseThrow().state()).isEqualTo("queued");
            a.send("{\"type\":\"status\",\"state\":\"busy\"}");
            a.send("{\"type\":\"output\",\"id\":\"" + second.id() + "\",\"output\":{\"kind\":\"stream\",\"name\":\"stdout\",\"text\":\"not running\"}}");
            a.send("{\"type\":\"output\",\"id\":\"" + first.id() + "\",\"output\":{\"kind\":\"stream\",\"name\":\"stdout\",\"text\":\"hi\\n\",\"extra\":1}}");
            a.send("{\"type\":\"output\",\"id\":\"" + first.id() + "\",\"output\":{\"kind\":\"script\",\"text\":\"<script>\"}}");
            a.send("{\"type\":\"output\",\"id\":\"" + first.id() + "\",\"output\":{\"kind\":\"stream\",\"name\":\"stdin\",\"text\":\"x\"}}");
            a.send("{\"type\":\"output\",\"id\":\"" + first.id() + "\",\"output\":{\"kind\":\"display\",\"data\":{\"text/plain\":\"p\","
                    + "\"image/png\":{\"not\":\"text\"},\"application/vnd.deepforge.metric+json\":{\"value\":1},\"BAD TYPE\":\"x\"}}}");
            a.send("{\"type\":\"rootkit\",\"id\":\"" + first.id() + "\"}");
            a.send("[1, 2, 3]");
            a.send("{\"type\":\"done\",\"id\":\"" + first.id() + "\",\"status\":\"ok\",\"executionCount\":1}");
            JsonNode next = a.next("execute");
            assertThat(next.path("id").asText()).as("the next cell once the first is done").isEqualTo(second.id());
            Cell done = sessions.cell(s.id(), first.id()).orElseThrow();
            assertThat(done.state()).isEqualTo("ok");
            assertThat(done.executionCount()).isEqualTo(1);
            assertThat(done.finished()).isNotNull();
            assertThat(done.outputs()).extracting(JsonNode::toString).containsExactly(
                    "{\"kind\":\"stream\",\"name\":\"stdout\",\"text\":\"hi\\n\"}",
                    "{\"kind\":\"display\",\"data\":{\"text/plain\":\"p\",\"application/vnd.deepforge.metric+json\":{\"value\":1}}}");
            assertThat(sessions.get(s.id()).orElseThrow().state()).isEqualTo("busy");
            a.send("{\"type\":\"output\",\"id\":\"" + second.id() + "\",\"output\":{\"kind\":\"result\",\"executionCount\":2,\"data\":{\"text/plain\":\"42\"}}}");
            a.send("{\"type\":\"done\",\"id\":\"" + second.id() + "\",\"status\":\"ok\",\"executionCount\":2}");
            Cell result = sessions.await(s.id(), second.id(), WAIT);
            assertThat(result.state()).isEqualTo("ok");
            assertThat(result.outputs().get(0).path("data").path("text/plain").asText()).isEqualTo("42");
            assertThat(events).contains("cell 1 queued", "cell 1 running", "cell 1 ok", "output stream", "output display", "output result");
            assertThat(events).doesNotContain("output script");
        }
    }

    @Test
    void anOversizeLineAfterTheWelcomeIsDroppedAndTheConnectionStays() throws Exception {
        Info s = sessions.start(start("ann"));
        Cell cell = sessions.execute(s.id(), "print('x' * 20_000_000)", "console");
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            a.next("execute");
            String prefix = "{\"type\":\"output\",\"id\":\"" + cell.id() + "\",\"output\":{\"kind\":\"stream\",\"name\":\"stdout\",\"text\":\"";
            byte[] line = new byte[AgentConnection.MAX_LINE + 100];
            Arrays.fill(line, (byte) 'x');
            System.arraycopy(prefix.getBytes(StandardCharsets.UTF_8), 0, line, 0, prefix.length());
            byte[] end = "\"}}\n".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(end, 0, line, line.length - end.length, end.length);
            a.sendRaw(line);
            a.send(prefix + "small\"}}");
            a.send("{\"type\":\"done\",\"id\":\"" + cell.id() + "\",\"status\":\"ok\"}");
            Cell done = sessions.await(s.id(), cell.id(), WAIT);
            assertThat(done.state()).isEqualTo("ok");
            assertThat(done.outputs()).extracting(o -> o.path("text").asText()).containsExactly("small");
        }
    }

    @Test
    void outputsPastOneMebibyteAreNotStoredButNoted() throws Exception {
        Info s = sessions.start(start("ann"));
        Cell cell = sessions.execute(s.id(), "for i in range(5): print('x' * 300_000)", "console");
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            a.next("execute");
            String text = "x".repeat(300_000);
            for (int i = 0; i < 5; i++) {
                a.send("{\"type\":\"output\",\"id\":\"" + cell.id() + "\",\"output\":{\"kind\":\"stream\",\"name\":\"stdout\",\"text\":\"" + text + "\"}}");
            }
            a.send("{\"type\":\"done\",\"id\":\"" + cell.id() + "\",\"status\":\"ok\"}");
            Cell done = sessions.await(s.id(), cell.id(), WAIT);
            assertThat(done.outputs()).hasSize(4);
            assertThat(done.outputs().get(3).path("text").asText()).contains("passed 1 MiB");
            await().atMost(WAIT).until(() -> events.stream().filter(e -> e.equals("output stream")).count() == 5);
        }
    }

    @Test
    void aCellRunningWhenTheConnectionDropsFinishesAfterTheAgentReconnects() throws Exception {
        Info s = sessions.start(start("ann"));
        Cell first = sessions.execute(s.id(), "import time; time.sleep(5)", "console");
        Cell second = sessions.execute(s.id(), "1", "console");
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            a.next("execute");
        }
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            assertThat(sessions.cell(s.id(), first.id()).orElseThrow().state()).isEqualTo("running");
            a.send("{\"type\":\"done\",\"id\":\"" + first.id() + "\",\"status\":\"ok\"}");
            JsonNode execute = a.next("execute");
            assertThat(execute.path("id").asText()).as("the running cell is not sent twice").isEqualTo(second.id());
        }
    }

    @Test
    void aNewManagerListensAgainForTheAgentsOfRunningSessions() throws Exception {
        Info s = sessions.start(start("ann"));
        Cell cell = sessions.execute(s.id(), "x = 1", "console");
        FakeAgent a = FakeAgent.welcomed(dir(s), s.id());
        a.next("execute");
        sessions.close();
        assertThat(a.next()).isSameAs(FakeAgent.CLOSED);
        sessions = manager(SessionManager.Config.of(data.resolve("sessions"), data.resolve("runs.db"), RUNTIME));
        assertThat(sessions.list("p1")).extracting(Info::id).containsExactly(s.id());
        try (FakeAgent again = FakeAgent.welcomed(dir(s), s.id())) {
            again.send("{\"type\":\"done\",\"id\":\"" + cell.id() + "\",\"status\":\"ok\"}");
            assertThat(sessions.await(s.id(), cell.id(), WAIT).state()).isEqualTo("ok");
        }
        compute.exit("1");
        sessions.close();
        sessions = manager(SessionManager.Config.of(data.resolve("sessions"), data.resolve("runs.db"), RUNTIME));
        Info lost = sessions.get(s.id()).orElseThrow();
        assertThat(lost.state()).isEqualTo("lost");
        assertThat(lost.reason()).contains("exited with code 0");
        assertThat(sessions.list("p1")).isEmpty();
    }

    @Test
    void anOwnerMayRunAsManySessionsAsTheLimitSays() throws Exception {
        Info one = sessions.start(start("ann"));
        sessions.start(start("ann"));
        sessions.start(start("bob"));
        assertThatThrownBy(() -> sessions.start(start("ann"))).isInstanceOf(Sessions.LimitReached.class)
                .hasMessageContaining("already run 2 sessions");
        sessions.stop(one.id()); // no agent: the grace period passes, then the adapter cancels it
        assertThat(compute.cancelled).contains("1");
        assertThat(sessions.get(one.id()).orElseThrow().state()).isEqualTo("stopped");
        assertThat(dir(one).resolve("agent.sock")).doesNotExist();
        assertThatThrownBy(() -> sessions.execute(one.id(), "1", "console")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stopped");
        sessions.start(start("ann"));
    }

    @Test
    void stopSendsShutdownAndAbortsTheCellsLeft() throws Exception {
        Info s = sessions.start(start("ann"));
        Cell running = sessions.execute(s.id(), "while True: pass", "console");
        Cell queued = sessions.execute(s.id(), "1", "console");
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            a.next("execute");
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> sessions.stop(s.id()));
            assertThat(a.next("shutdown").path("type").asText()).isEqualTo("shutdown");
            compute.exit("1");
            stop.get();
        }
        assertThat(sessions.cell(s.id(), running.id()).orElseThrow().state()).isEqualTo("aborted");
        assertThat(sessions.cell(s.id(), queued.id()).orElseThrow().state()).isEqualTo("aborted");
        assertThat(events).contains("status stopping", "status stopped");
    }

    @Test
    void aSessionWithoutCellActivityIsStoppedAfterTheIdleTimeout() throws Exception {
        sessions.close();
        sessions = manager(SessionManager.Config.of(data.resolve("sessions"), data.resolve("runs.db"), RUNTIME)
                .withIdleTimeout(Duration.ofSeconds(2)));
        Info s = sessions.start(start("ann"));
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            assertThat(a.next("shutdown").path("type").asText()).isEqualTo("shutdown");
            compute.exit("1");
        }
        await().atMost(WAIT).until(() -> sessions.get(s.id()).orElseThrow().state().equals("stopped"));
        assertThat(sessions.get(s.id()).orElseThrow().reason()).isEqualTo("idle for 2 seconds");
    }

    @Test
    void anAgentThatNeverConnectsFailsTheSessionAfterTheStartTimeout() throws Exception {
        sessions.close();
        sessions = manager(SessionManager.Config.of(data.resolve("sessions"), data.resolve("runs.db"), RUNTIME)
                .withStartTimeout(Duration.ofSeconds(1)));
        Info s = sessions.start(start("ann"));
        await().atMost(WAIT).until(() -> !sessions.get(s.id()).orElseThrow().state().matches("starting|stopping"));
        assertThat(sessions.get(s.id()).orElseThrow().reason()).contains("did not connect within 1 s");
    }

    @Test
    void anAgentOnTheTcpPortIsAdmittedOnlyForASessionOfAnAdapterThatConnectsOverTcp() throws Exception {
        sessions.close();
        FakeCompute remote = new FakeCompute("remote");
        sessions = new SessionManager(SessionManager.Config.of(data.resolve("sessions"), data.resolve("runs.db"), RUNTIME),
                Map.of("local", compute, "remote", remote), SessionAgentProtocolTest::generate);
        Info local = sessions.start(start("ann"));
        Sessions.Start start = start("ann");
        Info far = sessions.start(new Sessions.Start(start.project(), start.owner(), start.branch(), start.commit(), start.model(), "remote",
                start.config()));
        String connect = Json.MAPPER.readTree(dir(far).resolve("session.json").toFile()).path("connect").asText();
        assertThat(connect).startsWith("tcp:127.0.0.1:");
        assertThat(Files.isSymbolicLink(dir(far).resolve("deepforge"))).as("a copy of the runtime travels with it").isFalse();
        String address = connect.substring("tcp:".length());
        try (FakeAgent a = new FakeAgent(address)) {
            a.hello(local.id(), Files.readString(dir(local).resolve("secret")), 1);
            assertThat(a.next()).as("a local session's agent speaks only on its own socket").isSameAs(FakeAgent.CLOSED);
        }
        try (FakeAgent a = FakeAgent.welcomed(new FakeAgent(address), dir(far), far.id())) {
            Cell cell = sessions.execute(far.id(), "1 + 1", "console");
            assertThat(a.next("execute").path("id").asText()).isEqualTo(cell.id());
            a.send("{\"type\":\"resources\",\"rssBytes\":1000,\"cpuSeconds\":1.5,\"cuda\":false,\"evil\":\"x\"}");
            await().atMost(WAIT).until(() -> sessions.get(far.id()).orElseThrow().resources().path("rssBytes").asLong() == 1000);
            assertThat(sessions.get(far.id()).orElseThrow().resources().has("evil")).isFalse();
        }
    }

    @Test
    void interruptAndRestartReachTheAgentAndRestartAbortsTheCellsLeft() throws Exception {
        Info s = sessions.start(start("ann"));
        Cell running = sessions.execute(s.id(), "while True: pass", "console");
        Cell queued = sessions.execute(s.id(), "1", "console");
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            a.next("execute");
            sessions.interrupt(s.id());
            assertThat(a.next("interrupt").path("type").asText()).isEqualTo("interrupt");
            sessions.restart(s.id());
            assertThat(a.next("restart").path("type").asText()).isEqualTo("restart");
            assertThat(sessions.cell(s.id(), running.id()).orElseThrow().state()).isEqualTo("aborted");
            assertThat(sessions.cell(s.id(), queued.id()).orElseThrow().state()).isEqualTo("aborted");
            assertThat(sessions.get(s.id()).orElseThrow().state()).isEqualTo("restarting");
            a.send("{\"type\":\"done\",\"id\":\"" + running.id() + "\",\"status\":\"aborted\"}");
            a.send("{\"type\":\"status\",\"state\":\"idle\"}");
            await().atMost(WAIT).until(() -> sessions.get(s.id()).orElseThrow().state().equals("idle"));
            Cell next = sessions.execute(s.id(), "2", "console");
            assertThat(a.next("execute").path("id").asText()).isEqualTo(next.id());
        }
    }

    @Test
    void aDeadKernelFailsTheSessionUntilItComesBack() throws Exception {
        Info s = sessions.start(start("ann"));
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            a.send("{\"type\":\"status\",\"state\":\"dead\"}");
            await().atMost(WAIT).until(() -> sessions.get(s.id()).orElseThrow().state().equals("failed"));
            assertThat(sessions.get(s.id()).orElseThrow().reason()).contains("kernel died");
            assertThat(sessions.list("p1")).as("its process still runs").extracting(Info::id).containsExactly(s.id());
            assertThatThrownBy(() -> sessions.execute(s.id(), "1", "console")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("restart");
            sessions.restart(s.id());
            a.send("{\"type\":\"status\",\"state\":\"idle\"}");
            await().atMost(WAIT).until(() -> sessions.get(s.id()).orElseThrow().state().equals("idle"));
            assertThat(sessions.get(s.id()).orElseThrow().reason()).isNull();
        }
    }

    @Test
    void aSessionWhoseProcessEndsByItselfEndsWithTheReasonAndItsCellsAborted() throws Exception {
        Info s = sessions.start(start("ann"));
        Cell cell = sessions.execute(s.id(), "import os; os._exit(3)", "console");
        try (FakeAgent a = FakeAgent.welcomed(dir(s), s.id())) {
            a.next("execute");
        }
        Files.writeString(dir(s).resolve("console.log"), "Traceback ...\nImportError: no ipykernel\n");
        compute.exit("1");
        await().atMost(WAIT).until(() -> !sessions.get(s.id()).orElseThrow().state().equals("idle")
                && sessions.list("p1").isEmpty());
        Info ended = sessions.get(s.id()).orElseThrow();
        assertThat(ended.state()).isEqualTo("stopped");
        assertThat(ended.reason()).contains("exited with code 0").contains("ImportError: no ipykernel");
        assertThat(sessions.cell(s.id(), cell.id()).orElseThrow().state()).isEqualTo("aborted");
        assertThat(compute.cancelled).as("whatever it left behind is cancelled").contains("1");
    }

    @Test
    void aModelWhoseNamesArePathsIsRefusedAndWritesNothingOutsideTheSession() throws Exception {
        Sessions.Start good = start("ann");
        JsonNode model = Json.MAPPER.readTree("{\"utils\": {\"../../../escaped\": {\"code\": \"x = 1\"}}}");
        assertThatThrownBy(() -> sessions.start(new Sessions.Start("p1", "ann", "main", "c0ffee", model, "local", good.config())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be the name of a Python module");
        try (var files = Files.walk(data)) {
            assertThat(files.map(f -> f.getFileName().toString())).doesNotContain("escaped.py");
        }
        assertThat(sessions.list("p1")).isEmpty();
        assertThat(compute.submitted).isEmpty();
    }
}
