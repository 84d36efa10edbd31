package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.deepforge.exec.events.JobEvent;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** Metric series in the run database: written in batches, moved over from the table of before (V5), read as JSON and CSV. */
class MetricPointsTest {
    @TempDir
    Path dir;

    @Test
    void pointsOfTheFormerTableMoveOverWithNumericTimes() throws Exception {
        Path file = dir.resolve("runs.db");
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + file);
        Flyway.configure().dataSource(source).locations("classpath:db/runs").target("5").load().migrate();
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            // as the code before V6 wrote them: time as text, steps missing or repeated
            s.executeUpdate("INSERT INTO metrics(execution, job, name, step, value, time) VALUES "
                    + "('e1','j1','loss',0,1.0,'1.7965877150121024E9'), ('e1','j1','acc',NULL,0.5,'1.7965877160121024E9'), "
                    + "('e1','j1','loss',1,0.8,'1.7965877170121024E9'), ('e1','j1','loss',1,0.7,'1.7965877180121024E9'), "
                    + "('e1','j1','acc',NULL,0.6,'1.7965877190121024E9'), ('e2','j1','loss',0,3.0,'1.7965877200121024E9')");
            // a longer series, with its extremes in the middle
            s.executeUpdate("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999) INSERT INTO metrics "
                    + "SELECT 'e3', 'j1', 'wave', i, CASE i WHEN 1234 THEN -50 WHEN 3210 THEN 70 ELSE i % 7 END, '1.7e9' FROM n");
        }
        try (SqliteRunStore runs = new SqliteRunStore(file)) {
            JsonNode m = runs.metrics("e1", "j1", MetricWindow.ALL);
            assertThat(m.toString()).isEqualTo("{\"loss\":[[0,1.0,1.7965877150121024E9],[1,0.7,1.7965877180121024E9]],"
                    + "\"acc\":[[0,0.5,1.7965877160121024E9],[1,0.6,1.7965877190121024E9]]}");
            assertThat(runs.metrics("e2", "j1", MetricWindow.ALL).get("loss")).hasSize(1);
            JsonNode wave = runs.metrics("e3", "j1", new MetricWindow(OptionalInt.of(20), OptionalLong.empty(), OptionalLong.empty())).get("wave");
            assertThat(wave.toString()).contains("[1234,-50.0,1.7E9]", "[3210,70.0,1.7E9]").startsWith("[[0,").endsWith("[4999,1.0,1.7E9]]");
            assertThat(wave.size()).isLessThanOrEqualTo(20);
            // new points continue the moved series
            runs.addEvents("e1", "j1", List.of(metric("acc", 0.9, null), metric("loss", 0.1, 5L), metric("loss", 0.2, null)));
            assertThat(runs.metrics("e1", "j1", MetricWindow.ALL).toString())
                    .contains("[2,0.9,1.0E9]").contains("[5,0.1,1.0E9],[6,0.2,1.0E9]");
            StringWriter csv = new StringWriter();
            runs.metricsCsv("e1", "j1", csv);
            assertThat(csv.toString()).startsWith("name,step,value,time\r\nloss,0,1.0,1.7965877150121024E9\r\n").hasLineCount(1 + 4 + 3);
        }
    }

    @Test
    void aMillionPointsTakeLittleSpace() throws Exception {
        Path file = dir.resolve("big.db");
        int n = 1_000_000;
        try (SqliteRunStore runs = new SqliteRunStore(file)) {
            for (int from = 0; from < n; from += 10_000) {
                List<JobEvent> batch = new java.util.ArrayList<>();
                for (int step = from; step < from + 10_000; step++) {
                    batch.add(new JobEvent.Metric("loss", OptionalDouble.of(Math.sin(step / 100.0)), OptionalLong.of(step), 1.7e9 + step / 10.0));
                }
                runs.addEvents("e1", "j1", batch);
            }
        }
        try (Connection c = new org.sqlite.SQLiteDataSource() {{ setUrl("jdbc:sqlite:" + file); }}.getConnection(); Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        long bytes = Files.size(file);
        System.out.printf("1,000,000 metric points: %.1f MB on disk (%.1f bytes a point)%n", bytes / 1e6, bytes / (double) n);
        assertThat(bytes).isLessThan(40_000_000L);
    }

    @Test
    void downsamplingFindsTheSameExtremesAsReadingEveryPointAfterLateAndReplacedPoints() throws Exception {
        java.util.Random random = new java.util.Random(7);
        java.util.TreeMap<Long, Double> truth = new java.util.TreeMap<>();
        try (SqliteRunStore runs = new SqliteRunStore(dir.resolve("runs.db"))) {
            for (int batch = 0; batch < 40; batch++) {
                List<JobEvent> events = new java.util.ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    // mostly new steps, some late ones and repeats (which replace), now and then a spike
                    long step = random.nextInt(10) == 0 ? random.nextInt(Math.max(1, batch * 3000 + i * 6)) : batch * 3000L + i * 6;
                    double value = random.nextInt(200) == 0 ? random.nextGaussian() * 100 : random.nextGaussian();
                    events.add(metric("m", value, step));
                    truth.put(step, value);
                }
                runs.addEvents("e1", "j1", events);
            }
            long[][] windows = {{truth.firstKey(), truth.lastKey()}, {1000, 90_000}, {33, 33 + 32 * 40}, {50_001, 50_100}, {7, 7}};
            for (long[] w : windows) {
                for (int points : new int[] {2, 10, 300, 2000}) {
                    JsonNode got = runs.metrics("e1", "j1", new MetricWindow(OptionalInt.of(points), OptionalLong.of(w[0]), OptionalLong.of(w[1]))).get("m");
                    var range = truth.subMap(w[0], true, w[1], true);
                    String what = points + " points of steps " + w[0] + ".." + w[1];
                    if (range.isEmpty()) {
                        assertThat(got).as(what).isEmpty();
                        continue;
                    }
                    assertThat(got.size()).as(what).isLessThanOrEqualTo(Math.max(points, 8));
                    long previous = Long.MIN_VALUE;
                    for (JsonNode p : got) {
                        long step = p.get(0).asLong();
                        assertThat(step).as(what).isGreaterThan(previous);
                        previous = step;
                        assertThat(p.get(1).asDouble()).as(what + " at " + step).isEqualTo(truth.get(step));
                    }
                    double min = range.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                    double max = range.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                    List<Double> values = new java.util.ArrayList<>();
                    got.forEach(p -> values.add(p.get(1).asDouble()));
                    assertThat(values).as(what).contains(min, max);
                    assertThat(got.get(0).get(0).asLong()).as(what).isEqualTo(range.firstKey());
                    assertThat(got.get(got.size() - 1).get(0).asLong()).as(what).isEqualTo(range.lastKey());
                }
            }
        }
    }

    private static JobEvent.Metric metric(String name, double value, Long step) {
        return new JobEvent.Metric(name, OptionalDouble.of(value), step == null ? OptionalLong.empty() : OptionalLong.of(step), 1e9);
    }
}
