package org.deepforge.server.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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

    /** The newest records first. */
    public ArrayNode list(int limit, int offset) throws SQLException {
        ArrayNode out = Json.MAPPER.createArrayNode();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT id, time, actor, action, target, detail, address FROM audit "
                     + "ORDER BY id DESC LIMIT ? OFFSET ?")) {
            s.setInt(1, limit);
            s.setInt(2, offset);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.addObject().put("id", r.getLong(1)).put("time", r.getString(2)).put("actor", r.getString(3))
                            .put("action", r.getString(4)).put("target", r.getString(5)).put("detail", r.getString(6))
                            .put("address", r.getString(7));
                }
            }
        }
        return out;
    }
}
