package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deepforge.exec.events.JobEvent;
import org.deepforge.model.Json;
import org.deepforge.store.StoreException;

/**
 * Metric series in the run database (tables {@code metric_series} and {@code metric_points}, migration V6): written in
 * the caller's transaction, read whole, downsampled in SQL, or streamed as CSV from a cursor.
 */
final class MetricPoints {
    /** Most points (all series together) a read without {@code points} returns. */
    static final int MAX_FULL = 200_000;

    private static final String DOWNSAMPLE = """
            WITH p AS (SELECT step, value, time, CAST((step * 1.0 - ?1) * ?3 / (?2 * 1.0 - ?1 + 1) AS INTEGER) AS bucket
                       FROM metric_points WHERE series = ?4 AND step BETWEEN ?1 AND ?2)
            SELECT step, value, time FROM (SELECT step, MIN(value) AS value, time FROM p GROUP BY bucket)
            UNION SELECT step, value, time FROM (SELECT step, MAX(value) AS value, time FROM p GROUP BY bucket)
            UNION SELECT step, value, time FROM (SELECT step, value, time FROM metric_points WHERE series = ?4 AND step BETWEEN ?1 AND ?2 ORDER BY step LIMIT 1)
            UNION SELECT step, value, time FROM (SELECT step, value, time FROM metric_points WHERE series = ?4 AND step BETWEEN ?1 AND ?2 ORDER BY step DESC LIMIT 1)
            ORDER BY step""";

    private static final String FIRST_AND_LAST = """
            SELECT step, value, time FROM (SELECT step, value, time FROM metric_points WHERE series = ?3 AND step BETWEEN ?1 AND ?2 ORDER BY step LIMIT 1)
            UNION ALL SELECT step, value, time FROM (SELECT step, value, time FROM metric_points WHERE series = ?3 AND step BETWEEN ?1 AND ?2 ORDER BY step DESC LIMIT 1)""";

    private static final String EXTREMES = """
            SELECT step, MIN(value), time FROM metric_points WHERE series = ?3 AND step BETWEEN ?1 AND ?2 HAVING COUNT(*) > 0
            UNION ALL SELECT step, MAX(value), time FROM metric_points WHERE series = ?3 AND step BETWEEN ?1 AND ?2 HAVING COUNT(*) > 0""";

    /** Per bucket the lowest and highest of the blocks' extremes (blocks ?6..?7 of level ?5, buckets as in DOWNSAMPLE). */
    private static final String BLOCKS = """
            WITH b AS (SELECT min_step, min_value, min_time, max_step, max_value, max_time,
                              CAST(((block << ?5) * 1.0 - ?1) * ?3 / (?2 * 1.0 - ?1 + 1) AS INTEGER) AS bucket
                       FROM metric_blocks WHERE series = ?4 AND level = ?5 AND block BETWEEN ?6 AND ?7)
            SELECT min_step, min_value, min_time FROM (SELECT min_step, MIN(min_value) AS min_value, min_time FROM b GROUP BY bucket)
            UNION ALL SELECT max_step, max_value, max_time FROM (SELECT max_step, MAX(max_value) AS max_value, max_time FROM b GROUP BY bucket)""";

    private MetricPoints() {
    }

    /** Block levels of {@code metric_blocks}: a block holds the steps with the same {@code step >> level}. */
    private static final int[] LEVELS = {5, 10};

    /** A series being written: its id and its highest step so far ({@link Long#MIN_VALUE} when it has none). */
    private static final class Series {
        final long id;
        long max;

        Series(long id, long max) {
            this.id = id;
            this.max = max;
        }
    }

    /** A block's lowest and highest point among the points of one batch; {@code recompute} when a point may have been replaced. */
    private record BlockKey(long series, int level, long block) {}

    private static final class Extremes {
        long minStep;
        double minValue = Double.POSITIVE_INFINITY;
        double minTime;
        long maxStep;
        double maxValue = Double.NEGATIVE_INFINITY;
        double maxTime;
        boolean recompute;

