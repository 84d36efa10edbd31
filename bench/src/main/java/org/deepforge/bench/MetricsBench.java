package org.deepforge.bench;

import org.deepforge.exec.events.JobEvent;
import org.deepforge.exec.events.JobEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.exec.run.SqliteRunStore;

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
            }
        }
    }
}
