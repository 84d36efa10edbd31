package org.deepforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code deepforge login} remembers: the server and its token, in {@code $XDG_CONFIG_HOME/deepforge/config.json}
 * (default {@code ~/.config/deepforge}), readable by its owner only (mode 600, its folder 700).
 */
record Config(Optional<String> server, Optional<String> token, Optional<String> tokenId) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final Config EMPTY = new Config(Optional.empty(), Optional.empty(), Optional.empty());

    static Path file(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return base.resolve("deepforge").resolve("config.json");
    }

    static Config load(Path file) {
        if (!Files.exists(file)) {
            return EMPTY;
        }
        try {
            JsonNode json = MAPPER.readTree(file.toFile());
            return new Config(text(json, "server"), text(json, "token"), text(json, "tokenId"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (" + e.getMessage() + "): fix or delete it, then run `deepforge login`");
        }
    }

    /** Writes the file afresh with mode 600 (never readable by others, not even for a moment). */
    void save(Path file) throws IOException {
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        ObjectNode json = MAPPER.createObjectNode();
        server.ifPresent(s -> json.put("server", s));
        token.ifPresent(t -> json.put("token", t));
        tokenId.ifPresent(t -> json.put("tokenId", t));
        Path part = Files.createTempFile(dir, ".config", ".json",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(part, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
            try {
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private static Optional<String> text(JsonNode json, String field) {
        return json.path(field).isTextual() && !json.get(field).asText().isBlank() ? Optional.of(json.get(field).asText())
                : Optional.empty();
    }
}
