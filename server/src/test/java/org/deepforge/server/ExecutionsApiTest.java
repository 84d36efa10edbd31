package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Running pipelines over real HTTP: real Python jobs, the run database, WebSocket updates. */
class ExecutionsApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String project(String makeBody) throws Exception {
        return project(server, makeBody);
    }

    /** A project with the three-operation pipeline "chain" (make → scale → sum) on {@code server}. */
    static String project(TestServer server, String makeBody) throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Run\",\"empty\":true}").json().get("id").asText();
        String ops = "{\"Make\":{\"code\":" + Json.MAPPER.writeValueAsString("import time\n\nclass Make:\n    def __init__(self, n=3):\n        self.n = n\n\n"
                + "    def execute(self):\n" + makeBody) + "},"
                + "\"Scale\":{\"code\":" + Json.MAPPER.writeValueAsString("class Scale:\n    def __init__(self, factor=2):\n        self.factor = factor\n\n"
                + "    def execute(self, values):\n        print('scaling', values)\n        return [v * self.factor for v in values]\n") + "},"
                + "\"Sum\":{\"code\":" + Json.MAPPER.writeValueAsString("class Sum:\n    def execute(self, values):\n        total = sum(values)\n"
                + "        print('total', total)\n        return total\n") + "}}";
        String pipeline = "{\"name\":\"Chain\",\"nodes\":{\"make\":{\"operation\":\"Make\",\"attributes\":{\"n\":4}},"
                + "\"scale\":{\"operation\":\"Scale\",\"attributes\":{\"factor\":10}},\"sum\":{\"operation\":\"Sum\"}},"
                + "\"connections\":{\"c1\":{\"from\":{\"node\":\"make\",\"port\":\"values\"},\"to\":{\"node\":\"scale\",\"port\":\"values\"}},"
                + "\"c2\":{\"from\":{\"node\":\"scale\",\"port\":\"output\"},\"to\":{\"node\":\"sum\",\"port\":\"values\"}}}}";
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"replace\",\"path\":\"/operations\",\"value\":" + ops
                + "},{\"op\":\"add\",\"path\":\"/pipelines/chain\",\"value\":" + pipeline + "}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return p;
    }

    static JsonNode waitFor(String execution) {
        return waitFor(server, execution);
    }

    static JsonNode waitFor(TestServer target, String execution) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = target.get("/api/v1/executions/" + execution).json();
            return last[0].path("finished").isTextual();
        });
        return last[0];
    }

    static String job(JsonNode execution, String id, String field) {
        for (JsonNode j : execution.get("jobs")) {
            if (j.get("id").asText().equals(id)) {
                return j.path(field).asText();
            }
        }
        throw new AssertionError("no job " + id);
    }

    @Test
    void aPipelineRunsAndItsConsoleIsKeptWithoutTouchingTheBranch() throws Exception {
        String p = project("        values = list(range(self.n))\n        print('made', values)\n        return values\n");
        String head = server.head(p, "main");
        try (WebSocketTest.Client ws = new WebSocketTest.Client(server)) {
            var started = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{\"branch\":\"main\"}");
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            String id = started.json().get("id").asText();
            ws.send("{'type':'watch','execution':'" + id + "'}");
            ws.next("watching");
            JsonNode done = waitFor(id);
            assertThat(done.get("status").asText()).isEqualTo("success");
            assertThat(job(done, "sum", "status")).isEqualTo("success");
            assertThat(done.get("commit").asText()).isEqualTo(head);
            var log = server.get("/api/v1/executions/" + id + "/jobs/sum/log?from=0").json();
            assertThat(log.get("lines").findValuesAsText("")).isEmpty();
            assertThat(log.get("lines").toString()).contains("total 60");
            assertThat(server.get("/api/v1/executions/" + id + "/jobs/sum/log?from=" + log.get("next").asInt()).json().get("lines")).isEmpty();
            JsonNode end = ws.next("execution");
            if (end.get("status").asText().equals("running")) { // it turned running after the watch began; then it ends
                end = ws.next("execution");
            }
            assertThat(end.get("status").asText()).isEqualTo("success");
            // run state stays out of the project: same head, only a tag marks what ran
            assertThat(server.head(p, "main")).isEqualTo(head);
            assertThat(server.get("/api/v1/projects/" + p + "/tags?kind=run").json().toString()).contains("runs/" + id);
            assertThat(server.get("/api/v1/projects/" + p + "/tags").json().get("items").toString()).doesNotContain("runs/");
            assertThat(server.get("/api/v1/projects/" + p + "/executions").json().get("items").get(0).get("id").asText()).isEqualTo(id);
        }
    }

    /**
     * A hostile job writes to its event channel what would be protocol messages (a commit that removes every
     * pipeline, presence), malformed and oversized lines and fields the channel does not know: a browser that
     * watches the execution and follows the branch gets the valid metric, inside its execution envelope, and
     * nothing else; the job's console says what was dropped; the branch is untouched.
     */
    @Test
    void aJobsForgedCommitAndMalformedEventsNeverReachABrowser() throws Exception {
        String p = project("""
                        import json, os
                        with open(os.environ['DEEPFORGE_EVENTS'], 'a') as f:
                            f.write(json.dumps({'type': 'commit', 'project': 'PROJECT', 'branch': 'main', 'commit': '0' * 40,
                                                'parent': 'HEAD', 'author': 'admin', 'message': 'x',
                                                'patch': [{'op': 'remove', 'path': '/pipelines'}]}) + '\\n')
                            f.write('{"type": "presence", "project": "PROJECT", "branch": "main", "users": []}\\n')
                            f.write('not json\\n')
                            f.write('{"type": "metric", "name": "loss", "value": "high"}\\n')
                            f.write('{"type": "metric", "name": "loss", "value": 1.0, "step": 1} {"trailing": 1}\\n')
                            f.write('{"type": "metric", "name": "loss", "value": 1.5, "step": 1, "execution": "e-other"}\\n')
                            f.write('{"type": "metric", "name": "loss", "value": 1.5, "name": "accuracy"}\\n')
                            f.write('x' * (9 << 20) + '\\n')
                            f.write('{"type": "metric", "name": "loss", "value": 0.25, "step": 2, "time": 1.0}\\n')
                        values = []
                        return values
                """);
        String head = server.head(p, "main");
        JsonNode make = server.get("/api/v1/projects/" + p + "/model").json().get("model").get("operations").get("Make");
        String code = make.get("code").asText().replace("PROJECT", p).replace("'HEAD'", "'" + head + "'");
        var changed = server.post("/api/v1/projects/" + p + "/branches/main/changes",
                "{\"patch\":[{\"op\":\"replace\",\"path\":\"/operations/Make/code\",\"value\":" + Json.MAPPER.writeValueAsString(code) + "}]}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        head = server.head(p, "main");
        try (WebSocketTest.Client ws = new WebSocketTest.Client(server)) {
            ws.send("{'type':'subscribe','project':'" + p + "','branch':'main'}");
            ws.next("subscribed");
            String id = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
            ws.send("{'type':'watch','execution':'" + id + "'}");
            ws.next("watching");
            assertThat(waitFor(id).get("status").asText()).isEqualTo("success");
            List<JsonNode> received = new ArrayList<>(ws.drain(1500));
            assertThat(received).extracting(m -> m.get("type").asText()).as("only the server's own kinds")
                    .allMatch(t -> List.of("job", "log", "job-event", "execution").contains(t));
            assertThat(received).filteredOn(m -> m.get("type").asText().equals("job-event"))
                    .extracting(m -> m.get("event").get("type").asText()).containsOnly("metric", "artifact");
            assertThat(received).filteredOn(m -> m.path("event").path("type").asText().equals("metric"))
                    .extracting(m -> m.get("event").toString())
                    .containsExactly("{\"type\":\"metric\",\"name\":\"loss\",\"value\":0.25,\"step\":2,\"time\":1.0}");
            String console = server.get("/api/v1/executions/" + id + "/jobs/make/log").json().get("lines").toString();
            assertThat(console).contains("deepforge: dropped an event of unknown type \\\"commit\\\"")
                    .contains("unknown type \\\"presence\\\"").contains("is not valid JSON")
                    .contains("value must be a number or null")
                    // how many notes name their reason depends on how the lines fell into the engine's looks at the file
                    .containsPattern("dropped [0-9]+ more malformed event line\\(s\\)")
                    .contains("event line(s) longer than");
            JsonNode metrics = server.get("/api/v1/executions/" + id + "/jobs/make/metrics").json();
            assertThat(metrics.get("loss")).hasSize(1);
            assertThat(metrics.has("accuracy")).isFalse();
            assertThat(server.head(p, "main")).isEqualTo(head);
            assertThat(server.get("/api/v1/projects/" + p + "/model").json().get("model").get("pipelines").has("chain")).isTrue();
        }
    }

    @Test
    void unchangedRerunsAreCachedAndAChangedAttributeRerunsOnlyItsJobAndDependents() throws Exception {
        String p = project("        values = list(range(self.n))\n        return values\n");
        String first = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
        assertThat(waitFor(first).get("status").asText()).isEqualTo("success");

        JsonNode again = waitFor(server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText());
        assertThat(again.get("status").asText()).isEqualTo("success");
        for (String job : new String[] {"make", "scale", "sum"}) {
            assertThat(job(again, job, "status")).as(job).isEqualTo("cached");
        }
        server.change(p, "main", null, "[{'op':'replace','path':'/pipelines/chain/nodes/scale/attributes/factor','value':3}]");
        JsonNode changed = waitFor(server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText());
        assertThat(job(changed, "make", "status")).isEqualTo("cached");
        assertThat(job(changed, "scale", "status")).isEqualTo("success");
        assertThat(job(changed, "sum", "status")).isEqualTo("success");
        assertThat(server.get("/api/v1/executions/" + changed.get("id").asText() + "/jobs/sum/log").json().get("lines").toString()).contains("total 18");

        JsonNode ignored = waitFor(server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{\"ignoreCache\":true}").json().get("id").asText());
        assertThat(job(ignored, "make", "status")).isEqualTo("success");
        JsonNode oneIgnored = waitFor(server.post("/api/v1/projects/" + p + "/pipelines/chain/executions",
                "{\"ignoreCacheJobs\":[\"sum\"]}").json().get("id").asText());
        assertThat(job(oneIgnored, "make", "status")).isEqualTo("cached");
        assertThat(job(oneIgnored, "sum", "status")).isEqualTo("success");
    }

    @Test
    void rerunResumesFromTheFailedJob() throws Exception {
        // a job sees nothing of the host but the network: a service that fails the first try, as a flaky data source would
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer source = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        source.createContext("/", exchange -> {
            byte[] answer = (tries.getAndIncrement() == 0 ? "down" : "up").getBytes();
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        source.start();
        try {
            String url = "http://127.0.0.1:" + source.getAddress().getPort() + "/";
            String p = project("        import urllib.request\n        values = list(range(self.n))\n"
                    + "        if urllib.request.urlopen(" + Json.MAPPER.writeValueAsString(url) + ").read() == b'down':\n"
                    + "            raise RuntimeError('first try fails')\n        return values\n");
            String first = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
            assertThat(waitFor(first).get("status").asText()).isEqualTo("failed");
            var rerun = server.post("/api/v1/executions/" + first + "/rerun", "{}");
            assertThat(rerun.status()).as(rerun.body()).isEqualTo(201);
            JsonNode done = waitFor(rerun.json().get("id").asText());
            assertThat(done.get("status").asText()).isEqualTo("success");
            assertThat(job(done, "make", "status")).isEqualTo("success");
            assertThat(done.get("name").asText()).endsWith("(rerun)");
            assertThat(tries.get()).isEqualTo(2);
        } finally {
            source.stop(0);
        }
    }

    @Test
    void aServerRestartMidRunReattachesAndFinishesWithCompleteLogs() throws Exception {
        java.nio.file.Path data = java.nio.file.Files.createTempDirectory("restart");
        String p;
        String id;
        try (TestServer first = new TestServer(data)) {
            p = first.post("/api/v1/projects", "{\"name\":\"Restart\",\"empty\":true}").json().get("id").asText();
            String code = Json.MAPPER.writeValueAsString("import time\n\nclass Slow:\n    def execute(self):\n"
                    + "        for i in range(6):\n            print('tick', i, flush=True)\n            time.sleep(0.5)\n"
                    + "        done = 'finished'\n        return done\n");
            first.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/Slow\",\"value\":{\"code\":"
                    + code + "}},{\"op\":\"add\",\"path\":\"/pipelines/s\",\"value\":{\"name\":\"slow\",\"nodes\":{\"j\":{\"operation\":\"Slow\"}},\"connections\":{}}}]}");
            id = first.post("/api/v1/projects/" + p + "/pipelines/s/executions", "{}").json().get("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    first.get("/api/v1/executions/" + id + "/jobs/j/log").json().get("lines").toString().contains("tick 1"));
        }
        try (TestServer second = new TestServer(data)) {
            JsonNode done = waitFor(second, id);
            assertThat(done.get("status").asText()).isEqualTo("success");
            JsonNode lines = second.get("/api/v1/executions/" + id + "/jobs/j/log").json().get("lines");
            java.util.List<String> all = new java.util.ArrayList<>();
            lines.forEach(l -> all.add(l.asText()));
            assertThat(all).containsExactly("tick 0", "tick 1", "tick 2", "tick 3", "tick 4", "tick 5");
        }
    }

    @Test
    void withWarmStartJobsAreForkedFromAPreStartedPython() throws Exception {
        java.nio.file.Path data = java.nio.file.Files.createTempDirectory("warm");
        try (TestServer warm = new TestServer(ServerConfig.builder(data).python("/usr/bin/python3").warmStart(true).build())) {
            TestServer saved = server;
            server = warm;
            try {
                String p = project("        import numpy\n        values = list(range(self.n))\n        return values\n");
                String id = warm.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
                JsonNode done = waitFor(warm, id);
                assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
                assertThat(warm.get("/api/v1/executions/" + id + "/jobs/sum/log").json().get("lines").toString()).contains("total 60");
            } finally {
                server = saved;
            }
        }
    }

    @Test
    void metricsAndPlotsArriveLiveAndAreKept() throws Exception {
        String p = project("        import matplotlib.pyplot as plt\n        from deepforge import log_metric\n"
                + "        for step in range(200):\n            log_metric('loss', 1.0 / (step + 1), step)\n"
                + "        plt.plot([1, 2, 3], [3, 1, 2])\n        plt.title('loss curve')\n        plt.show()\n"
                + "        values = [1, 2]\n        return values\n");
        try (WebSocketTest.Client ws = new WebSocketTest.Client(server)) {
            String id = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
            ws.send("{'type':'watch','execution':'" + id + "'}");
            JsonNode done = waitFor(id);
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
            JsonNode metrics = server.get("/api/v1/executions/" + id + "/jobs/make/metrics").json();
            assertThat(metrics.get("loss")).hasSize(200);
            assertThat(metrics.get("loss").get(199).get(0).asInt()).isEqualTo(199);
            JsonNode plots = server.get("/api/v1/executions/" + id + "/jobs/make/plots").json();
            assertThat(plots).hasSize(1);
            assertThat(plots.get(0).get("title").asText()).isEqualTo("loss curve");
            assertThat(plots.get(0).get("svg").asText()).contains("<svg");
            assertThat(ws.nextEvent("plot").get("job").asText()).isEqualTo("make");

            // run again unchanged: the cached job shows what the job it reused logged and drew
            JsonNode again = waitFor(server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText());
            assertThat(job(again, "make", "status")).isEqualTo("cached");
            String cached = "/api/v1/executions/" + again.get("id").asText() + "/jobs/make/";
            assertThat(server.get(cached + "metrics").json()).isEqualTo(metrics);
            assertThat(server.get(cached + "plots").json().get(0).get("svg").asText()).isEqualTo(plots.get(0).get("svg").asText());
            assertThat(server.get(cached + "log").json().get("lines"))
                    .isEqualTo(server.get("/api/v1/executions/" + id + "/jobs/make/log").json().get("lines"));
            assertThat(server.get("/api/v1/executions/" + again.get("id").asText() + "/jobs/nope/metrics").status()).isEqualTo(404);
        }
    }

    @Test
    void a3dScatterPlotKeepsItsPointsForTheRotatableView() throws Exception {
        String p = project("        import matplotlib.pyplot as plt\n"
                + "        xs = [i / 10 for i in range(50)]\n"
                + "        axes = plt.figure().add_subplot(projection='3d')\n"
                + "        axes.scatter(xs, [x * x for x in xs], [-x for x in xs], c=xs, cmap='viridis')\n"
                + "        axes.set_title('embedding')\n        axes.set_xlabel('t1')\n        plt.show()\n"
                + "        values = [1, 2]\n        return values\n");
        try (WebSocketTest.Client ws = new WebSocketTest.Client(server)) {
            String id = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
            ws.send("{'type':'watch','execution':'" + id + "'}");
            JsonNode done = waitFor(id);
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
            JsonNode plots = server.get("/api/v1/executions/" + id + "/jobs/make/plots").json();
            assertThat(plots).hasSize(1);
            JsonNode plot = plots.get(0);
            assertThat(plot.get("svg").asText()).contains("<svg");
            JsonNode data = plot.get("data");
            assertThat(data.get("kind").asText()).isEqualTo("scatter3d");
            JsonNode axes = data.get("axes").get(0);
            assertThat(axes.get("title").asText()).isEqualTo("embedding");
            assertThat(axes.get("xlabel").asText()).isEqualTo("t1");
            JsonNode series = axes.get("series").get(0);
            assertThat(series.get("x")).hasSize(50);
            assertThat(series.get("y").get(49).asDouble()).isEqualTo(24.01);
            assertThat(series.get("z").get(10).asDouble()).isEqualTo(-1.0);
            assertThat(series.get("colors")).hasSize(50);
            assertThat(series.get("colors").get(0).asText()).isEqualTo("#440154"); // viridis at the lowest c
            assertThat(series.get("colors").get(49).asText()).isEqualTo("#fde725"); // and at the highest
            // the live message carries the data as well
            assertThat(ws.nextEvent("plot").get("data").get("axes").get(0).get("series").get(0).get("x")).hasSize(50);
            // a 2-D plot has none
            assertThat(server.get("/api/v1/executions/" + id + "/jobs/scale/plots").json()).isEmpty();
        }
    }

    @Test
    void aFailingJobShowsItsExceptionLineAndSkipsDependents() throws Exception {
        String p = project("        raise RuntimeError('sensor offline')\n        return values\n");
        String id = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
        JsonNode done = waitFor(id);
        assertThat(done.get("status").asText()).isEqualTo("failed");
        assertThat(job(done, "make", "message")).isEqualTo("RuntimeError: sensor offline");
        assertThat(job(done, "scale", "status")).isEqualTo("skipped");
        assertThat(server.get("/api/v1/executions/" + id + "/jobs/make/log").json().get("lines").toString()).contains("Traceback");
    }

    @Test
    void cancelStopsARunningExecutionWithinFiveSeconds() throws Exception {
        String p = project("        print('working', flush=True)\n        time.sleep(60)\n        values = []\n        return values\n");
        String id = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                server.get("/api/v1/executions/" + id + "/jobs/make/log").json().get("lines").toString().contains("working"));
        long t0 = System.nanoTime();
        var cancelled = server.post("/api/v1/executions/" + id + "/cancel", "{}");
        assertThat((System.nanoTime() - t0) / 1e9).as("the cancel promise (docs/jobs.md)").isLessThan(5.0);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
        assertThat(job(cancelled.json(), "make", "status")).isEqualTo("cancelled");
    }

    @Test
    void pipelinesWithProblemsAndUnknownIdsAreRefused() throws Exception {
        String p = project("        values = []\n        return values\n");
        server.post("/api/v1/projects/" + p + "/branches/main/changes",
                "{\"patch\":[{\"op\":\"remove\",\"path\":\"/pipelines/chain/connections/c1\"}]}");
        var r = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("problem").contains("not connected");
        assertThat(r.json().get("problems")).isNotEmpty();
        assertThat(server.post("/api/v1/projects/" + p + "/pipelines/nope/executions", "{}").status()).isEqualTo(404);
        server.post("/api/v1/projects/" + p + "/branches/main/changes",
                "{\"patch\":[{\"op\":\"add\",\"path\":\"/pipelines/chain/connections/c1\",\"value\":"
                + "{\"from\":{\"node\":\"make\",\"port\":\"values\"},\"to\":{\"node\":\"scale\",\"port\":\"values\"}}},"
                + "{\"op\":\"add\",\"path\":\"/operations/Sum/requirements\",\"value\":[\"numpy\",\"surely-not-installed-pkg\"]}]}");
        var missing = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error").asText()).contains("Sum needs surely-not-installed-pkg").doesNotContain("numpy");
        assertThat(server.get("/api/v1/executions/enope").status()).isEqualTo(404);
        assertThat(server.get("/api/v1/executions/enope/jobs/x/log").status()).isEqualTo(404);
    }

    @Test
    void unknownAdaptersAreRefusedNamingTheAvailableOnesAndNothingIsRecorded() throws Exception {
        String p = project("        values = [1]\n        return values\n");
        var compute = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{\"compute\":{\"adapter\":\"kubernetes\"}}");
        assertThat(compute.status()).isEqualTo(400);
        assertThat(compute.json().get("error").asText()).contains("\"kubernetes\" is not available").contains("local");
        var storage = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{\"storage\":{\"adapter\":\"ftp\"}}");
        assertThat(storage.status()).isEqualTo(400);
        assertThat(storage.json().get("error").asText()).contains("\"ftp\" is not available").contains("local");
        var notAnObject = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{\"compute\":\"local\"}");
        assertThat(notAnObject.status()).isEqualTo(400);
        assertThat(server.get("/api/v1/projects/" + p + "/executions").json().get("items")).isEmpty();
    }
}
