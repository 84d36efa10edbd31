package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Comparing executions over real HTTP with real Python jobs: what differed between two runs — seed, commit, code as
 * changed lines, attributes, inputs and outputs by sha256, environment — and which job first gave other outputs.
 */
class CompareExecutionsTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(ServerConfig.builder(Files.createTempDirectory("deepforge-compare")).python("/usr/bin/python3").build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String MAKE = "        values = list(range(self.n))\n        return values\n";

    private static JsonNode run(String p, String pipeline, long seed) throws Exception {
        var started = server.post("/api/v1/projects/" + p + "/pipelines/" + pipeline + "/executions", "{\"seed\": " + seed + "}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        JsonNode done = ExecutionsApiTest.waitFor(server, started.json().get("id").asText());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        return done;
    }

    private static JsonNode compare(String p, String... ids) throws Exception {
        var r = server.get("/api/v1/projects/" + p + "/executions/compare?ids=" + String.join(",", ids));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode row(JsonNode rows, String name) {
        for (JsonNode r : rows) {
            if (r.get("name").asText().equals(name)) {
                return r;
            }
        }
        throw new AssertionError("no row " + name + " in " + rows);
    }

    private static JsonNode job(JsonNode compared, String label) {
        for (JsonNode j : compared.get("jobs")) {
            if (j.get("label").asText().equals(label)) {
                return j;
            }
        }
        throw new AssertionError("no job " + label + " in " + compared.get("jobs"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.isNull() ? null : v.asText()));
        return out;
    }

    @Test
    void twoRunsShowTheChangedCodeLinesAttributesSeedAndTheJobThatFirstDiverged() throws Exception {
        String p = ExecutionsApiTest.project(server, MAKE);
        JsonNode first = run(p, "chain", 5);
        String scale = "class Scale:\n    def __init__(self, factor=2):\n        self.factor = factor\n\n"
                + "    def execute(self, values):\n        print('scaling', values)\n        shifted = [v + 1 for v in values]\n"
                + "        return [v * self.factor for v in shifted]\n";
        var changed = server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":["
                + "{\"op\":\"replace\",\"path\":\"/operations/Scale/code\",\"value\":" + Json.MAPPER.writeValueAsString(scale) + "},"
                + "{\"op\":\"replace\",\"path\":\"/pipelines/chain/nodes/scale/attributes/factor\",\"value\":3}]}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        JsonNode second = run(p, "chain", 6);

        JsonNode c = compare(p, first.get("id").asText(), second.get("id").asText());
        assertThat(texts(c.get("executions")).size()).isEqualTo(2);
        assertThat(row(c.get("run"), "Seed").get("values").toString()).isEqualTo("[\"5\",\"6\"]");
        assertThat(row(c.get("run"), "Seed").get("same").asBoolean()).isFalse();
        assertThat(row(c.get("run"), "Pipeline").get("same").asBoolean()).isTrue();
        assertThat(row(c.get("run"), "Commit").get("same").asBoolean()).isFalse();

        // Make ran the same code on nothing, so its output is the same; Scale's code and factor changed
        JsonNode make = job(c, "Make");
        assertThat(make.path("code").path("same").asBoolean()).isTrue();
        assertThat(row(make.get("outputs"), "values").get("same").asBoolean()).as(make.toString()).isTrue();
        assertThat(row(make.get("environment"), "python").get("same").asBoolean()).isTrue();
        assertThat(make.path("seed").path("same").asBoolean()).as("each run's seed seeds its jobs differently").isFalse();

        JsonNode scaled = job(c, "Scale");
        assertThat(scaled.path("code").path("same").asBoolean()).isFalse();
        assertThat(scaled.path("code").path("diffs").get(0).isNull()).as("the first execution is what the others are compared with").isTrue();
        JsonNode diff = scaled.path("code").path("diffs").get(1);
        assertThat(diff.get("added").asInt()).isEqualTo(2);
        assertThat(diff.get("removed").asInt()).isEqualTo(1);
        List<String> added = new ArrayList<>();
        diff.get("hunks").forEach(h -> h.get("lines").forEach(l -> {
            if (l.get("type").asText().equals("+")) {
                added.add(l.get("text").asText());
            }
        }));
        assertThat(added).contains("        shifted = [v + 1 for v in values]");
        assertThat(texts(row(scaled.get("attributes"), "factor").get("values"))).containsExactly("10", "3");
        JsonNode in = row(scaled.get("inputs"), "values");
        assertThat(in.get("same").asBoolean()).as("Scale read the same values both times").isTrue();
        assertThat(in.get("values").get(0).asText()).hasSize(64);
        assertThat(row(scaled.get("outputs"), "output").get("same").asBoolean()).isFalse();
        assertThat(c.get("firstDiverged").asText()).isEqualTo("Scale");

        // Sum's own code and attributes are unchanged, but it read other values
        JsonNode sum = job(c, "Sum");
        assertThat(sum.path("code").path("same").asBoolean()).isTrue();
        assertThat(row(sum.get("inputs"), "values").get("same").asBoolean()).isFalse();
        assertThat(sum.get("differs").asBoolean()).isTrue();
    }

    @Test
    void executionsOfDifferentPipelinesArePairedByOperation() throws Exception {
        String p = ExecutionsApiTest.project(server, MAKE);
        String copy = "{\"name\":\"Chain again\",\"nodes\":{\"a\":{\"operation\":\"Make\",\"attributes\":{\"n\":4}},"
                + "\"b\":{\"operation\":\"Scale\",\"attributes\":{\"factor\":10}},\"c\":{\"operation\":\"Sum\"}},"
                + "\"connections\":{\"c1\":{\"from\":{\"node\":\"a\",\"port\":\"values\"},\"to\":{\"node\":\"b\",\"port\":\"values\"}},"
                + "\"c2\":{\"from\":{\"node\":\"b\",\"port\":\"output\"},\"to\":{\"node\":\"c\",\"port\":\"values\"}}}}";
        var added = server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/pipelines/again\",\"value\":"
                + copy + "}]}");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        JsonNode one = run(p, "chain", 9);
        JsonNode two = run(p, "again", 9);
        JsonNode c = compare(p, one.get("id").asText(), two.get("id").asText());
        assertThat(texts(row(c.get("run"), "Pipeline").get("values"))).containsExactly("Chain", "Chain again");
        List<String> labels = new ArrayList<>();
        c.get("jobs").forEach(j -> labels.add(j.get("label").asText()));
        assertThat(labels).containsExactly("Make", "Scale", "Sum");
        for (JsonNode j : c.get("jobs")) {
            assertThat(texts(j.get("present"))).as(j.toString()).containsExactly("true", "true");
            assertThat(j.path("code").path("same").asBoolean()).isTrue();
        }
        assertThat(c.get("firstDiverged").isNull()).as("the same code and attributes gave the same outputs: " + c.get("jobs")).isTrue();
    }

    @Test
    void aComparisonNeedsTwoToEightExecutionsOfTheProject() throws Exception {
        String p = ExecutionsApiTest.project(server, MAKE);
        String other = ExecutionsApiTest.project(server, MAKE);
        String mine = run(p, "chain", 1).get("id").asText();
        String theirs = run(other, "chain", 1).get("id").asText();
        String base = "/api/v1/projects/" + p + "/executions/compare";
        var none = server.get(base);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.body()).contains("?ids=");
        var one = server.get(base + "?ids=" + mine + "," + mine);
        assertThat(one.status()).isEqualTo(400);
        assertThat(one.body()).contains("pick 2 to 8");
        var unknown = server.get(base + "?ids=" + mine + ",nosuchexecution");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("nosuchexecution");
        var elsewhere = server.get(base + "?ids=" + mine + "," + theirs);
        assertThat(elsewhere.status()).as("an execution of another project is not this project's to show").isEqualTo(404);
        var many = server.get(base + "?ids=" + "a,b,c,d,e,f,g,h,i");
        assertThat(many.status()).isEqualTo(400);
    }
}
