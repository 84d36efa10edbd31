package org.deepforge.server.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.server.db.Database;

/** Personal API tokens: shown once at creation, stored as SHA-256, revocable, with a scope and an expiry. */
public final class Tokens {
    public static final String PREFIX = "dft_";

    /** A token as listed (never with its secret). */
    public record Token(String id, String user, String name, TokenScope scope, String created, Optional<String> expires,
                        Optional<String> lastUsed, Optional<String> revoked) {}

    /** A freshly made token: the secret exists only in this value and in the reply to its creator. */
    public record Created(Token token, String secret) {}

    /** Who a valid token belongs to. */
    public record Verified(User user, Token token) {}

    private final Database db;

    public Tokens(Database db) {
        this.db = db;
    }

    public Created create(String user, String name, TokenScope scope, Optional<Instant> expires) throws SQLException {
        String id = "t" + Secrets.id();
        String secret = Secrets.random(PREFIX);
        String now = Instant.now().toString();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT INTO api_tokens(id, user_id, name, scope, hash, created, expires) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, user);
            s.setString(3, name);
            s.setString(4, scope.id());
            s.setString(5, Secrets.sha256(secret));
            s.setString(6, now);
            s.setString(7, expires.map(Instant::toString).orElse(null));
            s.executeUpdate();
        }
        return new Created(new Token(id, user, name, scope, now, expires.map(Instant::toString), Optional.empty(), Optional.empty()), secret);
    }

    private static final String COLUMNS = "t.id, t.user_id, t.name, t.scope, t.created, t.expires, t.last_used, t.revoked";

    private static Token read(ResultSet r) throws SQLException {
        return new Token(r.getString(1), r.getString(2), r.getString(3), TokenScope.parse(r.getString(4)), r.getString(5),
                Optional.ofNullable(r.getString(6)), Optional.ofNullable(r.getString(7)), Optional.ofNullable(r.getString(8)));
    }

    /** The token's owner when the token is live (not revoked, not expired, owner enabled); records its use. */
    public Optional<Verified> verify(String secret) throws SQLException {
        if (!secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Token token;
        User user;
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + ", u.id, u.name, u.email, u.created, u.disabled, u.admin "
                     + "FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?")) {
            s.setString(1, Secrets.sha256(secret));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                token = read(r);
                user = new User(r.getString(9), r.getString(10), r.getString(11), r.getString(12), r.getInt(13) != 0, r.getInt(14) != 0);
            }
        }
        Instant now = Instant.now();
        if (token.revoked().isPresent() || user.disabled()
                || token.expires().map(e -> Instant.parse(e).isBefore(now)).orElse(false)) {
            return Optional.empty();
        }
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("UPDATE api_tokens SET last_used = ? WHERE id = ?")) {
            s.setString(1, now.toString());
            s.setString(2, token.id());
            s.executeUpdate();
        }
        return Optional.of(new Verified(user, token));
    }

    public List<Token> list(String user) throws SQLException {
        List<Token> out = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created")) {
            s.setString(1, user);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(read(r));
                }
            }
        }
        return out;
    }

    /** Revokes one of the user's tokens; false when the user has no such live token. */
    public boolean revoke(String user, String id) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("UPDATE api_tokens SET revoked = ? WHERE id = ? AND user_id = ? AND revoked IS NULL")) {
            s.setString(1, Instant.now().toString());
            s.setString(2, id);
            s.setString(3, user);
            return s.executeUpdate() > 0;
        }
    }
}
