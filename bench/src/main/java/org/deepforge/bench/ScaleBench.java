package org.deepforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code bench/run scale}: a research lab's year on one small server, built the way users build it (REST only) —
 * projects, a thousand edits in one project, thousands of real executions of a small pipeline, a job logging a
 * million metric points — with the server in a JVM of its own under a 1 GB heap limit, as {@code ./deepforge serve}
 * starts it. Prints each read's p50/p95 with the server's heap high-water mark (from its GC log, {@link ServerHeap}).
 *
 * <pre>bench/run scale [--projects 100] [--commits 1000] [--executions 10000] [--points 1000000] [--clients 8]
 *                  [--repeat 50] [--heap 1g] [--jar cli/target/deepforge.jar]</pre>
 */
final class ScaleBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The four series of the big job; each gets points / 4 steps with one spike up and one down at known steps. */
    private static final List<String> SERIES = List.of("loss", "accuracy", "lr", "grad_norm");

    private final String base;
    private final ServerHeap heap;
    private final int repeat;
    private final AtomicInteger failures = new AtomicInteger();
    private long overallHighWater;

    private ScaleBench(int port, ServerHeap heap, int repeat) {
        this.base = "http://127.0.0.1:" + port;
        this.heap = heap;
        this.repeat = repeat;
    }

    static void main(String[] args) throws Exception {
        int projects = 100;
        int commits = 1000;
        int executions = 10_000;
        int points = 1_000_000;
        int clients = 8;
        int repeat = 50;
        String heapLimit = "1g";
        Path jar = Path.of("cli/target/deepforge.jar").toAbsolutePath();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--projects" -> projects = Integer.parseInt(args[++i]);
                case "--commits" -> commits = Integer.parseInt(args[++i]);
                case "--executions" -> executions = Integer.parseInt(args[++i]);
                case "--points" -> points = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--heap" -> heapLimit = args[++i];
                case "--jar" -> jar = Path.of(args[++i]).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --projects N, --commits N, --executions N, "
                        + "--points N, --clients N, --repeat N, --heap SIZE, --jar PATH");
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " is not there; build it first (mvn -B -q package -DskipTests)");
        }
        Path work = System.getProperty("bench.dir") != null ? Files.createTempDirectory(Path.of(System.getProperty("bench.dir")), "deepforge-scale")
                : Files.createTempDirectory("deepforge-scale");
        Path data = work.resolve("data");
        Path gcLog = work.resolve("gc.log");
        int port = freePort();
        System.out.printf("DeepForge at a lab's scale — %s, %d cores, java %s%n", Instant.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        System.out.printf("%d projects, %d commits in one project, %,d executions, a job logging %,d metric points; server: -Xmx%s, own JVM%n",
                projects, commits, executions, points, heapLimit);
        System.out.printf("work dir %s (server log: server.log, GC log: gc.log)%n%n", work);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heapLimit,
                "-Xlog:gc:file=" + gcLog, "-jar", jar.toString(), "serve", "--data-dir=" + data, "--port=" + port);
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile()).start();
        try {
            StartBench.awaitHealthy(server, port, work.resolve("server.log"), Duration.ofMinutes(3));
            ScaleBench bench = new ScaleBench(port, new ServerHeap(server.pid(), gcLog), repeat);
            bench.run(projects, commits, executions, points, clients, work, data);
            System.out.printf("%nserver heap high-water over the whole run: %d MB of -Xmx%s (garbage included); failed requests: %d; server %s%n",
                    bench.overallHighWater, heapLimit, bench.failures.get(), server.isAlive() ? "still up" : "DIED (see server.log)");
        } finally {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private void run(int projects, int commits, int executions, int points, int clients, Path work, Path data) throws Exception {
        String p = phase("projects", () -> createProjects(projects));
        phase("commits", () -> {
            edit(p, commits);
            return null;
        });
        String sample = phase("executions", () -> runExecutions(p, executions, clients));
        String big = phase("metrics job", () -> metricsJob(p, points));

        System.out.printf("%nreads (%d requests each after 5 warm-ups)%n", repeat);
        String api = "/api/v1";
        timed("executions, the largest page ?limit=500", api + "/projects/" + p + "/executions?limit=500", Math.max(5, repeat / 5));
        timed("executions, first page ?limit=50  target p95 ≤ 50 ms", api + "/projects/" + p + "/executions?limit=50", repeat);
        timed("one execution", api + "/executions/" + sample, repeat);
        timed("history page", api + "/projects/" + p + "/history", repeat);
        timed("commits page", api + "/projects/" + p + "/commits", repeat);
        timed("model", api + "/projects/" + p + "/model", repeat);
        String job = api + "/executions/" + big + "/jobs/big";
        timed("chart query ?points=2000  target p95 ≤ 50 ms", job + "/metrics?points=2000", repeat);
        timed("zoomed chart query, 1% of the steps", job + "/metrics?points=2000&from=" + (points / 12) + "&to=" + (points / 12 + points / 400), repeat);
        Map<String, double[]> extremes = csv(job + "/metrics.csv", points);
        extremes(job + "/metrics?points=2000", extremes);
        clone(p, work);
        disk(data);
        browser(p, big);
    }

    /** Chromium records when the first execution row and when four drawn charts are on the page (from navigation start). */
    private static final String PROBE = """
            (() => {
              const s = window.__scale = { rows: null, charts: null };
              const tick = () => {
                if (s.rows === null && document.querySelector("[data-testid='execution-row']")) s.rows = performance.now();
                if (s.charts === null && document.querySelectorAll("[data-testid='metric-chart'] .u-over").length >= 4) s.charts = performance.now();
                requestAnimationFrame(tick);
              };
              requestAnimationFrame(tick);
            })();
            """;

    /**
     * The two pages the issue times in headless Chromium (as the UI tests start it), each opened fresh 5 times after
     * one warm-up: the Executions page until its first row shows, and the million-point job's Metrics tab from the
     * click until its four charts are drawn.
     */
    private void browser(String p, String big) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/chromium")) || !Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
            System.out.println("browser figures skipped: no /usr/bin/chromium and /usr/bin/chromedriver");
            return;
        }
        System.out.printf("%nin Chromium (headless, 1280×800; 5 fresh openings after a warm-up; ms)%n");
        ChromeDriverService service = BrowserBench.chromeDriverService();
        Path profile = Files.createTempDirectory("deepforge-scale-chrome");
        ChromeDriver driver = BrowserBench.chromium(service, profile);
        try {
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
            List<Double> rows = new ArrayList<>();
            List<Double> charts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                driver.get("about:blank");
                driver.get(base + "/p/" + p + "/main/executions");
                double first = awaitNumber(driver, "rows", "the first execution row");
                driver.get("about:blank");
                driver.get(base + "/p/" + p + "/main/executions/" + big);
                By job = By.cssSelector("[data-testid='job-node'][data-job='big']");
                new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> {
                    List<WebElement> found = d.findElements(job);
                    if (found.isEmpty() || !found.get(0).isDisplayed()) {
                        return false;
                    }
                    found.get(0).click();
                    return !d.findElements(By.cssSelector("[data-testid='metrics-tab']")).isEmpty();
                });
                double clicked = ((Number) driver.executeScript(
                        "const t = performance.now(); document.querySelector(\"[data-testid='metrics-tab']\").click(); return t;")).doubleValue();
                double drawn = awaitNumber(driver, "charts", "four drawn charts");
                if (i > 0) {
                    rows.add(first);
                    charts.add(drawn - clicked);
                }
            }
            System.out.printf("%-48s p50 %8.0f  max %8.0f   target ≤ 1000 ms%n", "Executions page: first rows, from navigation", Bench.pct(rows, 50),
                    Bench.pct(rows, 100));
            System.out.printf("%-48s p50 %8.0f  max %8.0f   target ≤ 1000 ms%n", "Metrics tab of the points job: 4 charts drawn", Bench.pct(charts, 50),
                    Bench.pct(charts, 100));
        } finally {
            driver.quit();
            service.stop();
        }
    }

    /** Waits (up to a minute) until the probe has set {@code field}; its value. */
    private static double awaitNumber(ChromeDriver driver, String field, String what) {
        Object v = driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const until = performance.now() + 60000;
                const wait = () => window.__scale.%s !== null ? done(window.__scale.%s)
                    : performance.now() > until ? done(null) : requestAnimationFrame(wait);
                wait();""".formatted(field, field));
        if (v == null) {
            throw new IllegalStateException("Chromium never showed " + what);
        }
        return ((Number) v).doubleValue();
    }

    /** A step of the scenario, with its time and the server's heap high-water mark during it. */
    private <T> T phase(String name, Step<T> step) throws Exception {
        heap.mark();
        long t0 = System.nanoTime();
        T result = step.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long high = heap.highWaterMb();
        overallHighWater = Math.max(overallHighWater, high);
        System.out.printf("%-48s %8.1f s   heap high-water %5d MB, live after %4d MB%n", name, seconds, high, heap.liveMb());
        return result;
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws Exception;
    }

    /** {@code n - 1} projects as users make them (with the built-in operations), and the project the rest happens in. */
    private String createProjects(int n) throws Exception {
        for (int i = 1; i < n; i++) {
            send("POST", "/api/v1/projects", "{\"name\":\"Lab project " + i + "\"}");
        }
        String p = send("POST", "/api/v1/projects", "{\"name\":\"Scale\",\"empty\":true}").get("id").asText();
        String ops = Json.MAPPER.writeValueAsString(Map.of(
                "Make", Map.of("code", "class Make:\n    def __init__(self, n=3):\n        self.n = n\n\n    def execute(self):\n"
                        + "        values = list(range(self.n))\n        print('made', len(values))\n        return values\n"),
                "Big", Map.of("code", "import math\nfrom deepforge import log_metric\n\n\nclass Big:\n    def __init__(self, points=1000):\n"
                        + "        self.points = points\n\n    def execute(self):\n        n = self.points // 4\n"
                        + "        for k, name in enumerate(" + pythonList(SERIES) + "):\n"
                        + "            up = n * (k + 1) // 7\n            down = n * (k + 3) // 9\n"
                        + "            for s in range(n):\n                v = math.sin(s / (500.0 + k)) + (s % 97) / 97.0\n"
                        + "                if s == up:\n                    v = 50.0 + k\n                elif s == down:\n                    v = -50.0 - k\n"
                        + "                log_metric(name, v, s)\n        steps = n\n        return steps\n")));
        String pipelines = "{\"small\":{\"name\":\"Small\",\"nodes\":{\"make\":{\"operation\":\"Make\",\"attributes\":{\"n\":4}}},\"connections\":{}},"
                + "\"metrics\":{\"name\":\"Metrics\",\"nodes\":{\"big\":{\"operation\":\"Big\",\"attributes\":{\"points\":1000}}},\"connections\":{}}}";
        send("POST", "/api/v1/projects/" + p + "/branches/main/changes", "{\"message\":\"scale bench\",\"patch\":[{\"op\":\"replace\",\"path\":\"/operations\",\"value\":"
                + ops + "},{\"op\":\"add\",\"path\":\"/pipelines\",\"value\":" + pipelines + "}]}");
        return p;
    }

    private static String pythonList(List<String> names) {
        return "[" + String.join(", ", names.stream().map(n -> "'" + n + "'").toList()) + "]";
    }

    /** {@code n} edits one after another, each on the head the last one made (a user changing an attribute). */
    private void edit(String p, int n) throws Exception {
        String head = send("GET", "/api/v1/projects/" + p + "/model", null).get("commit").asText();
        for (int i = 0; i < n; i++) {
            head = send("POST", "/api/v1/projects/" + p + "/branches/main/changes", "{\"base\":\"" + head + "\",\"message\":\"edit " + i
                    + "\",\"patch\":[{\"op\":\"replace\",\"path\":\"/pipelines/small/nodes/make/attributes/n\",\"value\":" + (i % 50 + 2) + "}]}")
                    .get("commit").asText();
        }
    }

    /** {@code n} real runs (no cache) of the small pipeline, {@code clients} at a time, each awaited; returns one of them. */
    private String runExecutions(String p, int n, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger notSuccess = new AtomicInteger();
        AtomicReference<String> sample = new AtomicReference<>();
        AtomicLong t0 = new AtomicLong(System.nanoTime());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                while (next.getAndIncrement() < n) {
                    String id = send("POST", "/api/v1/projects/" + p + "/pipelines/small/executions", "{\"ignoreCache\":true}").get("id").asText();
                    JsonNode e = awaitFinished(id);
                    if (!"success".equals(e.path("status").asText())) {
                        notSuccess.incrementAndGet();
                    }
                    sample.compareAndSet(null, id);
                    int d = done.incrementAndGet();
                    if (d % Math.max(1, n / 10) == 0) {
                        System.out.printf("  %,d executions, %.1f/s%n", d, d / ((System.nanoTime() - t0.get()) / 1e9));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("  %,d executions in %.1f s (%.1f/s), %d not successful%n", n, (System.nanoTime() - t0.get()) / 1e9,
                n / ((System.nanoTime() - t0.get()) / 1e9), notSuccess.get());
        return sample.get();
    }

    /** The job logging {@code points} metric points in four series; returns its execution, checked complete once it says it ended. */
    private String metricsJob(String p, int points) throws Exception {
        String head = send("GET", "/api/v1/projects/" + p + "/model", null).get("commit").asText();
        send("POST", "/api/v1/projects/" + p + "/branches/main/changes", "{\"base\":\"" + head + "\",\"message\":\"a million points\","
                + "\"patch\":[{\"op\":\"replace\",\"path\":\"/pipelines/metrics/nodes/big/attributes/points\",\"value\":" + points + "}]}");
        long t0 = System.nanoTime();
        String id = send("POST", "/api/v1/projects/" + p + "/pipelines/metrics/executions", "{\"ignoreCache\":true}").get("id").asText();
        JsonNode e = awaitFinished(id);
        System.out.printf("  the job: %s in %.1f s%n", e.path("status").asText(), (System.nanoTime() - t0) / 1e9);
        return id;
    }

    private JsonNode awaitFinished(String execution) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
            JsonNode e = send("GET", "/api/v1/executions/" + execution, null);
            if (e.path("finished").isTextual()) {
                return e;
            }
            Thread.sleep(25); // a user's page is told by WebSocket; polling at this rate costs the server little
        }
        throw new IllegalStateException("execution " + execution + " did not finish in 30 minutes");
    }

    /** p50/p95 of GETs of {@code path} (their bodies read to the end) with the response size and the heap high-water mark. */
    private void timed(String name, String path, int times) throws Exception {
        heap.mark();
        long bytes = 0;
        double[] ms = new double[times];
        for (int i = -5; i < times; i++) {
            long t0 = System.nanoTime();
            bytes = drain(get(path));
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(ms);
        long high = heap.highWaterMb();
        overallHighWater = Math.max(overallHighWater, high);
        System.out.printf("%-56s p50 %7.1f ms  p95 %7.1f ms  %,11d bytes   heap high-water %5d MB, live after %4d MB%n", name, ms[times / 2],
                ms[Math.min(times - 1, (int) Math.ceil(times * 0.95) - 1)], bytes, high, heap.liveMb());
    }

    /**
     * The full-resolution CSV, read as a user's download would be, each series' minimum and maximum kept on the way; a
     * full collection in the server half-way through shows what the stream holds live, beside the high-water mark.
     */
    private Map<String, double[]> csv(String path, int points) throws Exception {
        long before = heap.liveMb();
        heap.mark();
        long live = -1;
        long rows = 0;
        long bytes = 0;
        Map<String, double[]> extremes = new LinkedHashMap<>(); // name → {min, step of min, max, step of max}
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = get(path);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8), 1 << 16)) {
            String header = in.readLine();
            bytes += header.length() + 2;
            for (String line; (line = in.readLine()) != null; ) {
                bytes += line.length() + 2;
                String[] f = line.split(",", 4); // name,step,value,time
                double v = Double.parseDouble(f[2]);
                long step = Long.parseLong(f[1]);
                double[] e = extremes.computeIfAbsent(f[0], k -> new double[] {Double.MAX_VALUE, 0, -Double.MAX_VALUE, 0});
                if (v < e[0]) {
                    e[0] = v;
                    e[1] = step;
                }
                if (v > e[2]) {
                    e[2] = v;
                    e[3] = step;
                }
                if (++rows == points / 2) {
                    live = heap.liveMb();
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long high = heap.highWaterMb();
        overallHighWater = Math.max(overallHighWater, high);
        System.out.printf("%-56s %7.1f s, %,d rows (%s), %,d bytes%n", "full CSV download", seconds, rows,
                rows == points ? "every point" : "EXPECTED " + points, bytes);
        System.out.printf("  server heap: live %d MB before, %d MB half-way through the stream (growth %+d MB, target < 100 MB); "
                + "high-water %d MB (with garbage)%n", before, live, live - before, high);
        return extremes;
    }

    /** Every series' minimum and maximum (from the CSV) must be points of the downsampled chart query. */
    private void extremes(String path, Map<String, double[]> extremes) throws Exception {
        JsonNode chart = send("GET", path, null);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, double[]> e : extremes.entrySet()) {
            double[] x = e.getValue();
            if (!has(chart.path(e.getKey()), (long) x[1], x[0])) {
                missing.add(e.getKey() + " min " + x[0] + " at step " + (long) x[1]);
            }
            if (!has(chart.path(e.getKey()), (long) x[3], x[2])) {
                missing.add(e.getKey() + " max " + x[2] + " at step " + (long) x[3]);
            }
        }
        System.out.printf("%-56s %s%n", "extremes of each series in the 2,000-point query",
                missing.isEmpty() ? "all " + extremes.size() * 2 + " present" : "MISSING: " + missing);
    }

    private static boolean has(JsonNode series, long step, double value) {
        for (JsonNode point : series) {
            if (point.get(0).asLong() == step && point.get(1).asDouble() == value) {
                return true;
            }
        }
        return false;
    }

    /** {@code git clone} of the project over smart HTTP: time, size, and the tags it brings. */
    private void clone(String p, Path work) throws Exception {
        Path into = work.resolve("clone");
        long t0 = System.nanoTime();
        Process git = new ProcessBuilder("git", "clone", "-q", base + "/git/" + p, into.toString()).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (git.waitFor() != 0) {
            throw new IllegalStateException("git clone failed: " + out);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Process tags = new ProcessBuilder("git", "-C", into.toString(), "tag").start();
        long count = new String(tags.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().count();
        tags.waitFor();
        System.out.printf("%-56s %7.1f s, %,d bytes on disk, %d tags%n", "git clone of the project", seconds, size(into), count);
    }

    /** The data directory's size, by what is in it. */
    private void disk(Path data) throws IOException {
        System.out.printf("%-56s %,d bytes%n", "data directory", size(data));
        try (Stream<Path> top = Files.list(data)) {
            for (Path d : top.sorted().toList()) {
                System.out.printf("  %-54s %,d bytes%n", data.relativize(d), size(d));
            }
        }
        long events;
        try (Stream<Path> files = Files.walk(data)) {
            events = files.filter(f -> f.getFileName().toString().equals("events.jsonl")).mapToLong(ScaleBench::bytes).sum();
        }
        System.out.printf("  %-54s %,d bytes%n", "of which events.jsonl files", events);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(ScaleBench::bytes).sum();
        }
    }

    private static long bytes(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0; // gone meanwhile
        }
    }

    private HttpResponse<InputStream> get(String path) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            failures.incrementAndGet();
            throw new IllegalStateException("GET " + path + " -> " + r.statusCode() + " " + new String(r.body().readNBytes(2000), StandardCharsets.UTF_8));
        }
        return r;
    }

    /** A small JSON exchange (a failure counts and stops the bench). */
    private JsonNode send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5));
        b = body == null ? b.GET() : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            failures.incrementAndGet();
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    private static long drain(HttpResponse<InputStream> r) throws IOException {
        try (InputStream in = r.body()) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
