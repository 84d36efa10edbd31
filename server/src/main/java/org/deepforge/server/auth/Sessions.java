package org.deepforge.server.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.deepforge.server.db.Database;

/** Browser sessions: a random id in an HttpOnly cookie; the database keeps only its SHA-256. */
public final class Sessions {
    public static final String COOKIE = "deepforge_session";
    static final Duration LIFETIME = Duration.ofDays(7);

    private final Database db;

    public Sessions(Database db) {
        this.db = db;
    }

    /** Starts a session for the user and returns its id (the cookie value). */
    public String create(String user, String address) throws SQLException {
        String id = Secrets.random("");
        Instant now = Instant.now();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT INTO sessions(id_hash, user_id, created, expires, address) VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, Secrets.sha256(id));
            s.setString(2, user);
            s.setString(3, now.toString());
            s.setString(4, now.plus(LIFETIME).toString());
            s.setString(5, address);
            s.executeUpdate();
        }
        return id;
    }

    /** The user of a live session whose account is enabled. */
    public Optional<User> user(String id) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT u.id, u.name, u.email, u.created, u.disabled, u.admin, s.expires "
                     + "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?")) {
            s.setString(1, Secrets.sha256(id));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next() || r.getInt(5) != 0 || Instant.parse(r.getString(7)).isBefore(Instant.now())) {
                    return Optional.empty();
                }
                return Optional.of(new User(r.getString(1), r.getString(2), r.getString(3), r.getString(4), false, r.getInt(6) != 0));
            }
        }
    }

    public void delete(String id) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("DELETE FROM sessions WHERE id_hash = ?")) {
            s.setString(1, Secrets.sha256(id));
            s.executeUpdate();
        }
    }

    /** Ends every session of a user (password change, disable). */
    public void deleteAll(String user) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("DELETE FROM sessions WHERE user_id = ? OR expires < ?")) {
            s.setString(1, user);
            s.setString(2, Instant.now().toString());
            s.executeUpdate();
        }
    }
}
