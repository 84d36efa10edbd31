package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.run.SqliteRunStore;
import org.deepforge.exec.run.Timestamps;
import org.deepforge.exec.session.Sessions.Cell;
import org.deepforge.exec.session.Sessions.Info;
import org.deepforge.model.Json;

/**
 * Sessions and their cells in the run database (tables {@code sessions} and {@code session_cells}, migration V8),
 * on a connection of its own next to the run store's. A cell's outputs are one JSON array, appended to until they
 * pass {@link #MAX_OUTPUTS} bytes; then one note says so and later outputs are not stored.
 */
final class SessionStore implements AutoCloseable {
    /** The stored outputs of one cell, at most (in bytes of compact JSON). */
    static final int MAX_OUTPUTS = 1 << 20;

    /** What the manager keeps of a session besides its {@link Info}. */
    record Row(Info info, JsonNode config, String handle, String connect, String secretSha256, boolean ended) {}

    private static final String SESSION_COLUMNS = "id, project, owner, adapter, state, reason, created, last_activity, shared, branch, "
            + "commit_id, idle_timeout, environment, resources, config, seed, handle, connect, secret_sha256, ended";
    private static final String CELL_COLUMNS = "id, session, idx, code, origin, state, execution_count, outputs, created, finished";

    private final Connection db;

    SessionStore(Path file) {
        try {
            db = SqliteRunStore.dataSource(file).getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the run database " + file, e);
        }
    }

    synchronized void insert(Row row) {
        Info i = row.info();
        update("INSERT INTO sessions(" + SESSION_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                i.id(), i.project(), i.owner(), i.adapter(), i.state(), i.reason(), time(i.created()), time(i.lastActivity()),
                i.shared() ? 1 : 0, i.branch(), i.commit(), i.idleTimeoutSeconds(), Json.compact(i.environment()),
                Json.compact(i.resources()), Json.compact(row.config()), i.seed(), row.handle(), row.connect(), row.secretSha256(),
                row.ended() ? Timestamps.format(Instant.now()) : null);
    }

