package org.deepforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.deepforge.model.Json;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;
import org.deepforge.store.Author;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ProjectStore;

/**
 * Collaboration benchmarks on a real server over loopback HTTP and WebSocket:
 * accepted edits per second on one branch (against a bare store-level commit loop in the same run),
 * and edit→broadcast latency to N subscribed WebSocket clients (against a WebSocket ping round trip).
 */
public final class Bench {
    private static final int WARMUP_ROUNDS = 3;
    private final HttpClient http = HttpClient.newHttpClient();
    private App app;
    private String base;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("preview")) {
            PreviewBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("shapes")) {
            ShapesBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("train-parity")) {
            TrainParityBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("slurm")) {
            SlurmBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("dag")) {
            DagBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("metrics")) {
            MetricsBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("s3")) {
            S3Bench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("crash")) {
            CrashBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("browser")) {
            BrowserBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("start")) {
            StartBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("scale")) {
            ScaleBench.main(args);
            System.exit(0);
        }
        if (args.length > 0 && args[0].equals("parse")) {
            ParseBench.main(args);
            System.exit(0);
        }
        int writers = intArg(args, "--writers", 8);
        int edits = intArg(args, "--edits", 2000);
        int clients = intArg(args, "--clients", 50);
        int rate = intArg(args, "--rate", 100);
        int warmup = intArg(args, "--warmup", edits);
        new Bench().run(writers, edits, clients, rate, warmup);
        System.exit(0);
    }

    static int intArg(String[] args, String name, int fallback) {
        int i = Arrays.asList(args).indexOf(name);
        return i >= 0 && i + 1 < args.length ? Integer.parseInt(args[i + 1]) : fallback;
    }

    /**
     * {@code warmup} edits first go to throwaway projects, through the store and over HTTP, so that the measured
     * phases meet a server whose request path the JIT has compiled, as a long-running server's is: measured
     * without it, C2 spent about 0.65 of a core compiling during the first 14 s of edits over HTTP
     * (per-thread CPU from /proc), which was most of the 2,000 measured edits. The cold figure is printed too.
     */
    void run(int writers, int edits, int clients, int rate, int warmup) throws Exception {
        Path data = System.getProperty("bench.dir") != null ? Files.createTempDirectory(Path.of(System.getProperty("bench.dir")), "deepforge-bench") : Files.createTempDirectory("deepforge-bench");
        System.out.printf("DeepForge collaboration benchmark — %s, %d cores, Java %s%n",
                java.time.Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("data dir %s (fsync on for objects and refs)%n%n", data);

        if (warmup > 0) {
            bareStoreCommits(data.resolve("bare-warmup"), warmup, "JIT warm-up: store.apply, a throwaway project");
        }
        double bare = bareStoreCommits(data.resolve("bare"), edits, "baseline: store.apply in-process, 1 writer    ");
        app = App.start(ServerConfig.builder(data.resolve("server")).build());
        base = "http://127.0.0.1:" + app.port() + "/api/v1";
        try {
            // rounds of edits to fresh throwaway projects until the JIT is nearly done with the server's request path
            // (it compiles for less than a tenth of a round's wall time), at most WARMUP_ROUNDS
            for (int round = 1; warmup > 0 && round <= WARMUP_ROUNDS; round++) {
                String throwaway = post("/projects", "{\"name\":\"warm-up " + round + "\"}").get("id").asText();
                System.out.printf("JIT warm-up over HTTP, round %d (a throwaway project%s):%n", round,
                        round == 1 ? "; the server just started" : "");
                long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
                long t0 = System.nanoTime();
                double perSecond = editsPerSecond(throwaway, writers, warmup);
                double jitShare = (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0) / ((System.nanoTime() - t0) / 1e6);
                System.out.printf("  %s: %.1f edits/s%n", round == 1 ? "cold server" : "warming", perSecond);
                if (jitShare < 0.1) {
                    break;
                }
            }
            String project = post("/projects", "{\"name\":\"bench\"}").get("id").asText();
            editsPerSecond(project, writers, 200); // the project's first edits (as before the JIT warm-up was added)
            double perSecond = editsPerSecond(project, writers, edits);
            System.out.printf("edits/s over HTTP, %d writers, stale bases : %8.1f  (%.2f× the bare store loop)  target ≥ 200%n%n",
                    writers, perSecond, perSecond / bare);
            latency(project, clients, Math.max(200, edits / 4), rate);
        } finally {
            app.close();
        }
    }

    /** Baseline: the store's own commit path (merge-free, no HTTP), one writer. */
    double bareStoreCommits(Path dir, int edits, String label) throws Exception {
        try (ProjectStore store = new ProjectStore(dir)) {
            Author a = new Author("bench", "Bench", "bench@localhost");
            String p = store.create("bare", "", a).id();
            long cpu0 = cpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < edits; i++) {
                JsonNode patch = Json.MAPPER.readTree("[{\"op\":\"add\",\"path\":\"/pipelines/b" + i + "\",\"value\":{\"name\":\"b\"}}]");
                store.apply(p, "main", new ChangeSet(Optional.empty(), "bare", patch, a));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s : %8.1f commits/s (%d in %.2f s, %.2f ms CPU a commit)%n", label, edits / s, edits, s, (cpuNanos() - cpu0) / 1e6 / edits);
            return edits / s;
        }
    }

    double editsPerSecond(String project, int writers, int edits) throws Exception {
        AtomicReference<String> head = new AtomicReference<>(get("/projects/" + project + "/model").get("commit").asText());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger rebased = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long cpu0 = cpuNanos();
        long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            futures.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < edits) {
                    JsonNode r = change(project, head.get(), "/pipelines/e" + System.nanoTime() + "-" + i);
                    head.set(r.get("commit").asText());
                    accepted.incrementAndGet();
                    if (r.get("rebased").asBoolean()) {
                        rebased.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double cpuMs = (cpuNanos() - cpu0) / 1e6;
        pool.shutdown();
        long jitMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
        System.out.printf("  %d edits accepted in %.2f s, %d rebased onto a newer head; %.2f ms CPU an edit (server and clients);"
                + " JIT compiling %.1f s%n", accepted.get(), s, rebased.get(), cpuMs / accepted.get(), jitMs / 1e3);
        return accepted.get() / s;
    }

    void latency(String project, int clients, int edits, int rate) throws Exception {
        Map<String, List<Long>> received = new ConcurrentHashMap<>();
        CountDownLatch subscribed = new CountDownLatch(clients);
        List<WebSocket> sockets = new ArrayList<>();
        Map<Integer, Long> pongs = new ConcurrentHashMap<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + "/ws"), new WebSocket.Listener() {
                final StringBuilder buf = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    long now = System.nanoTime();
                    buf.append(data);
                    if (last) {
                        String text = buf.toString();
                        buf.setLength(0);
                        if (text.startsWith("{\"type\":\"commit\"")) {
                            int i = text.indexOf("\"commit\":\"", 10) + 10;
                            received.computeIfAbsent(text.substring(i, i + 40), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(now);
                        } else if (text.contains("\"subscribed\"")) {
                            subscribed.countDown();
                        } else if (text.contains("\"pong\"") && id == 0) {
                            pongs.put(pongs.size(), now);
                        }
                    }
                    w.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"subscribe\",\"project\":\"" + project + "\",\"branch\":\"main\"}", true).get();
            sockets.add(ws);
        }
        if (!subscribed.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("clients did not subscribe");
        }

        // baseline: a WebSocket round trip (ping → pong) on one of the same connections
        List<Double> rtt = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int before = pongs.size();
            long t0 = System.nanoTime();
            sockets.get(0).sendText("{\"type\":\"ping\"}", true).get();
            while (pongs.size() == before) {
                Thread.onSpinWait();
            }
            if (i >= 50) {
                rtt.add((pongs.get(before) - t0) / 1e6);
            }
        }

        Map<String, Long> sent = new ConcurrentHashMap<>();
        String head = get("/projects/" + project + "/model").get("commit").asText();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < edits; i++) {
            long due = start + i * interval;
            while (System.nanoTime() < due) {
                Thread.sleep(0, 200_000);
            }
            long t = System.nanoTime();
            JsonNode r = change(project, head, "/pipelines/l" + i);
            head = r.get("commit").asText();
            sent.put(head, t);
        }
        Thread.sleep(1000);
        List<Double> ms = new ArrayList<>();
        int missing = 0;
        for (var e : sent.entrySet()) {
            List<Long> times = received.getOrDefault(e.getKey(), List.of());
            missing += clients - times.size();
            times.forEach(t -> ms.add((t - e.getValue()) / 1e6));
        }
        sockets.forEach(WebSocket::abort);
        System.out.printf("edit→broadcast latency, %d clients, %d edits at %d/s (%d deliveries, %d missing):%n",
                clients, edits, rate, ms.size(), missing);
        System.out.printf("  p50 %6.2f ms   p95 %6.2f ms   p99 %6.2f ms   max %6.2f ms   target p95 ≤ 50 ms%n",
                pct(ms, 50), pct(ms, 95), pct(ms, 99), pct(ms, 100));
        System.out.printf("baseline: WebSocket ping→pong round trip        : p50 %6.2f ms   p95 %6.2f ms   p99 %6.2f ms%n",
                pct(rtt, 50), pct(rtt, 95), pct(rtt, 99));
    }

    /** CPU time of this JVM (server, store and the benchmark's clients): unlike wall time, it says little about other load. */
    static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double pct(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    JsonNode change(String project, String baseCommit, String path) throws Exception {
        return post("/projects/" + project + "/branches/main/changes", "{\"base\":\"" + baseCommit + "\",\"message\":\"bench\",\"patch\":"
                + "[{\"op\":\"add\",\"path\":\"" + path + "\",\"value\":{\"name\":\"x\",\"nodes\":{},\"connections\":{}}}]}");
    }

    JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(r.body());
    }
}
