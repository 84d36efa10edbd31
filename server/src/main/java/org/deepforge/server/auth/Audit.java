package org.deepforge.server.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.deepforge.model.Json;
import org.deepforge.server.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The security audit log: sign-ins, role changes, tokens and user administration. Never holds a secret. */
public final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    private final Database db;

    public Audit(Database db) {
        this.db = db;
    }

    public void record(String actor, String action, String target, String detail, String address) {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT INTO audit(time, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, Instant.now().toString());
            s.setString(2, actor);
            s.setString(3, action);
            s.setString(4, target);
            s.setString(5, detail);
            s.setString(6, address);
            s.executeUpdate();
        } catch (SQLException e) {
            LOG.error("could not write the audit record {} {} by {}", action, target, actor, e);
        }
    }

    /** Which records a list shows: by one actor, of one action (or a dotted family: "user" is user.*), from a time on. */
    public record Filter(Optional<String> actor, Optional<String> action, Optional<Instant> since) {}

    /** One page of records, newest first, and the id to list before when more follow. */
    public record Page(ArrayNode items, OptionalLong next) {}

    /** Up to {@code limit} records that {@code filter} selects, newest first, older than record {@code before} when given. */
    public Page list(Filter filter, OptionalLong before, int limit) throws SQLException {
        StringBuilder where = new StringBuilder("WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        filter.actor().ifPresent(a -> {
            where.append(" AND actor = ?");
            args.add(a);
        });
        filter.action().ifPresent(a -> {
            where.append(" AND (action = ? OR action LIKE ? ESCAPE '\\')");
            args.add(a);
            args.add(a.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%");
        });
        filter.since().ifPresent(t -> {
            where.append(" AND time >= ?");
            args.add(t.toString());
        });
        if (before.isPresent()) {
            where.append(" AND id < ?");
            args.add(before.getAsLong());
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        long last = 0;
        boolean more = false;
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT id, time, actor, action, target, detail, address FROM audit " + where
                     + " ORDER BY id DESC LIMIT ?")) {
            int i = 1;
            for (Object arg : args) {
                s.setObject(i++, arg);
            }
            s.setInt(i, limit + 1);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (out.size() == limit) {
                        more = true;
                        break;
                    }
                    last = r.getLong(1);
                    out.addObject().put("id", last).put("time", r.getString(2)).put("actor", r.getString(3))
                            .put("action", r.getString(4)).put("target", r.getString(5)).put("detail", r.getString(6))
                            .put("address", r.getString(7));
                }
            }
        }
        return new Page(out, more ? OptionalLong.of(last) : OptionalLong.empty());
    }
}