    synchronized Optional<Row> session(String id) {
        List<Row> rows = sessions("WHERE id = ?", id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Sessions whose processes may still run. */
    synchronized List<Row> live() {
        return sessions("WHERE ended IS NULL ORDER BY created, id");
    }

    synchronized List<Row> liveOfProject(String project) {
        return sessions("WHERE project = ? AND ended IS NULL ORDER BY created DESC, id DESC", project);
    }

    synchronized int liveOfOwner(String owner) {
        try (PreparedStatement s = db.prepareStatement("SELECT count(*) FROM sessions WHERE ended IS NULL AND owner = ?")) {
            s.setString(1, owner);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    synchronized void handle(String id, String handle) {
        update("UPDATE sessions SET handle = ? WHERE id = ?", handle, id);
    }

    /** A new state (and reason); {@code ended}: the session's processes are gone for good. */
    synchronized void state(String id, String state, String reason, boolean ended) {
        update("UPDATE sessions SET state = ?, reason = ?, ended = CASE WHEN ? THEN COALESCE(ended, ?) ELSE ended END WHERE id = ?",
                state, reason, ended ? 1 : 0, Timestamps.format(Instant.now()), id);
    }

    synchronized void activity(String id, Instant at) {
        update("UPDATE sessions SET last_activity = ? WHERE id = ? AND last_activity < ?", time(at), id, time(at));
    }

    synchronized void shared(String id, boolean shared) {
        update("UPDATE sessions SET shared = ? WHERE id = ?", shared ? 1 : 0, id);
    }

    synchronized void environment(String id, JsonNode environment) {
        update("UPDATE sessions SET environment = ? WHERE id = ?", Json.compact(environment), id);
    }

    synchronized void resources(String id, JsonNode resources) {
        update("UPDATE sessions SET resources = ? WHERE id = ?", Json.compact(resources), id);
    }

    /** Appends a queued cell with the next index. */
    synchronized Cell addCell(String session, String id, String code, String origin) {
        Instant now = Instant.now();
        update("INSERT INTO session_cells(session, id, idx, code, origin, state, created) "
                + "SELECT ?, ?, COALESCE(MAX(idx), 0) + 1, ?, ?, 'queued', ? FROM session_cells WHERE session = ?",
                session, id, code, origin, time(now), session);
        return cell(session, id).orElseThrow();
    }

    synchronized Optional<Cell> cell(String session, String id) {
        List<Cell> cells = cells("WHERE session = ? AND id = ?", session, id);
        return cells.isEmpty() ? Optional.empty() : Optional.of(cells.get(0));
    }

    synchronized List<Cell> cells(String session, long afterIndex, int limit) {
        return cells("WHERE session = ? AND idx > ? ORDER BY idx LIMIT ?", session, afterIndex, limit);
    }

    /** The first cell in {@code state} (queued: the next to send; running: the one the agent runs). */
    synchronized Optional<Cell> first(String session, String state) {
        List<Cell> cells = cells("WHERE session = ? AND state = ? ORDER BY idx LIMIT 1", session, state);
        return cells.isEmpty() ? Optional.empty() : Optional.of(cells.get(0));
    }

    synchronized boolean anyUnfinished(String session) {
        return !cells("WHERE session = ? AND state IN ('queued', 'running') LIMIT 1", session).isEmpty();
    }

    /** Moves a cell from {@code from} to {@code to}; false when it was not in {@code from}. */
    synchronized boolean cellState(String session, String id, String from, String to, Integer executionCount) {
        boolean done = !to.equals("queued") && !to.equals("running");
        return update("UPDATE session_cells SET state = ?, execution_count = COALESCE(?, execution_count), finished = ? "
                        + "WHERE session = ? AND id = ? AND state = ?",
                to, executionCount, done ? time(Instant.now()) : null, session, id, from) > 0;
    }

    /** Marks every queued or running cell aborted; returns those cells as they are now. */
    synchronized List<Cell> abortUnfinished(String session) {
        List<Cell> open = cells("WHERE session = ? AND state IN ('queued', 'running') ORDER BY idx", session);
        update("UPDATE session_cells SET state = 'aborted', finished = ? WHERE session = ? AND state IN ('queued', 'running')",
                time(Instant.now()), session);
        List<Cell> aborted = new ArrayList<>();
        open.forEach(c -> cell(session, c.id()).ifPresent(aborted::add));
        return aborted;
    }

    /**
     * Appends {@code output} to the cell's stored outputs; past {@link #MAX_OUTPUTS} appends {@code note} once instead.
     * Returns whether the output itself was stored.
     */
    synchronized boolean appendOutput(String session, String cell, JsonNode output, JsonNode note) {
        String json = Json.compact(output);
        int size = json.length();
        int stored = update("UPDATE session_cells SET outputs = json_insert(outputs, '$[#]', json(?)), outputs_size = outputs_size + ? "
                + "WHERE session = ? AND id = ? AND truncated = 0 AND outputs_size + ? <= ?", json, size, session, cell, size, MAX_OUTPUTS);
        if (stored == 0) {
            update("UPDATE session_cells SET outputs = json_insert(outputs, '$[#]', json(?)), truncated = 1 "
                    + "WHERE session = ? AND id = ? AND truncated = 0", Json.compact(note), session, cell);
        }
        return stored > 0;
    }

    private List<Row> sessions(String where, Object... args) {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("SELECT " + SESSION_COLUMNS + " FROM sessions " + where)) {
            bind(s, args);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Info info = new Info(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                            Instant.parse(r.getString(7)), Instant.parse(r.getString(8)), r.getInt(9) != 0, r.getString(10),
                            r.getString(11), r.getLong(12), r.getLong(16), json(r.getString(13)), json(r.getString(14)));
                    rows.add(new Row(info, json(r.getString(15)), r.getString(17), r.getString(18), r.getString(19),
                            r.getString(20) != null));
                }
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return rows;
    }

    private List<Cell> cells(String where, Object... args) {
        List<Cell> cells = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("SELECT " + CELL_COLUMNS + " FROM session_cells " + where)) {
            bind(s, args);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int count = r.getInt(7);
                    Integer executionCount = r.wasNull() ? null : count;
                    List<JsonNode> outputs = new ArrayList<>();
                    json(r.getString(8)).forEach(outputs::add);
                    String finished = r.getString(10);
                    cells.add(new Cell(r.getString(1), r.getString(2), r.getLong(3), r.getString(4), r.getString(5), r.getString(6),
                            executionCount, List.copyOf(outputs), Instant.parse(r.getString(9)),
                            finished == null ? null : Instant.parse(finished)));
                }
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return cells;
    }

    private int update(String sql, Object... args) {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            bind(s, args);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private static void bind(PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            s.setObject(i + 1, args[i]);
        }
    }

    private static String time(Instant t) {
        return Timestamps.format(t);
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("the run database holds JSON that does not parse: " + e.getMessage(), e);
        }
    }

    private static IllegalStateException failed(SQLException e) {
        return new IllegalStateException("the run database failed: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing anyway
        }
    }
}
