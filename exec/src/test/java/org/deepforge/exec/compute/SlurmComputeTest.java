package org.deepforge.exec.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.deepforge.exec.compute.ComputeAdapter.Handle;
import org.deepforge.exec.compute.ComputeAdapter.State;
import org.deepforge.model.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slurm adapter against a real single-node Slurm (see {@link SlurmCluster}) running real Python jobs.
 * Slurm's time limits have a granularity of one minute and slurmctld checks them every 30 s, so the time-limit
 * job is submitted first and checked last; the other tests run meanwhile on the node's other CPU.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmComputeTest {
    static final Duration JOB = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static SlurmCompute slurm;
    static Handle timeLimited;

    @BeforeAll
    static void cluster() throws Exception {
        slurm = new SlurmCompute(SlurmCluster.clientEnv());
        timeLimited = slurm.submit(bundle("timeout", "import time\nprint('sleeping', flush=True)\ntime.sleep(600)\n"), Map.of(),
                config().put("timeLimit", "00:01:00"));
    }

    static ObjectNode config() {
        return Json.MAPPER.createObjectNode().put("cpus", 1);
    }

    static Path bundle(String name, String mainPy) throws IOException {
        Path b = Files.createDirectories(dir.resolve("run1").resolve(name));
        Files.writeString(b.resolve("main.py"), mainPy);
        return b;
    }

    static State finished(SlurmCompute compute, Handle handle) {
        await().atMost(JOB).pollInterval(Duration.ofMillis(50)).until(() -> compute.state(handle) instanceof State.Exited
                || compute.state(handle) instanceof State.Lost);
        return compute.state(handle);
    }

    @Test
    @Order(1)
    void consoleArrivesLiveAndTheJobSeesOnlyItsOwnEnvironment() throws Exception {
        String main = """
                import json, os, time
                json.dump(dict(os.environ), open("env.json", "w"))
                for i in range(40):
                    print("tick", i)
                    time.sleep(0.1)
                """;
        Path b = bundle("live", main);
        Handle h = slurm.submit(b, Map.of("JOB_VAR", "a b 'c' $HOME"), config());
        assertThat(h.adapter()).isEqualTo("slurm");
        assertThat(h.ref()).matches("\\d+");
        assertThat(slurm.state(h)).isInstanceOfAny(State.Waiting.class, State.Running.class);

        // a line arrives while the job still runs: python -u, and Slurm appends to the file as it goes
        await().atMost(JOB).pollInterval(Duration.ofMillis(20)).until(() -> Files.exists(b.resolve("console.log"))
                && Files.readString(b.resolve("console.log")).contains("tick 1\n"));
        assertThat(slurm.state(h)).isInstanceOf(State.Running.class);
        assertThat(Files.readString(b.resolve("console.log"))).doesNotContain("tick 39");

        assertThat(finished(slurm, h)).isEqualTo(new State.Exited(0));
        assertThat(Files.readString(b.resolve("console.log"))).contains("tick 39\n");

        JsonNode env = Json.MAPPER.readTree(b.resolve("env.json").toFile());
        assertThat(env.path("JOB_VAR").asText()).isEqualTo("a b 'c' $HOME");
        assertThat(env.path("DEEPFORGE_EVENTS").asText()).isEqualTo(b.resolve("events.jsonl").toString());
        assertThat(env.path("OMP_NUM_THREADS").asText()).isEqualTo("1");
        assertThat(env.path("PYTHONUNBUFFERED").asText()).isEqualTo("1");
        assertThat(env.path("SLURM_JOB_ID").asText()).isEqualTo(h.ref());
        List<String> names = new ArrayList<>();
        env.fieldNames().forEachRemaining(names::add);
        // the surefire configuration plants DEEPFORGE_TEST_SECRET in this JVM's environment as a canary
        assertThat(System.getenv("DEEPFORGE_TEST_SECRET")).as("canary set by exec/pom.xml").isNotNull();
        assertThat(names).filteredOn(n -> n.startsWith("DEEPFORGE_")).containsExactly("DEEPFORGE_EVENTS");
        assertThat(names).doesNotContain("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "DEEPFORGE_TEST_SECRET");
        for (String server : System.getenv().keySet()) {
            if (server.startsWith("MAVEN_") || server.startsWith("JAVA_") || server.matches(".*(SECRET|TOKEN|PASSWORD).*")) {
                assertThat(names).as("server variable " + server + " reached the job").doesNotContain(server);
            }
        }
        String script = Files.readString(b.resolve("slurm.sh"));
        assertThat(script).startsWith("#!/bin/bash\n").contains("#SBATCH --job-name=deepforge-run1-live\n",
                "#SBATCH --output=" + b + "/console.log\n", "#SBATCH --open-mode=append\n", "#SBATCH --chdir=" + b + "\n",
                "#SBATCH --export=NONE\n", "#SBATCH --cpus-per-task=1\n").endsWith("exec /usr/bin/python3 -u main.py\n");
    }

    @Test
    @Order(2)
    void aFailingJobExitsWithItsCodeAndSlurmsReason() throws Exception {
        Handle h = slurm.submit(bundle("fails", "import sys\nprint('bye')\nsys.exit(3)\n"), Map.of(), config());
        assertThat(finished(slurm, h)).isEqualTo(new State.Exited(3, "FAILED: exit code 3"));

        // long after the job, when slurmctld has forgotten it (MinJobAge), the job-completion log still knows
        SlurmTransport local = SlurmTransport.Local.of(SlurmCluster.clientEnv());
        List<String> asked = new ArrayList<>();
        SlurmTransport forgetful = (command, stdin) -> {
            asked.add(command.get(0) + (command.contains("-c") ? " -c" : ""));
            if (command.get(0).equals("squeue") || command.get(0).equals("scontrol")) {
                return new SlurmTransport.Result(1, "", "slurm_load_jobs error: Invalid job id specified");
            }
            return local.run(command, stdin);
        };
        assertThat(new SlurmQueue(forgetful, () -> {}).state(h.ref(), false)).isEqualTo(new State.Exited(3, "FAILED: exit code 3"));
        assertThat(asked).containsExactly("squeue", "scontrol", "sacct", "sacct -c");
    }

    @Test
    @Order(3)
    void scancelFromOutsideEndsTheJobAsCancelled() throws Exception {
        Path b = bundle("scancelled", "import time\nprint('up', flush=True)\ntime.sleep(600)\n");
        Handle h = slurm.submit(b, Map.of(), config());
        await().atMost(JOB).until(() -> slurm.state(h) instanceof State.Running);
        SlurmCluster.run("scancel", h.ref());
        State s = finished(slurm, h);
        assertThat(s).isInstanceOf(State.Exited.class);
        assertThat(((State.Exited) s).code()).isEqualTo(143);
        assertThat(((State.Exited) s).reason()).startsWith("CANCELLED by scancel");
    }

    @Test
    @Order(4)
    void cancelStopsTheJobAndItsChildrenWithinFiveSeconds() throws Exception {
        String marker = "deepforge-slurm-test-" + UUID.randomUUID();
        String main = """
                import os, subprocess, sys, time
                open("pid", "w").write(str(os.getpid()))
                subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "%s"])
                print("started", flush=True)
                time.sleep(600)
                """.formatted(marker);
        Path b = bundle("cancelled", main);
        Handle h = slurm.submit(b, Map.of(), config());
        await().atMost(JOB).until(() -> Files.exists(b.resolve("console.log")) && Files.readString(b.resolve("console.log")).contains("started"));
        long pid = Long.parseLong(Files.readString(b.resolve("pid")).strip());
        assertThat(pgrep(marker)).as("the job's child runs").isNotEmpty();

        long t0 = System.nanoTime();
        slurm.cancel(h);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        State s = slurm.state(h);
        System.out.printf("[slurm] cancel: job and its child gone in %d ms; state %s%n", millis, s);
        assertThat(millis).as("the cancel promise (docs/jobs.md)").isLessThan(5_000);
        assertThat(s).isInstanceOf(State.Exited.class);
        assertThat(((State.Exited) s).reason()).startsWith("CANCELLED");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("main.py's process").isFalse();
        assertThat(pgrep(marker)).as("the job's child").isEmpty();
    }

    @Test
    @Order(5)
    void aNewAdapterFindsARunningJobByItsHandle() throws Exception {
        Handle h = slurm.submit(bundle("restart", "import time\nprint('up', flush=True)\ntime.sleep(600)\n"), Map.of(), config());
        await().atMost(JOB).until(() -> slurm.state(h) instanceof State.Running);

        // as after a server restart: only the handle's ref (the job id) and the bundle are known
        SlurmCompute restarted = new SlurmCompute(SlurmCluster.clientEnv());
        Handle found = new Handle("slurm", h.ref(), h.bundle());
        assertThat(restarted.state(found)).isInstanceOf(State.Running.class);
        restarted.cancel(found);
        assertThat(restarted.state(found)).isInstanceOf(State.Exited.class);
        assertThat(finished(slurm, h)).isInstanceOf(State.Exited.class);

        assertThat(restarted.state(new Handle("slurm", "987654321", h.bundle()))).isInstanceOf(State.Lost.class);
    }

    @Test
    @Order(5)
    void aQueuedJobWaitsWithTheSchedulersReason() throws Exception {
        ObjectNode held = config();
        held.putArray("extraSbatch").add("#SBATCH --hold");
        Handle h = slurm.submit(bundle("held", "print('released')\n"), Map.of(), held);
        await().atMost(JOB).until(() -> slurm.state(h).equals(new State.Waiting("PENDING (JobHeldUser)")));
        slurm.cancel(h);
        assertThat(((State.Exited) slurm.state(h)).reason()).startsWith("CANCELLED");
    }

    @Test
    @Order(6)
    void statusListsPartitionsNodesAndJobs() {
        JsonNode status = slurm.status();
        assertThat(status.path("partitions").get(0).path("partition").asText()).isNotEmpty();
        assertThat(status.path("nodes").size()).isGreaterThan(0);
        assertThat(status.path("jobs").isArray()).isTrue();
        assertThat(status.has("errors")).as(status.toString()).isFalse();
        // the time-limited job is still queued or running
        assertThat(status.path("jobs").findValuesAsText("id")).contains(timeLimited.ref());
    }

    @Test
    @Order(7)
    void badConfigIsRejectedWithWhatToFix() throws Exception {
        Path b = bundle("bad", "print('never')\n");
        ObjectNode newline = config();
        newline.putArray("extraSbatch").add("#SBATCH --qos=short\n#SBATCH --wrap=evil");
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), newline)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("extraSbatch").hasMessageContaining("line break");
        ObjectNode notSbatch = config();
        notSbatch.putArray("extraSbatch").add("rm -rf /");
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), notSbatch)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with \"#SBATCH \"");
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), config().put("cpus", -2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"cpus\" must be at least 1");
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), config().put("memory", "lots"))).hasMessageContaining("\"memory\"");
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), config().put("timeLimit", "1 hour"))).hasMessageContaining("\"timeLimit\"");
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), config().put("partition", "a\nb"))).hasMessageContaining("\"partition\"");
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), config().put("cpu", 2))).hasMessageContaining("unknown key \"cpu\"");
        ObjectNode password = config();
        password.putObject("ssh").put("host", "login").put("password", "hunter2");
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), password)).hasMessageContaining("never takes a password");
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), config().put("sharedDir", "/nfs/deepforge")))
                .hasMessageContaining("not under the shared directory /nfs/deepforge");
        assertThat(Files.exists(b.resolve("slurm.sh"))).as("nothing written for a rejected config").isFalse();
        // what only the cluster can judge comes back with sbatch's own words
        assertThatThrownBy(() -> slurm.submit(b, Map.of(), config().put("partition", "nosuch"))).isInstanceOf(IOException.class)
                .hasMessageContaining("sbatch did not accept the job").hasMessageContaining("invalid partition");
        assertThat(slurm.configSchema().path("title").asText()).isEqualTo("Slurm cluster");
        assertThat(slurm.maxSubmitted(config())).isEqualTo(500);
        assertThat(slurm.maxSubmitted(config().put("maxQueued", 2000))).isEqualTo(2000);
    }

    @Test
    @Order(100)
    void aJobPastItsTimeLimitEndsWithTimeout() {
        // time limits are whole minutes and checked every 30 s: this ends 60-90 s after the job started
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                .until(() -> slurm.state(timeLimited) instanceof State.Exited);
        State s = slurm.state(timeLimited);
        assertThat(((State.Exited) s).reason()).isEqualTo("TIMEOUT: the job ran past its time limit of 00:01:00");
        assertThat(((State.Exited) s).code()).isNotZero();
    }

    static List<String> pgrep(String marker) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("pgrep", "-f", marker).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out.lines().filter(l -> !l.isBlank() && !l.strip().equals(Long.toString(p.pid()))).toList();
    }
}
