package org.deepforge.server.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.deepforge.exec.adapter.SecretKind;
import org.deepforge.model.Json;
import org.deepforge.server.db.Database;

/**
 * Credentials for compute and storage adapters, per user, sealed at rest with the server's key
 * ({@code secrets.key} in the data directory, readable by the server's account only) using AES-256-GCM.
 * The owner and name are bound into each ciphertext, so a sealed value copied to another row does not open.
 * Values leave this class only towards an adapter; the API lists names, kinds and field names.
 */
public final class SecretStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final int NONCE = 12;
    private final Database db;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    /** What each kind of secret holds (declared by the adapters that need it); every field is required. */
    private final Map<String, SecretKind> kinds = new LinkedHashMap<>();

    public SecretStore(Database db, Path keyFile, List<SecretKind> kinds) throws IOException {
        this.db = db;
        this.key = new SecretKeySpec(loadOrCreateKey(keyFile), "AES");
        kinds.forEach(k -> this.kinds.put(k.kind(), k));
    }

    /** For the secret form: every kind of secret with its fields. */
    public ArrayNode kinds() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        kinds.values().forEach(k -> out.add(k.toJson()));
        return out;
    }

    private byte[] loadOrCreateKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[32];
            random.nextBytes(fresh);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, fresh, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            } catch (FileAlreadyExistsException e) {
                // another server process made it first: use theirs
            } catch (UnsupportedOperationException e) {
                Files.write(file, fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != 32) {
            throw new IOException(file + " is not a secret-store key (32 bytes); restore it from a backup, or delete it and "
                    + "enter every stored credential again");
        }
        return bytes;
    }

    /** Checks a secret's name, kind and fields; throws with what to fix. */
    public void validate(String name, String kind, JsonNode fields) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a secret's name is 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        SecretKind wanted = kinds.get(kind);
        if (wanted == null) {
            throw new IllegalArgumentException("unknown kind of secret \"" + kind + "\"; known kinds: " + String.join(", ", kinds.keySet()));
        }
        for (String f : wanted.fieldNames()) {
            if (!fields.path(f).isTextual() || fields.path(f).asText().isBlank()) {
                throw new IllegalArgumentException("a secret of kind " + kind + " needs \"" + f + "\" (text)");
            }
            if (fields.path(f).asText().length() > 4096) {
                throw new IllegalArgumentException("\"" + f + "\" is longer than 4096 characters");
            }
        }
    }

    /** Stores (or replaces) a secret of {@code user}. */
    public void put(String user, String name, String kind, JsonNode fields) throws SQLException {
        validate(name, kind, fields);
        ObjectNode kept = Json.MAPPER.createObjectNode();
        kinds.get(kind).fieldNames().forEach(f -> kept.put(f, fields.path(f).asText()));
        byte[] sealed = seal(user, name, Json.compact(kept).getBytes(StandardCharsets.UTF_8));
        String now = Instant.now().toString();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO secrets(user_id, name, kind, sealed, created, updated) VALUES (?,?,?,?,?,?) "
                        + "ON CONFLICT(user_id, name) DO UPDATE SET kind = excluded.kind, sealed = excluded.sealed, updated = excluded.updated")) {
            s.setString(1, user);
            s.setString(2, name);
            s.setString(3, kind);
            s.setBytes(4, sealed);
            s.setString(5, now);
            s.setString(6, now);
            s.executeUpdate();
        }
    }

    /** The opened fields of a secret of {@code user}, for an adapter. */
    public Optional<Secret> get(String user, String name) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT kind, sealed FROM secrets WHERE user_id = ? AND name = ?")) {
            s.setString(1, user);
            s.setString(2, name);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                JsonNode fields;
                try {
                    fields = Json.MAPPER.readTree(open(user, name, r.getBytes(2)));
                } catch (IOException e) {
                    throw new IllegalStateException("secret " + name + " is unreadable", e);
                }
                return Optional.of(new Secret(name, r.getString(1), fields));
            }
        }
    }

    /** Names, kinds and dates of a user's secrets; never their values. */
    public ArrayNode list(String user) throws SQLException {
        ArrayNode out = Json.MAPPER.createArrayNode();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT name, kind, created, updated FROM secrets WHERE user_id = ? ORDER BY name")) {
            s.setString(1, user);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ObjectNode o = out.addObject().put("name", r.getString(1)).put("kind", r.getString(2))
                            .put("created", r.getString(3)).put("updated", r.getString(4));
                    ArrayNode f = o.putArray("fields");
                    Optional.ofNullable(kinds.get(r.getString(2))).map(SecretKind::fieldNames).orElse(List.of()).forEach(f::add);
                }
            }
        }
        return out;
    }

    public boolean delete(String user, String name) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("DELETE FROM secrets WHERE user_id = ? AND name = ?")) {
            s.setString(1, user);
            s.setString(2, name);
            return s.executeUpdate() > 0;
        }
    }

    /** A secret's opened fields; its toString names it and never shows a value. */
    public record Secret(String name, String kind, JsonNode fields) {
        public String field(String f) {
            return fields.path(f).asText();
        }

        @Override
        public String toString() {
            return "Secret[" + name + " (" + kind + ")]";
        }
    }

    private byte[] seal(String user, String name, byte[] plain) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad(user, name));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private byte[] open(String user, String name, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, NONCE));
            cipher.updateAAD(aad(user, name));
            return cipher.doFinal(sealed, NONCE, sealed.length - NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret " + name + " does not open with this server's key (secrets.key was replaced?); "
                    + "store it again", e);
        }
    }

    private static byte[] aad(String user, String name) {
        return (user + "\0" + name).getBytes(StandardCharsets.UTF_8);
    }
}
