package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.exec.compute.SlurmCluster;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Executions on a real single-node Slurm (started on loopback by scripts/slurm-local) through the REST API,
 * as a user picks Slurm in the run dialog: jobs go through sbatch, console output streams, cancel uses
 * scancel, and a restarted server finds its Slurm jobs again.
 */
class SlurmExecutionsTest {
    static final String SLURM = "{\"adapter\":\"slurm\",\"cpus\":1,\"timeLimit\":\"10\"}";
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = slurmServer(Files.createTempDirectory("deepforge-test"));
    }

    /** A server whose Slurm adapter talks to the test cluster (deepforge serve --slurm-conf). */
    static TestServer slurmServer(Path data) throws Exception {
        return new TestServer(ServerConfig.builder(data).slurmConf(Path.of(SlurmCluster.clientEnv().get("SLURM_CONF"))).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static List<String> lines(TestServer s, String execution, String job) throws Exception {
        List<String> all = new ArrayList<>();
        s.get("/api/v1/executions/" + execution + "/jobs/" + job + "/log").json().get("lines").forEach(l -> all.add(l.asText()));
        return all;
    }

    static String squeue() throws Exception {
        ProcessBuilder b = new ProcessBuilder("squeue", "-h", "-o", "%i %j %T").redirectErrorStream(true);
        b.environment().putAll(SlurmCluster.clientEnv());
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    @Test
    void aThreeOperationPipelineRunsAsSlurmJobsWithItsConsole() throws Exception {
        String p = ExecutionsApiTest.project(server, "        values = list(range(self.n))\n        print('made', values, flush=True)\n        return values\n");
        var r = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{\"compute\":" + SLURM + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().get("id").asText();
        JsonNode done = ExecutionsApiTest.waitFor(server, id);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        assertThat(done.get("compute").get("adapter").asText()).isEqualTo("slurm");
        assertThat(lines(server, id, "make")).contains("made [0, 1, 2, 3]");
        assertThat(lines(server, id, "sum")).contains("total 60");
        Path bundle = server.dataDir.resolve("runs").resolve(id).resolve("sum");
        assertThat(Files.readString(bundle.resolve("slurm.sh"))).contains("#SBATCH --cpus-per-task=1").contains("-u main.py");
    }

    @Test
    void cancelStopsTheSlurmJobsWithinFiveSeconds() throws Exception {
        String p = ExecutionsApiTest.project(server, "        print('working', flush=True)\n        time.sleep(120)\n        values = []\n        return values\n");
        String id = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{\"compute\":" + SLURM + "}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> lines(server, id, "make").contains("working"));
        long t0 = System.nanoTime();
        var cancelled = server.post("/api/v1/executions/" + id + "/cancel", "{}");
        assertThat((System.nanoTime() - t0) / 1e9).as("the cancel promise (docs/jobs.md)").isLessThan(5.0);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
        assertThat(ExecutionsApiTest.job(cancelled.json(), "make", "status")).isEqualTo("cancelled");
        assertThat(ExecutionsApiTest.job(cancelled.json(), "sum", "status")).isEqualTo("cancelled");
        String jobName = "deepforge-" + id;
        assertThat(squeue()).doesNotContain(jobName);
    }

    @Test
    void aRestartedServerFindsItsSlurmJobAgainWithTheCompleteLog() throws Exception {
        Path data = Files.createTempDirectory("slurm-restart");
        String id;
        try (TestServer first = slurmServer(data)) {
            String p = first.post("/api/v1/projects", "{\"name\":\"Restart\",\"empty\":true}").json().get("id").asText();
            String code = Json.MAPPER.writeValueAsString("import time\n\nclass Slow:\n    def execute(self):\n"
                    + "        for i in range(8):\n            print('tick', i, flush=True)\n            time.sleep(0.5)\n"
                    + "        done = 'finished'\n        return done\n");
            first.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/Slow\",\"value\":{\"code\":"
                    + code + "}},{\"op\":\"add\",\"path\":\"/pipelines/s\",\"value\":{\"name\":\"slow\",\"nodes\":{\"j\":{\"operation\":\"Slow\"}},\"connections\":{}}}]}");
            id = first.post("/api/v1/projects/" + p + "/pipelines/s/executions", "{\"compute\":" + SLURM + "}").json().get("id").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> lines(first, id, "j").contains("tick 1"));
        }
        try (TestServer second = slurmServer(data)) {
            JsonNode done = ExecutionsApiTest.waitFor(second, id);
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
            assertThat(lines(second, id, "j")).containsExactly("tick 0", "tick 1", "tick 2", "tick 3", "tick 4", "tick 5", "tick 6", "tick 7");
        }
    }

    @Test
    void aBadSlurmConfigurationIsRefusedBeforeAnythingRuns() throws Exception {
        String p = ExecutionsApiTest.project(server, "        values = [1]\n        return values\n");
        var negative = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{\"compute\":{\"adapter\":\"slurm\",\"cpus\":-2}}");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("error").asText()).contains("cpus");
        var injected = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions",
                "{\"compute\":{\"adapter\":\"slurm\",\"extraSbatch\":[\"#SBATCH --x\\nrm -rf /\"]}}");
        assertThat(injected.status()).isEqualTo(400);
        assertThat(injected.json().get("error").asText()).contains("extraSbatch");
        var unknown = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{\"compute\":{\"adapter\":\"slurm\",\"qos\":\"x\"}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).contains("unknown key \"qos\"").contains("partition");
        assertThat(server.get("/api/v1/projects/" + p + "/executions").json().get("items")).isEmpty();
        JsonNode status = server.get("/api/v1/compute/slurm/status").json();
        assertThat(status.toString()).contains("debug");
    }
}
