package org.deepforge.server.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.deepforge.server.db.Database;

/** Table {@code retention_policies}: each project's {@link RetentionPolicy} and who set it. */
public final class RetentionPolicies {
    /** A stored policy and the user who set it (whose storage credentials the policy deletes data with). */
    public record Stored(RetentionPolicy policy, String setBy) {}

    private final Database db;

    public RetentionPolicies(Database db) {
        this.db = db;
    }

    public Optional<Stored> get(String project) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT keep_last, keep_days, keep_artifact_producers, updated_by FROM retention_policies "
                     + "WHERE project = ?")) {
            s.setString(1, project);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Stored(new RetentionPolicy(optional(r, 1), optional(r, 2), r.getInt(3) != 0), r.getString(4)));
            }
        }
    }

    public void put(String project, RetentionPolicy policy, String user) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT INTO retention_policies(project, keep_last, keep_days, keep_artifact_producers, "
                     + "updated_by, updated) VALUES (?,?,?,?,?,?) ON CONFLICT(project) DO UPDATE SET keep_last = excluded.keep_last, "
                     + "keep_days = excluded.keep_days, keep_artifact_producers = excluded.keep_artifact_producers, "
                     + "updated_by = excluded.updated_by, updated = excluded.updated")) {
            s.setString(1, project);
            set(s, 2, policy.keepLast());
            set(s, 3, policy.keepDays());
            s.setInt(4, policy.keepArtifactProducers() ? 1 : 0);
            s.setString(5, user);
            s.setString(6, Instant.now().toString());
            s.executeUpdate();
        }
    }

    private static OptionalInt optional(ResultSet r, int column) throws SQLException {
        int v = r.getInt(column);
        return r.wasNull() ? OptionalInt.empty() : OptionalInt.of(v);
    }

    private static void set(PreparedStatement s, int i, OptionalInt v) throws SQLException {
        if (v.isPresent()) {
            s.setInt(i, v.getAsInt());
        } else {
            s.setNull(i, Types.INTEGER);
        }
    }
}
