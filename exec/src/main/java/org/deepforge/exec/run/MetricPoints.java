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
import org.deepforge.exec.events.JobEvent;
import org.deepforge.model.Json;
import org.deepforge.store.StoreException;

/**
 * Metric series in the run database (tables {@code metric_series} and {@code metric_points}, migration V6): written in
 * the caller's transaction, read whole, downsampled in SQL, or streamed as CSV from a cursor.
 */
final class MetricPoints {
    /** Most points of one series a read without {@code points} returns. */
    static final int MAX_FULL = 200_000;

    private static final String DOWNSAMPLE = """
            WITH p AS (SELECT step, value, time, CAST((step * 1.0 - ?1) * ?3 / (?2 * 1.0 - ?1 + 1) AS INTEGER) AS bucket
                       FROM metric_points WHERE series = ?4 AND step BETWEEN ?1 AND ?2)
            SELECT step, value, time FROM (SELECT step, MIN(value) AS value, time FROM p GROUP BY bucket)
            UNION SELECT step, value, time FROM (SELECT step, MAX(value) AS value, time FROM p GROUP BY bucket)
            UNION SELECT step, value, time FROM (SELECT step, value, time FROM metric_points WHERE series = ?4 AND step >= ?1 ORDER BY step LIMIT 1)
            UNION SELECT step, value, time FROM (SELECT step, value, time FROM metric_points WHERE series = ?4 AND step <= ?2 ORDER BY step DESC LIMIT 1)
            ORDER BY step""";

    private MetricPoints() {
    }

    /** A series being written: its id, and the step a point without one takes (null until needed). */
    private static final class Series {
        final long id;
        Long next;

        Series(long id) {
            this.id = id;
        }
    }

    /** Stores points (a repeated step replaces its point; a point without a step follows the series' last step). */
    static void add(Connection db, String execution, String job, List<JobEvent.Metric> metrics) throws SQLException {
        Map<String, Series> known = new HashMap<>();
        try (PreparedStatement insert = db.prepareStatement("INSERT OR REPLACE INTO metric_points(series, step, value, time) VALUES (?,?,?,?)")) {
            for (JobEvent.Metric m : metrics) {
                Series s = known.get(m.name());
                if (s == null) {
                    s = new Series(seriesId(db, execution, job, m.name()));
                    known.put(m.name(), s);
                }
                long step;
                if (m.step().isPresent()) {
                    step = m.step().getAsLong();
                    if (s.next != null) {
                        s.next = Math.max(s.next, step + 1);
                    }
                } else {
                    if (s.next == null) {
                        insert.executeBatch(); // the points before this one count
                    }
                    step = s.next != null ? s.next : nextStep(db, s.id);
                    s.next = step + 1;
                }
                insert.setLong(1, s.id);
                insert.setLong(2, step);
                insert.setDouble(3, m.value().orElseThrow());
                insert.setDouble(4, m.time());
                insert.addBatch();
            }
            insert.executeBatch();
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

    private static long nextStep(Connection db, long series) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT COALESCE(MAX(step) + 1, 0) FROM metric_points WHERE series = ?")) {
            s.setLong(1, series);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** A job's series: {@code {"<name>": [[step, value, time], ...]}} in step order, as {@code window} asks. */
    static ObjectNode read(Connection db, String execution, String job, MetricWindow window) throws SQLException {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, Long> series : series(db, execution, job).entrySet()) {
            ArrayNode points = out.putArray(series.getKey());
            long id = series.getValue();
            long[] range = range(db, id, window);
            if (range == null) {
                continue;
            }
            PreparedStatement s;
            if (window.points().isPresent()) {
                s = db.prepareStatement(DOWNSAMPLE);
                s.setLong(1, range[0]);
                s.setLong(2, range[1]);
                s.setInt(3, Math.max(1, (window.points().getAsInt() - 2) / 2));
                s.setLong(4, id);
            } else {
                requireFullFits(db, series.getKey(), id, range);
                s = db.prepareStatement("SELECT step, value, time FROM metric_points WHERE series = ? AND step BETWEEN ? AND ? ORDER BY step");
                s.setLong(1, id);
                s.setLong(2, range[0]);
                s.setLong(3, range[1]);
            }
            try (s; ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    points.addArray().add(r.getLong(1)).add(r.getDouble(2)).add(r.getDouble(3));
                }
            }
        }
        return out;
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
        try (PreparedStatement s = db.prepareStatement("SELECT MIN(step), MAX(step) FROM metric_points WHERE series = ?")) {
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

    private static void requireFullFits(Connection db, String name, long series, long[] range) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT COUNT(*) FROM (SELECT 1 FROM metric_points WHERE series = ? AND step BETWEEN ? AND ? LIMIT ?)")) {
            s.setLong(1, series);
            s.setLong(2, range[0]);
            s.setLong(3, range[1]);
            s.setInt(4, MAX_FULL + 1);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getLong(1) > MAX_FULL) {
                    throw new StoreException(StoreException.Kind.TOO_LARGE, "metric \"" + name + "\" has more than " + MAX_FULL
                            + " points in this range: ask for a chart's worth with ?points=N (a downsampling that keeps each bucket's minimum "
                            + "and maximum), narrow it with ?from=&to=, or download every point from …/metrics.csv");
                }
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
