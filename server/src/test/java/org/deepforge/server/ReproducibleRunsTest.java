package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeds and "open as pipeline" over real HTTP with real Python jobs, on the digits example with one epoch (a few seconds
 * a run): the same seed gives byte-identical models and equal losses in DeepForge, in a rerun and in the exported
 * {@code python main.py}; an artifact rebuilt into a pipeline runs the recorded code and reproduces its sha256.
 */
class ReproducibleRunsTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(ServerConfig.builder(Files.createTempDirectory("deepforge-repro")).python("/usr/bin/python3").build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String digits() throws Exception {
        var created = server.post("/api/v1/examples/digits", "");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String p = created.json().get("id").asText();
        var small = server.change(p, "main", null, "[{'op':'add','path':'/pipelines/train-and-score/nodes/n2/attributes/epochs','value':1}]");
        assertThat(small.status()).as(small.body()).isEqualTo(200);
        return p;
    }

    private static JsonNode run(String p, String body) throws Exception {
        var started = server.post("/api/v1/projects/" + p + "/pipelines/train-and-score/executions", body);
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        JsonNode done = ExecutionsApiTest.waitFor(server, started.json().get("id").asText());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        return done;
    }

    /** The id of the artifact named {@code name} that execution {@code execution} saved. */
    private static String artifact(String p, String execution, String name) throws Exception {
        JsonNode artifacts = server.get("/api/v1/projects/" + p + "/artifacts?ref=" + "main").json().get("items");
        for (JsonNode a : artifacts) {
            if (a.get("name").asText().equals(name) && a.path("execution").asText().equals(execution)) {
                return a.get("id").asText();
            }
        }
        throw new AssertionError("execution " + execution + " saved no " + name + ": " + artifacts);
    }

    private static JsonNode record(String p, String ref, String artifact) throws Exception {
        return server.get("/api/v1/projects/" + p + "/model?ref=" + ref).json().path("model").path("artifacts").path(artifact);
    }

    private static String sha256(String p, String artifact) throws Exception {
        String sha = record(p, "main", artifact).path("storage").path("sha256").asText();
        assertThat(sha).hasSize(64);
        return sha;
    }

    @Test
    void theSameSeedGivesByteIdenticalModelsAndLossesInARunARerunAndTheExport(@TempDir Path tmp) throws Exception {
        String p = digits();
        // the first run of a pipeline draws its seed and records it
        JsonNode first = run(p, "{}");
        assertThat(first.get("seed").isIntegralNumber()).as(first.toString()).isTrue();
        long seed = first.get("seed").asLong();
        assertThat(seed).isBetween(0L, 4294967295L);
        JsonNode second = run(p, "{\"seed\": " + seed + ", \"ignoreCache\": true}");
        assertThat(second.get("seed").asLong()).isEqualTo(seed);
        String model1 = sha256(p, artifact(p, first.get("id").asText(), "myModel"));
        String model2 = sha256(p, artifact(p, second.get("id").asText(), "myModel"));
        assertThat(model2).as("the trained model's bytes").isEqualTo(model1);
        java.util.List<Double> losses1 = losses(first), losses2 = losses(second);
        assertThat(losses1).hasSize(1);
        assertThat(losses2).as("logged losses, to the last digit").isEqualTo(losses1);

        // provenance says which seed made it
        JsonNode provenance = record(p, "main", artifact(p, first.get("id").asText(), "myModel")).path("provenance");
        assertThat(provenance.path("seed").asLong()).isEqualTo(seed);

        // a rerun keeps the seed
        var rerun = server.post("/api/v1/executions/" + first.get("id").asText() + "/rerun", "{\"ignoreCache\": true}");
        assertThat(rerun.status()).as(rerun.body()).isEqualTo(201);
        assertThat(rerun.json().get("seed").asLong()).isEqualTo(seed);
        JsonNode again = ExecutionsApiTest.waitFor(server, rerun.json().get("id").asText());
        assertThat(again.get("status").asText()).as(again.toString()).isEqualTo("success");
        assertThat(sha256(p, artifact(p, again.get("id").asText(), "myModel"))).isEqualTo(model1);

        // another seed, another model; a later run without a seed keeps the pipeline's latest seed, so its jobs are cached
        long otherSeed = seed == 99 ? 98 : 99;
        JsonNode other = run(p, "{\"seed\": " + otherSeed + ", \"ignoreCache\": true}");
        assertThat(sha256(p, artifact(p, other.get("id").asText(), "myModel"))).isNotEqualTo(model1);
        JsonNode plain = run(p, "{}");
        assertThat(plain.get("seed").asLong()).isEqualTo(otherSeed);
        assertThat(ExecutionsApiTest.job(plain, "n2", "status")).isEqualTo("cached");

        // the export with the same seed, run as plain Python, writes the same bytes
        Path dir = server.unzip("/api/v1/projects/" + p + "/pipelines/train-and-score/export?seed=" + seed, tmp.resolve("export"));
        ProcessBuilder export = new ProcessBuilder("/usr/bin/python3", "main.py").directory(dir.toFile()).redirectErrorStream(true);
        // the environment the server gives its jobs: BLAS settings such as OPENBLAS_CORETYPE pick other kernels, other bits
        export.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME") && !k.equals("LANG"));
        export.environment().put("MPLBACKEND", "Agg");
        export.environment().put("OMP_NUM_THREADS", "1"); // as the server's jobs run
        export.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process process = export.start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(sha256(Files.readAllBytes(dir.resolve("outputs/myModel/data")))).as(out).isEqualTo(model1);
        assertThat(out).contains(String.format(java.util.Locale.ROOT, "epoch 1: loss %.4f", losses1.get(0)));

        assertThat(server.post("/api/v1/projects/" + p + "/pipelines/train-and-score/executions", "{\"seed\": -1}").status()).isEqualTo(400);
        assertThat(server.post("/api/v1/projects/" + p + "/pipelines/train-and-score/executions", "{\"seed\": \"x\"}").body()).contains("seed");
        assertThat(server.get("/api/v1/projects/" + p + "/pipelines/train-and-score/export?seed=abc").status()).isEqualTo(400);
    }

    @Test
    void anArtifactOpenedAsPipelineRunsTheRecordedCodeAndReproducesItsBytes() throws Exception {
        String p = digits();
        JsonNode original = run(p, "{\"seed\": 77}");
        String model = artifact(p, original.get("id").asText(), "myModel");
        String recordedCode = server.get("/api/v1/projects/" + p + "/model?ref=main").json().path("model").path("operations")
                .path("GetData").path("code").asText();

        // GetData changes on main after the run
        String changed = recordedCode.replace("def execute(self):", "def execute(self):\n        print(\"changed after the run\")");
        assertThat(changed).isNotEqualTo(recordedCode);
        var patch = org.deepforge.model.Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "replace").put("path", "/operations/GetData/code").put("value", changed);
        var body = org.deepforge.model.Json.MAPPER.createObjectNode().put("message", "GetData prints");
        body.set("patch", patch);
        var edit = server.post("/api/v1/projects/" + p + "/branches/main/changes", body.toString());
        assertThat(edit.status()).as(edit.body()).isEqualTo(200);

        var opened = server.post("/api/v1/projects/" + p + "/artifacts/" + model + "/pipeline", "{\"branch\": \"reproduce-model\"}");
        assertThat(opened.status()).as(opened.body()).isEqualTo(201);
        assertThat(opened.json().get("seed").asLong()).isEqualTo(77);
        assertThat(opened.json().get("branchCreated").asBoolean()).isTrue();
        String pipeline = opened.json().get("pipeline").asText();
        JsonNode at = server.get("/api/v1/projects/" + p + "/model?ref=reproduce-model").json().path("model");
        JsonNode nodes = at.path("pipelines").path(pipeline).path("nodes");
        String getData = nodes.path("n1").path("operation").asText();
        assertThat(getData).as(nodes.toString()).startsWith("GetData_");
        assertThat(at.path("operations").path(getData).path("code").asText()).as("the recorded code, its class named as the new operation")
                .isEqualTo(recordedCode.replaceFirst("(?m)^class GetData\\b", "class " + getData));
        assertThat(at.path("operations").path("GetData").path("code").asText()).as("the existing operation is left as it is").isEqualTo(changed);
        assertThat(nodes.path("n2").path("operation").asText()).isEqualTo("Train");
        assertThat(nodes.path("n2").path("attributes").path("epochs").asInt()).isEqualTo(1);
        assertThat(nodes.path("n2").path("references").path("model").asText()).isEqualTo("convnet");
        assertThat(nodes.toString()).contains("\"saveName\":\"myModel\"");
        assertThat(server.get("/api/v1/projects/" + p + "/pipelines/" + pipeline + "/problems?ref=reproduce-model").json().path("problems"))
                .isEmpty();

        // Reproduce: run with the recorded seed, compare sha256
        var reproduce = server.post("/api/v1/projects/" + p + "/artifacts/" + model + "/reproduce", "{\"branch\": \"reproduce-again\"}");
        assertThat(reproduce.status()).as(reproduce.body()).isEqualTo(201);
        assertThat(reproduce.json().get("seed").asLong()).isEqualTo(77);
        String execution = reproduce.json().get("id").asText();
        JsonNode[] verdict = new JsonNode[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
            verdict[0] = server.get("/api/v1/projects/" + p + "/artifacts/" + model + "/reproduction?execution=" + execution).json();
            return !verdict[0].path("verdict").asText().equals("running");
        });
        assertThat(verdict[0].path("verdict").asText()).as(verdict[0].toString()).isEqualTo("identical");
        assertThat(verdict[0].path("reproducedSha256").asText()).isEqualTo(sha256(p, model));
        JsonNode log = server.get("/api/v1/executions/" + execution + "/jobs/n1/log").json();
        assertThat(log.toString()).doesNotContain("changed after the run");

        // what cannot be rebuilt is refused with a reason
        assertThat(server.post("/api/v1/projects/" + p + "/artifacts/" + model + "/pipeline", "{}").status()).isEqualTo(400);
        var missing = server.post("/api/v1/projects/" + p + "/artifacts/nosuch/pipeline", "{\"branch\": \"x\"}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).contains("no artifact");
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts/" + model + "/reproduction?execution=../x").status()).isEqualTo(400);
    }

    /** The loss values job n2 (Train) logged, in order (the metrics API gives [step, value, time] points). */
    private static java.util.List<Double> losses(JsonNode execution) throws Exception {
        JsonNode metrics = server.get("/api/v1/executions/" + execution.get("id").asText() + "/jobs/n2/metrics").json();
        java.util.List<Double> values = new java.util.ArrayList<>();
        metrics.path("loss").forEach(point -> values.add(point.get(1).asDouble()));
        return values;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
