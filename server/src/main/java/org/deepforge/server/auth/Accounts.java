package org.deepforge.server.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.deepforge.server.db.Database;

/** Users, their passwords and their project roles, kept in the server database. */
public final class Accounts {
    /** What a user name may look like: it appears in URLs (sharing) and in commit authors. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Database db;
    private final Passwords passwords = new Passwords();

    public Accounts(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    public Passwords passwords() {
        return passwords;
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

    /** Creates an account with a password; the message of the exception says what is wrong with the input. */
    public User create(String name, String email, String password, boolean admin) throws SQLException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name has 1 to 64 letters, digits, '.', '_' or '-' and starts with a letter or digit");
        }
        String weak = Passwords.weakness(password);
        if (weak != null) {
            throw new IllegalArgumentException(weak);
        }
        if (byName(name).isPresent()) {
            throw new IllegalArgumentException("the name \"" + name + "\" is taken");
        }
        String id = "u" + Secrets.id();
        String now = Instant.now().toString();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT INTO users(id, name, email, created, password_hash, admin, "
                     + "password_changed) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, name);
            s.setString(3, email == null ? "" : email);
            s.setString(4, now);
            s.setString(5, passwords.hash(password));
            s.setInt(6, admin ? 1 : 0);
            s.setString(7, now);
            s.executeUpdate();
        } catch (SQLException e) {
            if (byName(name).isPresent()) {
                throw new IllegalArgumentException("the name \"" + name + "\" is taken");
            }
            throw e;
        }
        return user(id).orElseThrow();
    }

    private static final String COLUMNS = "id, name, email, created, disabled, admin";

    private static User read(ResultSet r) throws SQLException {
        return new User(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5) != 0, r.getInt(6) != 0);
    }

    private Optional<User> one(String where, String arg) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE " + where)) {
            s.setString(1, arg);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(read(r)) : Optional.empty();
            }
        }
    }

    public Optional<User> user(String id) throws SQLException {
        return one("id = ?", id);
    }

    public Optional<User> byName(String name) throws SQLException {
        return one("name = ? COLLATE NOCASE", name);
    }

    /** The user whose name and password match and who is not disabled. */
    public Optional<User> verify(String name, String password) throws SQLException {
        String hash = null;
        Optional<User> user = Optional.empty();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + ", password_hash FROM users WHERE name = ? COLLATE NOCASE")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    user = Optional.of(read(r));
                    hash = r.getString(7);
                }
            }
        }
        boolean ok = passwords.matches(password, hash);
        return ok && user.isPresent() && !user.get().disabled() ? user : Optional.empty();
    }

    public void setPassword(String id, String password) throws SQLException {
        String weak = Passwords.weakness(password);
        if (weak != null) {
            throw new IllegalArgumentException(weak);
        }
        update("UPDATE users SET password_hash = ?, password_changed = ? WHERE id = ?", passwords.hash(password),
                Instant.now().toString(), id);
    }

    public void setDisabled(String id, boolean disabled) throws SQLException {
        update("UPDATE users SET disabled = ? WHERE id = ?", disabled ? "1" : "0", id);
    }

    public void setAdmin(String id, boolean admin) throws SQLException {
        update("UPDATE users SET admin = ? WHERE id = ?", admin ? "1" : "0", id);
    }

    public void delete(String id) throws SQLException {
        update("DELETE FROM users WHERE id = ?", id);
    }

    private void update(String sql, String... args) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }

    /** Accounts that can sign in (the local user of local mode has no password and is not listed). */
    public List<User> list() throws SQLException {
        List<User> out = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM users WHERE password_hash IS NOT NULL ORDER BY name");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(read(r));
            }
        }
        return out;
    }

    public int activeAdmins() throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM users WHERE admin = 1 AND disabled = 0 AND password_hash IS NOT NULL");
             ResultSet r = s.executeQuery()) {
            return r.next() ? r.getInt(1) : 0;
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

    /** The members of a project, by user, in name order. */
    public Map<User, Role> members(String project) throws SQLException {
        Map<User, Role> out = new LinkedHashMap<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT u.id, u.name, u.email, u.created, u.disabled, u.admin, r.role "
                     + "FROM project_roles r JOIN users u ON u.id = r.user_id WHERE r.project = ? ORDER BY u.name")) {
            s.setString(1, project);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(read(r), Role.parse(r.getString(7)));
                }
            }
        }
        return out;
    }

    /** The projects of which the user is the only owner. */
    public List<String> soleOwnerOf(String user) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT r.project FROM project_roles r WHERE r.user_id = ? AND r.role = 'owner' "
                     + "AND (SELECT count(*) FROM project_roles o WHERE o.project = r.project AND o.role = 'owner') = 1 ORDER BY r.project")) {
            s.setString(1, user);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
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

    public boolean revoke(String project, String user) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("DELETE FROM project_roles WHERE project = ? AND user_id = ?")) {
            s.setString(1, project);
            s.setString(2, user);
            return s.executeUpdate() > 0;
        }
    }

    public boolean isPublic(String project) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT public FROM project_settings WHERE project = ?")) {
            s.setString(1, project);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getInt(1) != 0;
            }
        }
    }

    public void setPublic(String project, boolean open) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT INTO project_settings(project, public) VALUES (?, ?) "
                     + "ON CONFLICT(project) DO UPDATE SET public = excluded.public")) {
            s.setString(1, project);
            s.setInt(2, open ? 1 : 0);
            s.executeUpdate();
        }
    }

    public void forgetProject(String project) throws SQLException {
        update("DELETE FROM project_roles WHERE project = ?", project);
        update("DELETE FROM project_settings WHERE project = ?", project);
    }
}
