package org.deepforge.bench;

import org.deepforge.exec.events.JobEvent;
import org.deepforge.exec.events.JobEvents;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.deepforge.exec.run.MetricWindow;
import org.deepforge.exec.run.SqliteRunStore;
import org.deepforge.model.Json;
import org.deepforge.ops.analysis.PythonRuntime;

/**
 * Metric ingestion: event lines as a job writes them → parsed → stored in the run database, in batches
 * the size the engine sees per scheduling pass; against a bare JDBC batch insert of the same rows into
 * the same kind of SQLite table in the same run (no parsing, no JSON).
 */
final class MetricsBench {
    private MetricsBench() {}

    static void main(String[] args) throws Exception {
        int n = Bench.intArg(args, "--points", 200_000);
        int batch = Bench.intArg(args, "--batch", 1000);
        Path dir = Files.createTempDirectory("deepforge-metrics-bench");
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add("{\"type\":\"metric\",\"name\":\"loss\",\"value\":" + (1.0 / (i + 1)) + ",\"step\":" + i + ",\"time\":" + (1.7e9 + i) + "}");
        }
        System.out.printf("Metric ingestion — %s, %d cores, %d points, batches of %d%n%n", java.time.Instant.now(),
                Runtime.getRuntime().availableProcessors(), n, batch);
        for (int round = 0; round < 2; round++) { // round 0 warms up the JIT
            double ours;
            try (SqliteRunStore db = new SqliteRunStore(dir.resolve("runs-" + round + ".db"))) {
                long t0 = System.nanoTime();
                for (int from = 0; from < n; from += batch) {
                    List<JobEvent> events = new ArrayList<>(batch);
                    for (String line : lines.subList(from, Math.min(n, from + batch))) {
                        // as the engine does: every line through the channel's whitelist
                        if (JobEvents.parse(line) instanceof JobEvents.Parsed.Accepted a) {
                            events.add(a.event());
                        }
                    }
                    db.addEvents("e1", "j1", events);
                }
                ours = n / ((System.nanoTime() - t0) / 1e9);
            }
            double bare;
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bare-" + round + ".db"))) {
                try (var s = c.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=NORMAL");
                    s.execute("CREATE TABLE metrics (execution TEXT, job TEXT, name TEXT, step INTEGER, value REAL, time TEXT)");
                }
                long t0 = System.nanoTime();
                for (int from = 0; from < n; from += batch) {
                    c.setAutoCommit(false);
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO metrics VALUES (?,?,?,?,?,?)")) {
                        for (int i = from; i < Math.min(n, from + batch); i++) {
                            p.setString(1, "e1");
                            p.setString(2, "j1");
                            p.setString(3, "loss");
                            p.setLong(4, i);
                            p.setDouble(5, 1.0 / (i + 1));
                            p.setString(6, Double.toString(1.7e9 + i));
                            p.addBatch();
                        }
                        p.executeBatch();
                    }
                    c.commit();
                }
                bare = n / ((System.nanoTime() - t0) / 1e9);
            }
            if (round == 1) {
                System.out.printf("parse + store in the run database : %,10.0f points/s   target ≥ 50,000%n", ours);
                System.out.printf("baseline: bare JDBC batch insert  : %,10.0f points/s   (ours = %.2f× of it)%n", bare, ours / bare);
                reads(dir.resolve("runs-" + round + ".db"), n);
            }
        }
        logMetric(Bench.intArg(args, "--log-points", 1_000_000), Bench.intArg(args, "--rounds", 3));
    }

    /** The job's side: {@code log_metric} against a plain Python loop writing the same JSON lines (log_metric_bench.py). */
    private static void logMetric(int points, int rounds) throws Exception {
        String python = System.getenv().getOrDefault("DEEPFORGE_PYTHON", "/usr/bin/python3");
        PythonRuntime runtime = PythonRuntime.unpack(Files.createTempDirectory("deepforge-log-metric-bench").resolve("python"));
        Path script = runtime.root().resolveSibling("log_metric_bench.py");
        try (InputStream in = MetricsBench.class.getResourceAsStream("log_metric_bench.py")) {
            Files.write(script, in.readAllBytes());
        }
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), Integer.toString(points), Integer.toString(rounds)).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", runtime.root().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("log_metric_bench.py failed: " + out);
        }
        JsonNode r = Json.MAPPER.readTree(out.substring(out.lastIndexOf('{')));
        double ours = r.path("log_metric").asDouble();
        double plain = r.path("plain").asDouble();
        System.out.printf("%nthe job's side: %,d points, median of %d rounds%n", points, rounds);
        System.out.printf("log_metric                        : %6.2f s%n", ours);
        System.out.printf("baseline: plain loop, same lines  : %6.2f s   (log_metric = %.2f× of it)   target ≤ 1.5×%n", plain, ours / plain);
    }

    /** Reading the series back: on-disk size, a chart's query (2,000 points) whole and zoomed, and the CSV stream. */
    private static void reads(Path file, int n) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); var s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        System.out.printf("on disk                           : %,10.1f MB (%.1f bytes a point)   target ≤ 40 bytes%n",
                Files.size(file) / 1e6, Files.size(file) / (double) n);
        try (SqliteRunStore db = new SqliteRunStore(file)) {
            MetricWindow chart = new MetricWindow(OptionalInt.of(2000), OptionalLong.empty(), OptionalLong.empty());
            MetricWindow zoom = new MetricWindow(OptionalInt.of(2000), OptionalLong.of(n / 3), OptionalLong.of(n / 3 + n / 100));
            for (var q : List.of(Map.entry("chart query, 2,000 points", chart), Map.entry("zoomed to 1% of the steps", zoom))) {
                long[] times = new long[21];
                long[] cpu = new long[times.length];
                var threads = java.lang.management.ManagementFactory.getThreadMXBean();
                int bytes = 0;
                for (int i = 0; i < times.length; i++) {
                    long t0 = System.nanoTime();
                    long c0 = threads.getCurrentThreadCpuTime();
                    bytes = Json.MAPPER.writeValueAsBytes(db.metrics("e1", "j1", q.getValue())).length;
                    cpu[i] = threads.getCurrentThreadCpuTime() - c0;
                    times[i] = System.nanoTime() - t0;
                }
                java.util.Arrays.sort(times);
                java.util.Arrays.sort(cpu);
                System.out.printf("%-34s: p50 %6.1f ms, p95 %6.1f ms (CPU p50 %5.1f ms), %,d bytes of JSON   target p95 ≤ 50 ms%n", q.getKey(),
                        times[times.length / 2] / 1e6, times[times.length * 95 / 100] / 1e6, cpu[cpu.length / 2] / 1e6, bytes);
            }
            long[] chars = new long[1];
            java.io.Writer counting = new java.io.Writer() {
                @Override public void write(char[] b, int off, int len) { chars[0] += len; }
                @Override public void write(String str) { chars[0] += str.length(); }
                @Override public void flush() { }
                @Override public void close() { }
            };
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heap0 = rt.totalMemory() - rt.freeMemory();
            long t0 = System.nanoTime();
            db.metricsCsv("e1", "j1", counting);
            System.out.printf("CSV of every point                : %6.0f ms, %,d bytes (heap in use before %d MB, after %d MB)%n",
                    (System.nanoTime() - t0) / 1e6, chars[0], heap0 >> 20, (rt.totalMemory() - rt.freeMemory()) >> 20);
        }
    }
}
