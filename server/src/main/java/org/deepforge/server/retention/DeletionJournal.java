package org.deepforge.server.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.run.Execution;
import org.deepforge.server.db.Database;

/**
 * Table {@code execution_deletions}: the executions whose deletion has begun and not yet removed their run folder and
 * run tag. A start after a crash finishes those ({@link ExecutionDeletion#sweep}) and nothing else.
 */
final class DeletionJournal {
    /** An execution being deleted: its project and run tag. */
    record Entry(String execution, String project, Optional<String> tag) {}

    private final Database db;

    DeletionJournal(Database db) {
        this.db = db;
    }

    void begin(List<Execution> executions) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT OR REPLACE INTO execution_deletions(execution, project, tag, started) VALUES (?,?,?,?)")) {
            c.setAutoCommit(false);
            for (Execution e : executions) {
                s.setString(1, e.id());
                s.setString(2, e.project());
                s.setString(3, e.run().tag().orElse(null));
                s.setString(4, Instant.now().toString());
                s.addBatch();
            }
            s.executeBatch();
            c.commit();
        }
    }

    void done(List<String> executions) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("DELETE FROM execution_deletions WHERE execution = ?")) {
            c.setAutoCommit(false);
            for (String id : executions) {
                s.setString(1, id);
                s.addBatch();
            }
            s.executeBatch();
            c.commit();
        }
    }

    List<Entry> unfinished() throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT execution, project, tag FROM execution_deletions ORDER BY started");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(new Entry(r.getString(1), r.getString(2), Optional.ofNullable(r.getString(3))));
            }
        }
        return out;
    }
}
