package org.deepforge.exec.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.deepforge.exec.adapter.AdapterKind;
import org.deepforge.model.Json;

/**
 * Content-addressed storage in a local directory: an object is stored under its SHA-256
 * ({@code ab/abcdef…}), written to a temporary file first and moved into place only when complete and
 * flushed, so a failed upload (e.g. disk full) leaves nothing half-written.
 */
public final class LocalStorage implements StorageAdapter {
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private final Path root;
    private final String name;
    private final JsonNode location;

    /** This server's own artifact store. */
    public LocalStorage(Path root) throws IOException {
        this(root, "local", Json.MAPPER.createObjectNode());
    }

    /** A store in {@code root} that names itself {@code name} and records {@code location} beside each artifact. */
    LocalStorage(Path root, String name, JsonNode location) throws IOException {
        this.root = Files.createDirectories(root);
        this.name = name;
        this.location = location.deepCopy();
        Files.createDirectories(root.resolve("tmp"));
    }

    /** The declaration of this server's disk as storage: no options, always this store. */
    public AdapterKind<StorageAdapter> kind() {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object").put("title", "This server's disk");
        schema.putObject("properties");
        return AdapterKind.storage("local", "This server's disk (content-addressed)", schema, (options, credentials) -> this);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public JsonNode location() {
        return location.deepCopy();
    }

    @Override
    public String toString() {
        return name + " storage in " + root;
    }

    @Override
    public Stored put(InputStream in, LongConsumer onProgress) throws IOException {
        Path tmp = Files.createTempFile(root.resolve("tmp"), "upload-", ".part");
        try {
            MessageDigest sha = sha256();
            long size = 0;
            try (OutputStream file = Files.newOutputStream(tmp); DigestOutputStream out = new DigestOutputStream(file, sha)) {
                byte[] buffer = new byte[1 << 16];
                long lastReport = 0;
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    size += n;
                    if (size - lastReport >= (8 << 20)) {
                        onProgress.accept(size);
                        lastReport = size;
                    }
                }
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("No space left")) {
                    throw new StorageException("the artifact store at " + root + " is out of space after " + size
                            + " bytes; free some space or use another storage adapter", e);
                }
                throw e;
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.READ)) {
                channel.force(true);
            }
            onProgress.accept(size);
            String key = HexFormat.of().formatHex(sha.digest());
            Path target = path(key);
            Files.createDirectories(target.getParent());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // the same content is already stored
            }
            if (!Files.exists(target)) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return new Stored(name(), key, key, size);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        Path file = path(key);
        if (!Files.exists(file)) {
            throw new StorageException("object " + key + " is not in the artifact store " + root);
        }
        return Files.newInputStream(file);
    }

    /** Where an object lives on disk (so jobs can hard-link it instead of copying). */
    public Path path(String key) throws StorageException {
        if (!KEY.matcher(key).matches()) {
            throw new StorageException("\"" + (key.length() > 70 ? key.substring(0, 70) + "…" : key) + "\" is not a storage key");
        }
        return root.resolve(key.substring(0, 2)).resolve(key);
    }

    @Override
    public Optional<Stored> stat(String key) throws IOException {
        Path file = path(key);
        return Files.exists(file) ? Optional.of(new Stored(name(), key, key, Files.size(file))) : Optional.empty();
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
