package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.assertj.core.data.Percentage;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting executions (one, many, by a retention policy) over real HTTP with real Python runs. */
class RetentionApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A project with an uploaded array and pipeline "pl": Input → Scale (logs 5 metric points, prints, waits {@code seconds}) → Output "scaled". */
    static String project(String name, int seconds) throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"" + name + "\",\"empty\":true}").json().get("id").asText();
        var up = ArtifactsApiTest.uploadTo(server, p, "name=readings.npy&type=numpy.ndarray", ArtifactsApiTest.npy());
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        String code = Json.MAPPER.writeValueAsString("import time\nimport numpy as np\nfrom deepforge.events import log_metric\n\n"
                + "class Scale:\n    def __init__(self, factor=2.0, seconds=0):\n        self.factor = factor\n        self.seconds = seconds\n\n"
                + "    def execute(self, values):\n        for i in range(5):\n            log_metric('loss', 1.0 / (i + 1), step=i)\n"
                + "        print('scaling', len(values), 'values', flush=True)\n        time.sleep(self.seconds)\n"
                + "        scaled = np.asarray(values) * self.factor\n        return scaled\n");
        String pipeline = "{\"name\":\"Scale readings\",\"nodes\":{\"in\":{\"input\":{\"artifact\":\"" + up.json().get("id").asText() + "\"}},"
                + "\"s\":{\"operation\":\"Scale\",\"attributes\":{\"factor\":3,\"seconds\":" + seconds + "}},\"out\":{\"output\":{\"saveName\":\"scaled\"}}},"
                + "\"connections\":{\"a\":{\"from\":{\"node\":\"in\",\"port\":\"data\"},\"to\":{\"node\":\"s\",\"port\":\"values\"}},"
                + "\"b\":{\"from\":{\"node\":\"s\",\"port\":\"scaled\"},\"to\":{\"node\":\"out\",\"port\":\"data\"}}}}";
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/Scale\",\"value\":{\"code\":"
                + code + "}},{\"op\":\"add\",\"path\":\"/pipelines/pl\",\"value\":" + pipeline + "}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return p;
    }

    static String run(String project) throws Exception {
        var r = server.post("/api/v1/projects/" + project + "/pipelines/pl/executions", "{\"ignoreCache\":true}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static long folderBytes(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** What {@code du} says the folder takes on disk, in bytes. */
    static long du(Path dir) throws Exception {
        Process p = new ProcessBuilder("du", "-s", "-B1", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    static long rows(String sql, String execution) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve("runs.db"));
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, execution);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void deletingAnExecutionFreesItsDiskSpaceAndKeepsAnArtifactAPipelineStillUses() throws Exception {
        String p = project("Retention", 0);
        String id = run(p);
        assertThat(ExecutionsApiTest.waitFor(server, id).get("status").asText()).isEqualTo("success");
        JsonNode artifacts = server.get("/api/v1/projects/" + p + "/model").json().at("/model/artifacts");
        String scaled = ArtifactsApiTest.named(artifacts, "scaled");
        String sha = artifacts.get(scaled).at("/storage/sha256").asText();
        // a second pipeline reads what the run made
        var uses = server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/pipelines/uses\",\"value\":"
                + "{\"name\":\"Uses scaled\",\"nodes\":{\"i\":{\"input\":{\"artifact\":\"" + scaled + "\"}}},\"connections\":{}}}]}");
        assertThat(uses.status()).as(uses.body()).isEqualTo(200);

        Path folder = server.dataDir.resolve("runs").resolve(id);
        long before = folderBytes(folder);
        long diskBefore = du(server.dataDir.resolve("runs"));
        assertThat(before).isPositive();
        assertThat(rows("SELECT COUNT(*) FROM metric_points WHERE series IN (SELECT id FROM metric_series WHERE execution = ?)", id)).isEqualTo(5);
        assertThat(server.get("/api/v1/executions/" + id + "/jobs/s/log").json().get("lines").toString()).contains("scaling");
        assertThat(server.get("/api/v1/projects/" + p + "/tags?kind=run&limit=1000").json().findValuesAsText("name")).contains("runs/" + id);

        var preview = server.send("DELETE", "/api/v1/executions/" + id + "?dryRun=true", null);
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(preview.json().get("dryRun").asBoolean()).isTrue();
        assertThat(preview.json().at("/freed/folderBytes").asLong()).isPositive().isLessThanOrEqualTo(before);
        assertThat(preview.json().get("kept").findValuesAsText("artifact")).containsExactly(scaled);
        assertThat(folder).isDirectory();

        var deleted = server.send("DELETE", "/api/v1/executions/" + id, null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("deleted").get(0).asText()).isEqualTo(id);
        assertThat(deleted.json().at("/freed/bytes").asLong()).isPositive();
        assertThat(deleted.json().at("/freed/folderDiskBytes").asLong()).isGreaterThanOrEqualTo(deleted.json().at("/freed/folderBytes").asLong());
        assertThat(deleted.json().get("kept").get(0).get("reason").asText()).contains("branch main");
        assertThat(folder).doesNotExist();
        long diskFreed = diskBefore - du(server.dataDir.resolve("runs"));
        assertThat(diskFreed).as("du of the run folders went down by what the answer said").isPositive()
                .isCloseTo(deleted.json().at("/freed/folderDiskBytes").asLong(), Percentage.withPercentage(10));
        assertThat(rows("SELECT COUNT(*) FROM metric_series WHERE execution = ?", id)).isZero();
        assertThat(rows("SELECT COUNT(*) FROM logs WHERE execution = ?", id)).isZero();
        assertThat(rows("SELECT COUNT(*) FROM jobs WHERE execution = ?", id)).isZero();
        assertThat(rows("SELECT COUNT(*) FROM cache WHERE execution = ?", id)).isZero();
        assertThat(server.get("/api/v1/executions/" + id).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/executions/" + id + "/jobs/s/log").status()).isEqualTo(404);
        assertThat(server.get("/api/v1/projects/" + p + "/tags?kind=run&limit=1000").json().findValuesAsText("name")).doesNotContain("runs/" + id);
        assertThat(server.send("DELETE", "/api/v1/executions/" + id, null).status()).isEqualTo(404);

        // the artifact the other pipeline uses is still there, byte for byte, with its provenance
        HttpResponse<byte[]> download = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + p + "/artifacts/" + scaled
                + "/data?format=original"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(ArtifactsApiTest.sha256(download.body())).isEqualTo(sha);
        JsonNode lineage = server.get("/api/v1/projects/" + p + "/artifacts/" + scaled + "/lineage").json();
        assertThat(lineage.get("nodes").findValuesAsText("kind")).contains("artifact", "job");
        assertThat(server.get("/api/v1/projects/" + p + "/model").json().at("/model/artifacts/" + scaled + "/provenance/execution").asText()).isEqualTo(id);
    }

    @Test
    void dataOnlyARunTagStillReferredToIsDeletedWithItsExecution() throws Exception {
        String p = project("Tag data", 0);
        var extra = ArtifactsApiTest.uploadTo(server, p, "name=notes.txt&type=file", "only the run tag keeps me".getBytes());
        assertThat(extra.status()).as(extra.body()).isEqualTo(201);
        String notes = extra.json().get("id").asText();
        String id = run(p); // its run tag is a commit that holds notes.txt
        ExecutionsApiTest.waitFor(server, id);
        var removed = server.send("DELETE", "/api/v1/projects/" + p + "/branches/main/artifacts/" + notes + "?data=true", null);
        assertThat(removed.json().get("data").asText()).isEqualTo("kept");
        assertThat(removed.json().get("reason").asText()).contains("runs/" + id);

        var deleted = server.send("DELETE", "/api/v1/executions/" + id, null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("data")).hasSize(1);
        assertThat(deleted.json().at("/data/0/deleted").asBoolean()).as(deleted.body()).isTrue();
        assertThat(deleted.json().at("/freed/bytes").asLong()).isGreaterThan(deleted.json().at("/freed/folderBytes").asLong());
        try (Stream<Path> files = Files.walk(server.dataDir.resolve("artifacts"))) {
            String key = extra.json().path("key").asText(extra.json().path("sha256").asText());
            assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(key));
        }
    }

    @Test
    void aDeletionThatAStopInterruptedIsFinishedAtTheNextStart() throws Exception {
        String p = project("Interrupted", 0);
        String id = run(p);
        ExecutionsApiTest.waitFor(server, id);
        // as if the server stopped right after the rows went: the journal lists it, the folder and the tag are still there
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve("deepforge.db"));
             PreparedStatement s = c.prepareStatement("INSERT INTO execution_deletions(execution, project, tag, started) VALUES (?,?,?,?)")) {
            s.setString(1, id);
            s.setString(2, p);
            s.setString(3, "runs/" + id);
            s.setString(4, Instant.now().toString());
            s.executeUpdate();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve("runs.db"));
             PreparedStatement s = c.prepareStatement("DELETE FROM executions WHERE id = ?")) {
            s.setString(1, id);
            s.executeUpdate();
        }
        String untouched = run(p); // journaled by nobody: stays
        ExecutionsApiTest.waitFor(server, untouched);
        server.close();
        server = new TestServer(server.dataDir);

        assertThat(server.dataDir.resolve("runs").resolve(id)).doesNotExist();
        assertThat(server.get("/api/v1/projects/" + p + "/tags?kind=run&limit=1000").json().findValuesAsText("name")).doesNotContain("runs/" + id)
                .contains("runs/" + untouched);
        assertThat(server.dataDir.resolve("runs").resolve(untouched)).isDirectory();
        assertThat(rows("SELECT COUNT(*) FROM executions WHERE id = ?", untouched)).isEqualTo(1);
    }

    @Test
    void aRunningExecutionIsNotDeletedUntilItIsCancelled() throws Exception {
        String p = project("Running", 600);
        String id = run(p);
        await().atMost(Duration.ofSeconds(90)).until(() -> server.get("/api/v1/executions/" + id).json().path("status").asText().equals("running"));

        var refused = server.send("DELETE", "/api/v1/executions/" + id, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("error").asText()).contains("cancel it first");
        var bulk = server.post("/api/v1/projects/" + p + "/executions/delete", "{\"filter\":{\"pipeline\":\"pl\"}}");
        assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
        assertThat(bulk.json().get("deleted")).isEmpty();
        assertThat(bulk.json().get("skipped").get(0).get("id").asText()).isEqualTo(id);
        assertThat(server.dataDir.resolve("runs").resolve(id)).isDirectory();

        server.post("/api/v1/executions/" + id + "/cancel", null);
        assertThat(ExecutionsApiTest.waitFor(server, id).get("status").asText()).isEqualTo("cancelled");
        assertThat(server.send("DELETE", "/api/v1/executions/" + id, null).status()).isEqualTo(200);
    }

    @Test
    void manyExecutionsAreDeletedByFilterAfterADryRunAndAPolicyKeepsTheLastOnes() throws Exception {
        String p = project("Bulk", 0);
        String first = run(p);
        ExecutionsApiTest.waitFor(server, first);
        String second = run(p);
        ExecutionsApiTest.waitFor(server, second);
        String before = Instant.now().toString();
        String third = run(p);
        ExecutionsApiTest.waitFor(server, third);

        String filter = "{\"filter\":{\"pipeline\":\"pl\",\"status\":[\"success\"],\"before\":\"" + before + "\"}";
        var dry = server.post("/api/v1/projects/" + p + "/executions/delete", filter + ",\"dryRun\":true}");
        assertThat(dry.status()).as(dry.body()).isEqualTo(200);
        assertThat(Json.MAPPER.convertValue(dry.json().get("deleted"), String[].class)).containsExactlyInAnyOrder(first, second);
        assertThat(server.get("/api/v1/executions/" + first).status()).isEqualTo(200);

        var done = server.post("/api/v1/projects/" + p + "/executions/delete", filter + "}");
        assertThat(Json.MAPPER.convertValue(done.json().get("deleted"), String[].class)).containsExactlyInAnyOrder(first, second);
        assertThat(server.get("/api/v1/executions/" + first).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/executions/" + third).status()).isEqualTo(200);

        // every run made an artifact still in main: a policy that keeps producers keeps them all
        var put = server.send("PUT", "/api/v1/projects/" + p + "/retention", "{\"keepLast\":1,\"keepDays\":null,\"keepArtifactProducers\":true}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        String fourth = run(p);
        ExecutionsApiTest.waitFor(server, fourth);
        assertThat(server.post("/api/v1/projects/" + p + "/retention/apply", "{\"dryRun\":true}").json().get("deleted")).isEmpty();

        // not keeping producers, the policy applied after the next run ends keeps only the last one
        server.send("PUT", "/api/v1/projects/" + p + "/retention", "{\"keepLast\":1,\"keepArtifactProducers\":false}");
        assertThat(server.get("/api/v1/projects/" + p + "/retention").json().get("keepLast").asInt()).isEqualTo(1);
        String fifth = run(p);
        ExecutionsApiTest.waitFor(server, fifth);
        Path fourthFolder = server.dataDir.resolve("runs").resolve(fourth);
        // the rows go first, the folder right after
        await().atMost(Duration.ofSeconds(60)).until(() -> server.get("/api/v1/projects/" + p + "/executions").json().get("items").size() == 1
                && !Files.exists(fourthFolder));
        assertThat(server.get("/api/v1/projects/" + p + "/executions").json().get("items").get(0).get("id").asText()).isEqualTo(fifth);
    }

    @Test
    void hostileRequestsAreRefusedWithAMessage() throws Exception {
        String mine = project("Mine", 0);
        String other = project("Other", 0);
        String theirs = run(other);
        ExecutionsApiTest.waitFor(server, theirs);

        var foreign = server.post("/api/v1/projects/" + mine + "/executions/delete", "{\"ids\":[\"" + theirs + "\",\"../../etc\"]}");
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(200);
        assertThat(foreign.json().get("deleted")).isEmpty();
        assertThat(foreign.json().get("skipped").findValuesAsText("reason")).allMatch(r -> r.contains("no execution"));
        assertThat(server.get("/api/v1/executions/" + theirs).status()).isEqualTo(200);

        String path = "/api/v1/projects/" + mine + "/executions/delete";
        StringBuilder huge = new StringBuilder("{\"ids\":[");
        for (int i = 0; i < 1001; i++) {
            huge.append(i == 0 ? "" : ",").append("\"e").append(i).append('"');
        }
        for (String bad : new String[] {"not json", "[]", "{}", "{\"ids\":\"e1\"}", "{\"ids\":[]}", "{\"ids\":[1]}", "{\"ids\":[\"e1\"],\"filter\":{}}",
                "{\"filter\":{}}", "{\"filter\":{\"status\":[\"exploded\"]}}", "{\"filter\":{\"before\":\"yesterday\"}}", "{\"filter\":{\"color\":\"red\"}}",
                "{\"ids\":[\"e1\"],\"dryRun\":\"yes\"}", "{\"ids\":[\"e1\"],\"wipe\":true}", huge + "]}"}) {
            var r = server.post(path, bad);
            assertThat(r.status()).as(bad + " → " + r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isNotBlank();
        }
        for (String bad : new String[] {"{\"keepLast\":0}", "{\"keepLast\":-3}", "{\"keepDays\":1.5}", "{\"keepLast\":\"10\"}",
                "{\"keepArtifactProducers\":\"no\"}", "{\"keepForever\":true}", "[1]"}) {
            var r = server.send("PUT", "/api/v1/projects/" + mine + "/retention", bad);
            assertThat(r.status()).as(bad + " → " + r.body()).isEqualTo(400);
        }
        assertThat(server.get("/api/v1/projects/" + mine + "/retention").json().get("keepLast").isNull()).isTrue();
        assertThat(server.send("DELETE", "/api/v1/executions/enothere", null).status()).isEqualTo(404);
        assertThat(server.send("DELETE", "/api/v1/executions/" + theirs + "?dryRun=maybe", null).status()).isEqualTo(400);
    }
}
