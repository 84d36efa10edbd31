package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.deepforge.exec.events.JobEvent;
import org.deepforge.exec.run.SqliteRunStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Metric series at any size over real HTTP: a real Python job logs a small series; a big one (300,000 points) is written
 * straight into the run database beside it; then the downsampling query, its bounds, the CSV stream and bad parameters.
 */
class MetricsApiTest {
    static final int BIG = 300_000;
    static final long MIN_STEP = 123_457;
    static final long MAX_STEP = 234_567;
    static TestServer server;
    static String execution;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
        String p = ExecutionsApiTest.project(server, "        from deepforge import log_metric\n"
                + "        for step in range(50):\n            log_metric('loss', 1.0 / (step + 1), step)\n"
                + "        log_metric('loss', 0.5)\n        values = [1, 2]\n        return values\n");
        execution = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
        JsonNode done = ExecutionsApiTest.waitFor(server, execution);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        base = "/api/v1/executions/" + execution + "/jobs/make/metrics";
        try (SqliteRunStore runs = new SqliteRunStore(server.dataDir.resolve("runs.db"))) {
            for (int from = 0; from < BIG; from += 10_000) {
                List<JobEvent> batch = new ArrayList<>();
                for (int step = from; step < from + 10_000; step++) {
                    double value = step == MIN_STEP ? -1000 : step == MAX_STEP ? 1000 : Math.sin(step / 1000.0);
                    batch.add(new JobEvent.Metric("big", OptionalDouble.of(value), OptionalLong.of(step), 1.7e9 + step));
                }
                runs.addEvents(execution, "make", batch);
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void stepsValuesAndTimesAreJsonNumbers() throws Exception {
        JsonNode loss = server.get(base + "?from=0&to=100").json().get("loss");
        assertThat(loss).hasSize(51); // a point without a step follows the last one
        assertThat(loss.get(50).get(0).asLong()).isEqualTo(50);
        for (JsonNode point : loss) {
            assertThat(point.get(0).isIntegralNumber()).isTrue();
            assertThat(point.get(1).isNumber()).isTrue();
            assertThat(point.get(2).isNumber()).as("time is seconds since the epoch, as a number").isTrue();
            assertThat(point.get(2).asDouble()).isGreaterThan(1.6e9);
        }
    }

    @Test
    void aChartQueryKeepsFirstLastMinimumAndMaximum() throws Exception {
        var r = server.get(base + "?points=2000");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode big = r.json().get("big");
        assertThat(big.size()).isBetween(1500, 2000);
        List<Long> steps = new ArrayList<>();
        big.forEach(p -> steps.add(p.get(0).asLong()));
        assertThat(steps).isSorted().doesNotHaveDuplicates();
        assertThat(steps.get(0)).isZero();
        assertThat(steps.get(steps.size() - 1)).isEqualTo(BIG - 1);
        assertThat(steps).contains(MIN_STEP, MAX_STEP);
        assertThat(big.get(steps.indexOf(MIN_STEP)).get(1).asDouble()).isEqualTo(-1000);
        assertThat(big.get(steps.indexOf(MAX_STEP)).get(1).asDouble()).isEqualTo(1000);
        assertThat(big.get(steps.indexOf(MAX_STEP)).get(2).asDouble()).isEqualTo(1.7e9 + MAX_STEP);
        assertThat(r.json().get("loss")).hasSize(51); // a short series stays whole
    }

    @Test
    void fromAndToBoundTheStepsInclusively() throws Exception {
        JsonNode big = server.get(base + "?points=100&from=1000&to=1999").json().get("big");
        assertThat(big.size()).isBetween(50, 100);
        assertThat(big.get(0).get(0).asLong()).isEqualTo(1000);
        assertThat(big.get(big.size() - 1).get(0).asLong()).isEqualTo(1999);
        big.forEach(p -> assertThat(p.get(0).asLong()).isBetween(1000L, 1999L));
        JsonNode whole = server.get(base + "?from=5000&to=5999").json();
        assertThat(whole.get("big")).hasSize(1000);
        assertThat(whole.get("loss")).isEmpty();
        JsonNode zoomed = server.get(base + "?points=10&from=" + (MIN_STEP - 3) + "&to=" + (MIN_STEP + 3)).json().get("big");
        assertThat(zoomed).hasSize(7); // fewer points than asked for: all of them
    }

    @Test
    void aWholeSeriesBeyondTheLimitIsRefusedWithWhatToDoInstead() throws Exception {
        var r = server.get(base);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").asText()).contains("?points=", "metrics.csv", "\"big\"");
    }

    @Test
    void aJobsMetricsAreCompleteWhenItsStatusSaysItEnded() throws Exception {
        int points = 200_000;
        String p = ExecutionsApiTest.project(server, "        from deepforge import log_metric\n"
                + "        for step in range(" + points + "):\n            log_metric('loss', step % 7, step)\n"
                + "        values = [1, 2]\n        return values\n");
        String run = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
        JsonNode done = ExecutionsApiTest.waitFor(server, run);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        // the first read after the status said success already has every point
        HttpResponse<Stream<String>> csv = server.http.send(HttpRequest.newBuilder(URI.create(server.url(
                "/api/v1/executions/" + run + "/jobs/make/metrics.csv"))).timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = csv.body()) {
            assertThat(lines.count()).isEqualTo(1 + points);
        }
        JsonNode chart = server.get("/api/v1/executions/" + run + "/jobs/make/metrics?points=100").json().get("loss");
        assertThat(chart.get(chart.size() - 1).get(0).asLong()).isEqualTo(points - 1);
    }

    @Test
    void theCsvDownloadStreamsEveryPoint() throws Exception {
        for (String path : List.of(base + ".csv", base + "?format=csv")) {
            HttpResponse<Stream<String>> r = server.http.send(HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
            assertThat(r.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment;").contains(".csv");
            long[] count = new long[1];
            String[] first = new String[3];
            try (Stream<String> lines = r.body()) {
                lines.forEach(line -> {
                    if (count[0] < 3) {
                        first[(int) count[0]] = line;
                    }
                    count[0]++;
                });
            }
            assertThat(first[0]).isEqualTo("name,step,value,time");
            assertThat(first[1]).startsWith("loss,0,1.0,");
            assertThat(count[0]).isEqualTo(1 + 51 + BIG);
        }
        assertThat(server.get("/api/v1/executions/" + execution + "/jobs/nope/metrics.csv").status()).isEqualTo(404);
    }

    @Test
    void badParametersSayWhatToFix() throws Exception {
        assertBad("?points=lots", "\"points\" must be a whole number");
        assertBad("?points=1", "\"points\" must be from 2 to 100000, not 1");
        assertBad("?points=100001", "\"points\" must be from 2 to 100000, not 100001");
        assertBad("?points=99999999999999", "\"points\" must be from 2 to 100000, not 99999999999999");
        assertBad("?points=99999999999999999999", "\"points\" must be a whole number");
        assertBad("?from=5&to=4", "from (5) must not be after to (4)");
        assertBad("?from=1.5", "\"from\" must be a whole number");
        assertBad("?format=xml", "\"format\" must be json or csv");
        assertThat(server.get("/api/v1/executions/" + execution + "/jobs/nope/metrics?points=10").status()).isEqualTo(404);
    }

    private static void assertBad(String query, String message) throws Exception {
        var r = server.get(base + query);
        assertThat(r.status()).as(query).isEqualTo(400);
        assertThat(r.json().get("error").asText()).as(query).contains(message);
    }
}
