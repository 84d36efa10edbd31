package org.deepforge.exec.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Where artifact data lives. References are content addresses: the same bytes are stored once. */
public interface StorageAdapter {
    /** A stored object: what the project records in {@code artifacts/<id>.json} under {@code storage}. */
    record Stored(String adapter, String key, String sha256, long size) {}

    /** The name of its kind ({@link org.deepforge.exec.adapter.AdapterKind}), recorded beside each artifact. */
    String name();

    /** Streams {@code in} into storage; {@code onProgress} hears the bytes written so far. */
    Stored put(InputStream in, java.util.function.LongConsumer onProgress) throws IOException;

    /** Stores a complete file (an Output node's data): adapters may use its known length; by default it is streamed. */
    default Stored putFile(java.nio.file.Path file, java.util.function.LongConsumer onProgress) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return put(in, onProgress);
        }
    }

    /** The object's bytes; fails with a clear message if it is missing or its content no longer matches. */
    InputStream get(String key) throws IOException;

    Optional<Stored> stat(String key) throws IOException;

    void delete(String key) throws IOException;

    /** Where this adapter keeps data, without secrets (e.g. endpoint and bucket): recorded beside each artifact's key. */
    default JsonNode location() {
        return org.deepforge.model.Json.MAPPER.createObjectNode();
    }

    /** Checks that the storage is reachable and accepts its credentials; throws a StorageException saying what to fix. */
    default void check() throws IOException {}

    /** Registers an object that is already in this storage (not written by DeepForge) without copying it. */
    default Stored importExisting(String key) throws IOException {
        throw new StorageException(name() + " storage cannot import existing objects; upload the data instead");
    }

    /** A link a job may GET the object from for {@code ttl}, with no credential of its own; empty if this storage has none. */
    default Optional<java.net.URI> jobLink(String key, java.time.Duration ttl) throws IOException {
        return Optional.empty();
    }
}
