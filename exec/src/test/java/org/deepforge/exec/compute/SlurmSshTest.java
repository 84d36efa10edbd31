package org.deepforge.exec.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deepforge.exec.compute.ComputeAdapter.Handle;
import org.deepforge.exec.compute.ComputeAdapter.State;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Slurm adapter over SSH: a private sshd on loopback (its own host key, authorized key and config, started and
 * stopped by this test) plays the cluster's login node, whose Slurm is the local test cluster. Skipped where
 * openssh-server is not installed.
 */
class SlurmSshTest {
    static Path dir;
    static Process sshd;
    static int port;
    static SlurmCompute slurm;

    @BeforeAll
    static void loginNode() throws Exception {
        Map<String, String> env = SlurmCluster.clientEnv();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")) && Files.isExecutable(Path.of("/usr/bin/ssh")),
                "openssh-server and openssh-client are not installed");
        dir = Files.createTempDirectory(Path.of("/tmp"), "dfssh");
        keygen(dir.resolve("host_key"));
        keygen(dir.resolve("id"));
        Files.copy(dir.resolve("id.pub"), dir.resolve("authorized_keys"));
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + Files.readString(dir.resolve("host_key.pub")));
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
        Files.writeString(dir.resolve("sshd_config"), """
                Port %d
                ListenAddress 127.0.0.1
                HostKey %s/host_key
                PidFile %s/sshd.pid
                AuthorizedKeysFile %s/authorized_keys
                PermitRootLogin prohibit-password
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                StrictModes no
                SetEnv SLURM_CONF=%s
                """.formatted(port, dir, dir, dir, env.get("SLURM_CONF")));
        sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        // the server's own Slurm client points nowhere: everything must go through the login node
        slurm = new SlurmCompute(Map.of("SLURM_CONF", "/nonexistent/slurm.conf"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dir != null) {
            // the shared connection's master would otherwise linger for its ControlPersist time
            new ProcessBuilder("ssh", "-o", "ControlPath=/tmp/deepforge-ssh-" + System.getProperty("user.name") + "/%C",
                    "-p", Integer.toString(port), "-O", "exit", System.getProperty("user.name") + "@127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        }
        if (sshd != null) {
            sshd.destroy();
            sshd.waitFor(5, TimeUnit.SECONDS);
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    static ObjectNode config(int sshPort) {
        ObjectNode config = Json.MAPPER.createObjectNode().put("cpus", 1);
        config.putObject("ssh").put("host", "127.0.0.1").put("port", sshPort).put("user", System.getProperty("user.name"))
                .put("identityFile", dir.resolve("id").toString()).put("knownHostsFile", dir.resolve("known_hosts").toString());
        return config;
    }

    @Test
    void aJobSubmittedThroughTheLoginNodeRunsAndIsFoundAgainAfterARestart() throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("run-ssh").resolve("job"));
        Files.writeString(bundle.resolve("main.py"), "import os, time\nprint('over ssh', os.environ['SLURM_JOB_ID'], flush=True)\n"
                + "time.sleep(600)\n");
        Handle h = slurm.submit(bundle, Map.of(), config(port));
        await().atMost(Duration.ofSeconds(30)).until(() -> slurm.state(h) instanceof State.Running);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(bundle.resolve("console.log"))
                && Files.readString(bundle.resolve("console.log")).contains("over ssh " + h.ref()));
        assertThat(Json.MAPPER.readTree(bundle.resolve("slurm.json").toFile()).path("ssh").path("host").asText()).isEqualTo("127.0.0.1");

        JsonNode status = slurm.status(config(port));
        assertThat(status.has("errors")).as(status.toString()).isFalse();
        assertThat(status.path("jobs").findValuesAsText("id")).contains(h.ref());

        // after a restart only the handle is known: slurm.json in the bundle says which login node runs the job
        SlurmCompute restarted = new SlurmCompute(Map.of("SLURM_CONF", "/nonexistent/slurm.conf"));
        Handle found = new Handle("slurm", h.ref(), h.bundle());
        assertThat(restarted.state(found)).isInstanceOf(State.Running.class);
        restarted.cancel(found);
        State s = restarted.state(found);
        assertThat(s).isInstanceOf(State.Exited.class);
        assertThat(((State.Exited) s).reason()).startsWith("CANCELLED");
    }

    @Test
    void anUnreachableLoginNodeFailsTheSubmissionWithSshsMessage() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path bundle = Files.createDirectories(dir.resolve("run-ssh").resolve("unreachable"));
        Files.writeString(bundle.resolve("main.py"), "print('never')\n");
        assertThatThrownBy(() -> slurm.submit(bundle, Map.of(), config(closed))).isInstanceOf(IOException.class)
                .hasMessageContaining("Connection refused");
    }

    private static void keygen(Path key) throws Exception {
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
}
