package org.deepforge.server.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deepforge.model.Json;
import org.deepforge.server.db.Database;

/** Table {@code artifact_data_owners}: which projects own each stored object, keyed by (storage location, key). */
public final class DataOwners {
    /** A stored object: where (see {@link #location}), its key, and the storage record to open it with. */
    public record Data(String location, String key, JsonNode record) {
        /** The object an artifact's {@code storage} record names; empty when the record names none. */
        public static Optional<Data> of(JsonNode storage) {
            if (storage == null || !storage.isObject() || !storage.path("key").isTextual() || storage.path("key").asText().isEmpty()) {
                return Optional.empty();
            }
            ObjectNode record = ((ObjectNode) storage).deepCopy();
            record.remove(List.of("sha256", "size", "key"));
            return Optional.of(new Data(DataOwners.location(storage), storage.path("key").asText(), record));
        }
    }

    private final Database db;

    public DataOwners(Database db) {
        this.db = db;
    }

    /** The storage an object lives in, independent of whose credentials open it: adapter, endpoint and bucket. */
    public static String location(JsonNode storage) {
        String adapter = storage.path("adapter").asText("local");
        if (adapter.equals("local")) {
            return "local";
        }
        return adapter + "|" + storage.path("endpoint").asText("") + "|" + storage.path("bucket").asText("");
    }

    /** Records {@code project} as an owner; true if it was not one already. */
    public boolean claim(Data data, String project) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT OR IGNORE INTO artifact_data_owners(location, key, project, record, created) "
                     + "VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, data.location());
            s.setString(2, data.key());
            s.setString(3, project);
            s.setString(4, Json.compact(data.record()));
            s.setString(5, Instant.now().toString());
            return s.executeUpdate() > 0;
        }
    }

    /** Whether {@code project} may read the data an artifact's storage record names: it owns it. */
    public boolean readable(String project, JsonNode storage) throws SQLException {
        Optional<Data> data = Data.of(storage);
        return data.isPresent() && owns(data.get(), project);
    }

    public boolean owns(Data data, String project) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM artifact_data_owners WHERE location = ? AND key = ? AND project = ?")) {
            s.setString(1, data.location());
            s.setString(2, data.key());
            s.setString(3, project);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** The projects owning an object, oldest owner first. */
    public Set<String> owners(Data data) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT project FROM artifact_data_owners WHERE location = ? AND key = ? ORDER BY created, project")) {
            s.setString(1, data.location());
            s.setString(2, data.key());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    /** Every object a project owns. */
    public List<Data> ownedBy(String project) throws SQLException {
        List<Data> out = new ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT location, key, record FROM artifact_data_owners WHERE project = ?")) {
            s.setString(1, project);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Data(r.getString(1), r.getString(2), parse(r.getString(3))));
                }
            }
        }
        return out;
    }

    public void release(Data data, String project) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("DELETE FROM artifact_data_owners WHERE location = ? AND key = ? AND project = ?")) {
            s.setString(1, data.location());
            s.setString(2, data.key());
            s.setString(3, project);
            s.executeUpdate();
        }
    }

    /** Forgets every owner of an object (its data is gone). */
    public void forget(Data data) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("DELETE FROM artifact_data_owners WHERE location = ? AND key = ?")) {
            s.setString(1, data.location());
            s.setString(2, data.key());
            s.executeUpdate();
        }
    }

    /** Whether a one-off task on this data directory was done; marks it done. */
    public boolean once(String task) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("INSERT OR IGNORE INTO server_state(name, value) VALUES (?, ?)")) {
            s.setString(1, task);
            s.setString(2, Instant.now().toString());
            return s.executeUpdate() > 0;
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