        void add(long step, double value, double time) {
            if (value < minValue) {
                minStep = step;
                minValue = value;
                minTime = time;
            }
            if (value > maxValue) {
                maxStep = step;
                maxValue = value;
                maxTime = time;
            }
        }
    }

    /**
     * Stores points (a repeated step replaces its point; a point without a step follows the series' last step) and keeps
     * their blocks' extremes: merged in for new steps, computed again from the points where a step came again or late.
     */
    static void add(Connection db, String execution, String job, List<JobEvent.Metric> metrics) throws SQLException {
        Map<String, Series> known = new HashMap<>();
        Map<BlockKey, Extremes> blocks = new LinkedHashMap<>();
        try (PreparedStatement insert = db.prepareStatement("INSERT OR REPLACE INTO metric_points(series, step, value, time) VALUES (?,?,?,?)")) {
            for (JobEvent.Metric m : metrics) {
                Series s = known.get(m.name());
                if (s == null) {
                    long id = seriesId(db, execution, job, m.name());
                    s = new Series(id, maxStep(db, id));
                    known.put(m.name(), s);
                }
                long step = m.step().isPresent() ? m.step().getAsLong() : s.max == Long.MIN_VALUE ? 0 : s.max + 1;
                boolean late = step <= s.max; // may replace a point, or land in a block with a replaced one
                s.max = Math.max(s.max, step);
                double value = m.value().orElseThrow();
                for (int level : LEVELS) {
                    Extremes e = blocks.computeIfAbsent(new BlockKey(s.id, level, step >> level), k -> new Extremes());
                    e.add(step, value, m.time());
                    e.recompute |= late;
                }
                insert.setLong(1, s.id);
                insert.setLong(2, step);
                insert.setDouble(3, value);
                insert.setDouble(4, m.time());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement merge = db.prepareStatement("INSERT INTO metric_blocks VALUES (?,?,?,?,?,?,?,?,?) "
                + "ON CONFLICT(series, level, block) DO UPDATE SET "
                + "min_step = CASE WHEN excluded.min_value < min_value THEN excluded.min_step ELSE min_step END, "
                + "min_time = CASE WHEN excluded.min_value < min_value THEN excluded.min_time ELSE min_time END, "
                + "min_value = MIN(min_value, excluded.min_value), "
                + "max_step = CASE WHEN excluded.max_value > max_value THEN excluded.max_step ELSE max_step END, "
                + "max_time = CASE WHEN excluded.max_value > max_value THEN excluded.max_time ELSE max_time END, "
                + "max_value = MAX(max_value, excluded.max_value)");
             PreparedStatement again = db.prepareStatement("INSERT OR REPLACE INTO metric_blocks "
                + "SELECT ?1, ?2, ?3, mn.step, mn.value, mn.time, mx.step, mx.value, mx.time "
                + "FROM (SELECT step, MIN(value) AS value, time FROM metric_points WHERE series = ?1 AND step BETWEEN ?4 AND ?5) mn, "
                + "(SELECT step, MAX(value) AS value, time FROM metric_points WHERE series = ?1 AND step BETWEEN ?4 AND ?5) mx")) {
            for (Map.Entry<BlockKey, Extremes> b : blocks.entrySet()) {
                BlockKey k = b.getKey();
                Extremes e = b.getValue();
                if (e.recompute) {
                    again.setLong(1, k.series());
                    again.setInt(2, k.level());
                    again.setLong(3, k.block());
                    again.setLong(4, k.block() << k.level());
                    again.setLong(5, (k.block() << k.level()) + (1L << k.level()) - 1);
                    again.addBatch();
                } else {
                    merge.setLong(1, k.series());
                    merge.setInt(2, k.level());
                    merge.setLong(3, k.block());
                    merge.setLong(4, e.minStep);
                    merge.setDouble(5, e.minValue);
                    merge.setDouble(6, e.minTime);
                    merge.setLong(7, e.maxStep);
                    merge.setDouble(8, e.maxValue);
                    merge.setDouble(9, e.maxTime);
                    merge.addBatch();
                }
            }
            merge.executeBatch();
            again.executeBatch();
        }
    }

    private static long seriesId(Connection db, String execution, String job, String name) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT INTO metric_series(execution, job, name) VALUES (?,?,?) "
                + "ON CONFLICT(execution, job, name) DO UPDATE SET name = excluded.name RETURNING id")) {
            s.setString(1, execution);
            s.setString(2, job);
            s.setString(3, name);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static long maxStep(Connection db, long series) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT MAX(step) FROM metric_points WHERE series = ?")) {
            s.setLong(1, series);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long max = r.getLong(1);
                return r.wasNull() ? Long.MIN_VALUE : max;
            }
        }
    }

    /** A job's series: {@code {"<name>": [[step, value, time], ...]}} in step order, as {@code window} asks. */
    static ObjectNode read(Connection db, String execution, String job, MetricWindow window) throws SQLException {
        ObjectNode out = Json.MAPPER.createObjectNode();
        long whole = 0; // points read whole so far, all series together
        for (Map.Entry<String, Long> series : series(db, execution, job).entrySet()) {
            ArrayNode points = out.putArray(series.getKey());
            long id = series.getValue();
            long[] range = range(db, id, window);
            if (range == null) {
                continue;
            }
            if (window.points().isPresent()) {
                for (Map.Entry<Long, double[]> p : downsample(db, id, range[0], range[1], window.points().getAsInt()).entrySet()) {
                    points.addArray().add(p.getKey()).add(p.getValue()[0]).add(p.getValue()[1]);
                }
                continue;
            }
            whole += requireFullFits(db, series.getKey(), id, range, MAX_FULL - whole);
            try (PreparedStatement s = db.prepareStatement("SELECT step, value, time FROM metric_points WHERE series = ? AND step BETWEEN ? AND ? ORDER BY step")) {
                s.setLong(1, id);
                s.setLong(2, range[0]);
                s.setLong(3, range[1]);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        points.addArray().add(r.getLong(1)).add(r.getDouble(2)).add(r.getDouble(3));
                    }
                }
            }
        }
        return out;
    }

    /**
     * At most about {@code points} points of the steps {@code from}..{@code to}: per bucket its lowest and highest point, and the
     * first and last point. A bucket spanning whole blocks reads the blocks' extremes (the coarsest level whose blocks are at most
     * twice a bucket), the part of the range outside whole blocks reads the points; narrow ranges read the points alone.
     */
    private static TreeMap<Long, double[]> downsample(Connection db, long series, long from, long to, int points) throws SQLException {
        TreeMap<Long, double[]> out = new TreeMap<>();
        int buckets = Math.max(1, (points - 6) / 2);
        double width = ((double) to - from + 1) / buckets;
        int level = width >= 1 << 9 ? 10 : width >= 1 << 4 ? 5 : -1; // a bucket of at least half a block: at most ~16 rows a bucket read
        if (level < 0) {
            raw(db, series, from, to, Math.max(1, (points - 2) / 2), out);
            return out;
        }
        try (PreparedStatement s = db.prepareStatement(FIRST_AND_LAST)) {
            s.setLong(1, from);
            s.setLong(2, to);
            s.setLong(3, series);
            collect(s, out);
        }
        long first = -Math.floorDiv(-from, 1L << level); // the first whole block
        long last = Math.floorDiv(to + 1, 1L << level) - 1;
        long headEnd = Math.min(to, (first << level) - 1);
        if (from <= headEnd) {
            extremes(db, series, from, headEnd, out);
        }
        long tailStart = Math.max(headEnd + 1, (last + 1) << level);
        if (tailStart <= to) {
            extremes(db, series, tailStart, to, out);
        }
        if (first <= last) {
            try (PreparedStatement s = db.prepareStatement(BLOCKS)) {
                s.setLong(1, from);
                s.setLong(2, to);
                s.setInt(3, buckets);
                s.setLong(4, series);
                s.setInt(5, level);
                s.setLong(6, first);
                s.setLong(7, last);
                collect(s, out);
            }
        }
        return out;
    }

    /** Per bucket the lowest and highest point, and the first and last point, read from the points of {@code from}..{@code to}. */
    private static void raw(Connection db, long series, long from, long to, int buckets, TreeMap<Long, double[]> out) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(DOWNSAMPLE)) {
            s.setLong(1, from);
            s.setLong(2, to);
            s.setInt(3, buckets);
            s.setLong(4, series);
            collect(s, out);
        }
    }

    /** The lowest and the highest point of {@code from}..{@code to} (none when it has no points). */
    private static void extremes(Connection db, long series, long from, long to, TreeMap<Long, double[]> out) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(EXTREMES)) {
            s.setLong(1, from);
            s.setLong(2, to);
            s.setLong(3, series);
            collect(s, out);
        }
    }

    private static void collect(PreparedStatement s, TreeMap<Long, double[]> out) throws SQLException {
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.put(r.getLong(1), new double[] {r.getDouble(2), r.getDouble(3)});
            }
        }
    }

    /** The job's series ids by name, in the order they were first logged. */
    private static Map<String, Long> series(Connection db, String execution, String job) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT name, id FROM metric_series WHERE execution = ? AND job = ? ORDER BY id")) {
            s.setString(1, execution);
            s.setString(2, job);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), r.getLong(2));
                }
            }
        }
        return out;
    }

    /** The step range to read ({@code window}'s bounds, else the series' own), or null when the series is empty. */
    private static long[] range(Connection db, long series, MetricWindow window) throws SQLException {
        // two index look-ups (MIN and MAX in one query would read the whole series)
        try (PreparedStatement s = db.prepareStatement("SELECT (SELECT step FROM metric_points WHERE series = ?1 ORDER BY step LIMIT 1), "
                + "(SELECT step FROM metric_points WHERE series = ?1 ORDER BY step DESC LIMIT 1)")) {
            s.setLong(1, series);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long first = r.getLong(1);
                if (r.wasNull()) {
                    return null;
                }
                return new long[] {window.from().orElse(first), window.to().orElse(r.getLong(2))};
            }
        }
    }

    /** The number of points in {@code range}; 413 when that is more than {@code left} (what the read may still return). */
    private static long requireFullFits(Connection db, String name, long series, long[] range, long left) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM metric_points WHERE series = ? AND step BETWEEN ? AND ? LIMIT ?)")) {
            s.setLong(1, series);
            s.setLong(2, range[0]);
            s.setLong(3, range[1]);
            s.setLong(4, left + 1);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long count = r.getLong(1);
                if (count > left) {
                    throw new StoreException(StoreException.Kind.TOO_LARGE, "this job's series have more than " + MAX_FULL
                            + " points in this range (at metric \"" + name + "\"): ask for a chart's worth with ?points=N (a downsampling "
                            + "that keeps each bucket's minimum and maximum), narrow it with ?from=&to=, or download every point from …/metrics.csv");
                }
                return count;
            }
        }
    }

    /** Every point of a job as CSV ({@code name,step,value,time}), row by row from one cursor. */
    static void csv(Connection db, String execution, String job, Writer out) throws SQLException, IOException {
        out.write("name,step,value,time\r\n");
        try (PreparedStatement s = db.prepareStatement("SELECT s.name, p.step, p.value, p.time FROM metric_series s "
                + "JOIN metric_points p ON p.series = s.id WHERE s.execution = ? AND s.job = ? ORDER BY s.id, p.step")) {
            s.setString(1, execution);
            s.setString(2, job);
            s.setFetchSize(1000);
            try (ResultSet r = s.executeQuery()) {
                String name = null;
                String field = null;
                while (r.next()) {
                    String n = r.getString(1);
                    if (!n.equals(name)) {
                        name = n;
                        field = csvField(n);
                    }
                    out.write(field);
                    out.write(',');
                    out.write(Long.toString(r.getLong(2)));
                    out.write(',');
                    out.write(Double.toString(r.getDouble(3)));
                    out.write(',');
                    out.write(Double.toString(r.getDouble(4)));
                    out.write("\r\n");
                }
            }
        }
    }

    private static String csvField(String s) {
        return s.matches("(?s).*[\",\r\n].*") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
