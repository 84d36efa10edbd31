package org.deepforge.exec.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.db.Migrations;
import org.deepforge.exec.events.JobEvent;
import org.deepforge.model.Json;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The run database in one SQLite file (migrated by Flyway): the embedded {@link RunStore}. */
public final class SqliteRunStore implements RunStore {
    private final Connection db;
    /** Opens the connections that read metrics, so that a long read (a CSV download) never holds up the writers. */
    private final SQLiteDataSource source;

    public SqliteRunStore(Path file) {
        source = dataSource(file);
        try {
            db = source.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the run database " + file, e);
        }
    }

    /** The run database in {@code file} (WAL, foreign keys, a busy timeout), migrated to the newest schema; shared by the session store. */
    public static SQLiteDataSource dataSource(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Migrations.migrate(source, "db/runs");
        return source;
    }

    @Override
    public synchronized void create(RunSpec run, List<NewJob> jobs) throws SQLException {
        transaction(() -> {
            try (PreparedStatement e = db.prepareStatement("INSERT INTO executions(id, project, pipeline, branch, commit_id, tag, name, "
                    + "status, user_id, compute, storage, created, seed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
                 PreparedStatement j = db.prepareStatement("INSERT INTO jobs(execution, id, operation, status) VALUES (?,?,?,?)")) {
                String id = run.id();
                e.setString(1, id);
                e.setString(2, run.project());
                e.setString(3, run.pipeline());
                e.setString(4, run.branch());
                e.setString(5, run.commit());
                e.setString(6, run.tag().orElse(null));
                e.setString(7, run.name());
                e.setString(8, JobStatus.PENDING.id());
                e.setString(9, run.user());
                e.setString(10, Json.compact(run.compute()));
                e.setString(11, Json.compact(run.storage()));
                e.setString(12, Timestamps.now());
                e.setLong(13, run.seed());
                e.executeUpdate();
                for (NewJob job : jobs) {
                    j.setString(1, id);
                    j.setString(2, job.id());
                    j.setString(3, job.operation().orElse(null));
                    j.setString(4, JobStatus.PENDING.id());
                    j.addBatch();
                }
                j.executeBatch();
            }
        });
    }

    @Override
    public synchronized boolean jobStatus(String execution, String job, JobStatus status, String message) throws SQLException {
        String column = status == JobStatus.RUNNING ? ", started = ?" : status.finished() ? ", finished = ?" : "";
        try (PreparedStatement s = db.prepareStatement("UPDATE jobs SET status = ?, message = ?" + column + " WHERE execution = ? AND id = ?")) {
            int i = 1;
            s.setString(i++, status.id());
            s.setString(i++, message);
            if (!column.isEmpty()) {
                s.setString(i++, Instant.now().toString());
            }
            s.setString(i++, execution);
            s.setString(i, job);
            s.executeUpdate();
        }
        if (status == JobStatus.RUNNING) {
            try (PreparedStatement s = db.prepareStatement("UPDATE executions SET status = 'running' WHERE id = ? AND status = 'pending'")) {
                s.setString(1, execution);
                return s.executeUpdate() > 0;
            }
        }
        return false;
    }

    @Override
    public synchronized void position(String execution, String job, String handle, long console, long events) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("UPDATE jobs SET handle = ?, console_offset = ?, events_offset = ? WHERE execution = ? AND id = ?")) {
            s.setString(1, handle);
            s.setLong(2, console);
            s.setLong(3, events);
            s.setString(4, execution);
            s.setString(5, job);
            s.executeUpdate();
        }
    }

    /** Executions that had not finished: what a restarted server must take up again. */
    @Override
    public synchronized List<Execution> unfinished() throws SQLException {
        return executions("WHERE status IN ('pending', 'running') AND ? = ?", "x");
    }

    /** Per job: status, handle, offsets, message. */
    @Override
    public synchronized java.util.Map<String, Engine.Known> known(String execution) throws SQLException {
        java.util.Map<String, Engine.Known> out = new java.util.HashMap<>();
        try (PreparedStatement s = db.prepareStatement("SELECT id, status, handle, console_offset, events_offset, message FROM jobs WHERE execution = ?")) {
            s.setString(1, execution);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), new Engine.Known(JobStatus.valueOf(r.getString(2).toUpperCase(java.util.Locale.ROOT)),
                            r.getString(3), r.getLong(4), r.getLong(5), r.getString(6)));
                }
            }
        }
        return out;
    }

    @Override
    public synchronized void executionStatus(String execution, JobStatus status) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("UPDATE executions SET status = ?, finished = ? WHERE id = ?")) {
            s.setString(1, status.id());
            s.setString(2, status.finished() ? Instant.now().toString() : null);
            s.setString(3, execution);
            s.executeUpdate();
        }
    }

    /** Appends console lines; returns the sequence number of the first. */
    @Override
    public synchronized long appendLog(String execution, String job, List<String> lines) throws SQLException {
        long next;
        try (PreparedStatement s = db.prepareStatement("SELECT COALESCE(MAX(seq) + 1, 0) FROM logs WHERE execution = ? AND job = ?")) {
            s.setString(1, execution);
            s.setString(2, job);
            try (ResultSet r = s.executeQuery()) {
                next = r.next() ? r.getLong(1) : 0;
            }
        }
        transaction(() -> {
            try (PreparedStatement s = db.prepareStatement("INSERT INTO logs(execution, job, seq, line) VALUES (?,?,?,?)")) {
                long seq = next;
                for (String line : lines) {
                    s.setString(1, execution);
                    s.setString(2, job);
                    s.setLong(3, seq++);
                    s.setString(4, line);
                    s.addBatch();
                }
                s.executeBatch();
            }
        });
        return next;
    }

    /** Stores metric points and the latest state of each plot (other kinds are not kept). */
    @Override
    public synchronized void addEvents(String execution, String job, List<JobEvent> events) throws SQLException {
        transaction(() -> {
            List<JobEvent.Metric> metrics = new ArrayList<>();
            try (PreparedStatement p = db.prepareStatement("INSERT INTO plots(execution, job, plot, title, svg, updated, data) VALUES (?,?,?,?,?,?,?) "
                    + "ON CONFLICT(execution, job, plot) DO UPDATE SET title = excluded.title, svg = excluded.svg, updated = excluded.updated, "
                    + "data = excluded.data")) {
                for (JobEvent e : events) {
                    if (e instanceof JobEvent.Metric metric && metric.value().isPresent()) { // a non-finite value is no point of a chart
                        metrics.add(metric);
                    } else if (e instanceof JobEvent.Plot plot) {
                        p.setString(1, execution);
                        p.setString(2, job);
                        p.setString(3, plot.id());
                        p.setString(4, plot.title());
                        p.setString(5, plot.svg());
                        p.setString(6, Instant.now().toString());
                        p.setString(7, plot.data().map(Json::compact).orElse(null));
                        p.executeUpdate();
                    }
                }
            }
            MetricPoints.add(db, execution, job, metrics);
        });
    }

    /** A job's metric series as {@code window} asks: {@code {"<name>": [[step, value, time], ...]}} (read on a connection of its own). */
    @Override
    public ObjectNode metrics(String execution, String job, MetricWindow window) throws SQLException {
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(false); // one snapshot for all series while points arrive
            try {
                return MetricPoints.read(c, execution, job, window);
            } finally {
                c.rollback();
            }
        }
    }

    /** Every metric point of a job as CSV rows, streamed from a cursor on a connection of its own. */
    @Override
    public void metricsCsv(String execution, String job, Writer out) throws SQLException, IOException {
        try (Connection c = source.getConnection()) {
            MetricPoints.csv(c, execution, job, out);
        }
    }

    @Override
    public void plots(String execution, String job, Writer out) throws SQLException, IOException {
        try (Connection c = source.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT plot, title, svg, updated, data FROM plots WHERE execution = ? AND job = ? ORDER BY plot")) {
            s.setString(1, execution);
            s.setString(2, job);
            try (ResultSet r = s.executeQuery(); JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
                g.writeStartArray();
                while (r.next()) {
                    g.writeStartObject();
                    g.writeStringField("id", r.getString(1));
                    g.writeStringField("title", r.getString(2));
                    g.writeStringField("svg", r.getString(3));
                    g.writeStringField("updated", r.getString(4));
                    JsonNode data = plotData(r.getString(5));
                    if (data != null) {
                        g.writeFieldName("data");
                        g.writeTree(data);
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
        }
    }

    /** A plot's 3-D data, or null when it has none or its row is damaged (the SVG still shows). */
    private static JsonNode plotData(String data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(data);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public synchronized Optional<CacheHit> cached(String key) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("SELECT execution, job FROM cache WHERE key = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new CacheHit(r.getString(1), r.getString(2))) : Optional.empty();
            }
        }
    }

    @Override
    public synchronized void cache(String key, String execution, String job) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT INTO cache(key, execution, job, created) VALUES (?,?,?,?) "
                + "ON CONFLICT(key) DO UPDATE SET execution = excluded.execution, job = excluded.job, created = excluded.created")) {
            s.setString(1, key);
            s.setString(2, execution);
            s.setString(3, job);
            s.setString(4, Instant.now().toString());
            s.executeUpdate();
        }
    }

    @Override
    public synchronized ObjectNode log(String execution, String job, long from, int limit) throws SQLException {
        ObjectNode out = Json.MAPPER.createObjectNode().put("from", from);
        ArrayNode lines = out.putArray("lines");
        long next = from;
        long chars = 0;
        boolean more = false;
        try (PreparedStatement s = db.prepareStatement("SELECT seq, line FROM logs WHERE execution = ? AND job = ? AND seq >= ? ORDER BY seq LIMIT ?")) {
            s.setString(1, execution);
            s.setString(2, job);
            s.setLong(3, from);
            s.setInt(4, limit + 1);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String line = r.getString(2);
                    if (lines.size() == limit || (!lines.isEmpty() && chars + line.length() > MAX_LOG_PAGE_CHARS)) {
                        more = true;
                        break;
                    }
                    chars += line.length();
                    lines.add(line);
                    next = r.getLong(1) + 1;
                }
            }
        }
        out.put("next", next);
        out.put("more", more);
        return out;
    }

    @Override
    public synchronized Optional<Execution> execution(String id) throws SQLException {
        List<Execution> found = executions("WHERE id = ?", id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<Execution.Job> jobs = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("SELECT id, operation, status, message, started, finished FROM jobs WHERE execution = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    jobs.add(new Execution.Job(r.getString(1), Optional.ofNullable(r.getString(2)), JobStatus.of(r.getString(3)),
                            Optional.ofNullable(r.getString(4)), Optional.ofNullable(r.getString(5)), Optional.ofNullable(r.getString(6))));
                }
            }
        }
        Execution e = found.get(0);
        return Optional.of(new Execution(e.run(), e.status(), e.created(), e.finished(), Optional.of(jobs)));
    }

    @Override
    public synchronized ExecutionPage page(String project, ExecutionFilter filter, Optional<ExecutionPage.Cursor> after, int limit)
            throws SQLException {
        List<String> args = new ArrayList<>(List.of(project));
        String where = "WHERE project = ?" + filter.sql(args);
        if (after.isPresent()) {
            where += " AND (created, id) < (?, ?)"; // a row value: SQLite seeks the index to it
            args.addAll(List.of(after.get().created(), after.get().id()));
        }
        List<Execution> found = executions(where + " ORDER BY created DESC, id DESC LIMIT " + (limit + 1), args);
        if (found.size() <= limit) {
            return new ExecutionPage(found, Optional.empty());
        }
        List<Execution> page = found.subList(0, limit);
        return new ExecutionPage(page, Optional.of(ExecutionPage.Cursor.after(page.get(limit - 1))));
    }

    @Override
    public synchronized boolean delete(String execution) throws SQLException {
        boolean[] found = {false};
        transaction(() -> {
            String series = "(SELECT id FROM metric_series WHERE execution = ?)";
            for (String sql : List.of("DELETE FROM metric_blocks WHERE series IN " + series, "DELETE FROM metric_points WHERE series IN " + series,
                    "DELETE FROM metric_series WHERE execution = ?", "DELETE FROM plots WHERE execution = ?", "DELETE FROM logs WHERE execution = ?",
                    "DELETE FROM cache WHERE execution = ?", "DELETE FROM jobs WHERE execution = ?", "DELETE FROM executions WHERE id = ?")) {
                try (PreparedStatement s = db.prepareStatement(sql)) {
                    s.setString(1, execution);
                    found[0] = s.executeUpdate() > 0 && sql.startsWith("DELETE FROM executions");
                }
            }
        });
        return found[0];
    }

    private List<Execution> executions(String where, String arg) throws SQLException {
        return executions(where, where.contains("? = ?") ? List.of(arg, arg) : List.of(arg));
    }

    private List<Execution> executions(String where, List<String> args) throws SQLException {
        List<Execution> out = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("SELECT id, project, pipeline, branch, commit_id, tag, name, status, user_id, "
                + "compute, storage, created, finished, seed FROM executions " + where)) {
            for (int i = 0; i < args.size(); i++) {
                s.setString(i + 1, args.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    RunSpec run = new RunSpec(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                            Optional.ofNullable(r.getString(6)), r.getString(7), Optional.ofNullable(r.getString(9)).orElse("local"), parse(r.getString(10)), parse(r.getString(11)),
                            RunSpec.CachePolicy.USE, r.getLong(14));
                    out.add(new Execution(run, JobStatus.of(r.getString(8)), r.getString(12), Optional.ofNullable(r.getString(13)), Optional.empty()));
                }
            }
        }
        return out;
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    /** Work that runs inside one transaction. */
    @FunctionalInterface
    private interface Work {
        void run() throws SQLException;
    }

    /** Runs {@code work} as one transaction: all of it is stored, or (on an error) none of it. */
    private void transaction(Work work) throws SQLException {
        db.setAutoCommit(false);
        try {
            work.run();
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        db.close();
    }
}
