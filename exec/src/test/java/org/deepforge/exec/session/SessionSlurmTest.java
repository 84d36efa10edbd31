package org.deepforge.exec.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.compute.SlurmCluster;
import org.deepforge.exec.compute.SlurmCompute;
import org.deepforge.exec.session.Sessions.Cell;
import org.deepforge.exec.session.Sessions.Info;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session as a Slurm batch job on the single-node test cluster (see {@link SlurmCluster}), its agent connecting back over TCP. */
class SessionSlurmTest {
    static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    Path data;
    SessionManager sessions;

    @AfterEach
    void close() {
        if (sessions != null) {
            sessions.list("p1").forEach(s -> sessions.stop(s.id()));
            sessions.close();
        }
    }

    @Test
    void aSlurmSessionConnectsBackOverTcpRunsCellsSurvivesAServerRestartAndEndsWithItsJob() throws Exception {
        SlurmCompute slurm = new SlurmCompute(SlurmCluster.clientEnv());
        SessionManager.Config config = SessionManager.Config.of(data.resolve("sessions"), data.resolve("runs.db"), SessionAgentProtocolTest.RUNTIME)
                .withAgentAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sessions = new SessionManager(config, Map.of("slurm", slurm), ArchitectureModules.NONE);
        JsonNode cpus = Json.MAPPER.createObjectNode().put("cpus", 1);
        Info s = sessions.start(new Sessions.Start("p1", "ann", "main", "c0ffee", Json.MAPPER.createObjectNode(), "slurm", cpus));
        Path dir = data.resolve("sessions").resolve(s.id());
        JsonNode json = Json.MAPPER.readTree(dir.resolve("session.json").toFile());
        assertThat(json.path("connect").asText()).matches("tcp:127\\.0\\.0\\.1:\\d+");
        assertThat(Files.isSymbolicLink(dir.resolve("deepforge"))).as("the runtime is copied for a remote adapter").isFalse();
        assertThat(dir.resolve("deepforge/session/agent.py")).exists();

        Cell set = sessions.execute(s.id(), "x = 21 * 2", "console");
        assertThat(sessions.await(s.id(), set.id(), WAIT).state()).isEqualTo("ok");
        Cell x = sessions.execute(s.id(), "x", "console");
        Cell done = sessions.await(s.id(), x.id(), WAIT);
        assertThat(done.outputs()).anySatisfy(o -> assertThat(o.path("data").path("text/plain").asText()).isEqualTo("42"));

        sessions.close(); // a restarted server listens on the same (ephemeral) port again, and the agent comes back
        sessions = new SessionManager(config, Map.of("slurm", slurm), ArchitectureModules.NONE);
        Cell again = sessions.execute(s.id(), "x", "console");
        assertThat(sessions.await(s.id(), again.id(), WAIT).outputs())
                .anySatisfy(o -> assertThat(o.path("data").path("text/plain").asText()).isEqualTo("42"));

        sessions.stop(s.id());
        assertThat(sessions.get(s.id()).orElseThrow().state()).isEqualTo("stopped");
        await().atMost(WAIT).until(() -> SessionManagerTest.processesIn(dir).isEmpty());
    }
}
