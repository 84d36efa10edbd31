package org.deepforge.server.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.deepforge.server.db.Database;

/** Users and their project roles, kept in the server database. */
public final class Accounts {
    private final Database db;

    public Accounts(Database db) {
        this.db = db;
    }

    /** Creates the user if it does not exist yet. */
    public void ensureUser(Principal user) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement(
                     "INSERT OR IGNORE INTO users(id, name, email, created) VALUES (?, ?, ?, ?)")) {
            s.setString(1, user.id());
            s.setString(2, user.name());
            s.setString(3, user.email());
            s.setString(4, Instant.now().toString());
            s.executeUpdate();
        }
    }

    public Optional<Role> role(String project, String user) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT role FROM project_roles WHERE project = ? AND user_id = ?")) {
            s.setString(1, project);
            s.setString(2, user);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(Role.parse(r.getString(1))) : Optional.empty();
            }
        }
    }

    /** Every project the user has a role on. */
    public Map<String, Role> roles(String user) throws SQLException {
        Map<String, Role> roles = new HashMap<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT project, role FROM project_roles WHERE user_id = ?")) {
            s.setString(1, user);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    roles.put(r.getString(1), Role.parse(r.getString(2)));
                }
            }
        }
        return roles;
    }

    public void grant(String project, String user, Role role) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement(
                     "INSERT INTO project_roles(project, user_id, role) VALUES (?, ?, ?) "
                             + "ON CONFLICT(project, user_id) DO UPDATE SET role = excluded.role")) {
            s.setString(1, project);
            s.setString(2, user);
            s.setString(3, role.id());
            s.executeUpdate();
        }
    }

    public void forgetProject(String project) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("DELETE FROM project_roles WHERE project = ?")) {
            s.setString(1, project);
            s.executeUpdate();
        }
    }
}
