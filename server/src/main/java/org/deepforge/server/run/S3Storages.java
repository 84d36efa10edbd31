package org.deepforge.server.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.deepforge.exec.storage.S3Storage;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.exec.storage.StorageException;
import org.deepforge.model.Json;
import org.deepforge.server.secrets.SecretStore;

/**
 * S3 buckets as storage for executions and artifacts. A choice names the bucket and the user's stored
 * credentials ({@code "credentials": "<secret name>"}, or {@code "env"} for the server's own AWS_* variables);
 * the credentials are looked up for the user the execution runs for, so nobody uses another user's keys.
 * What a project records ({@link StorageAdapter#location()}) is the bucket and the secret's name, never a key.
 */
public final class S3Storages {
    private final SecretStore secrets;
    /** What an open client is for: a changed secret (other credentials) opens a new one. */
    private record ClientKey(String user, S3Storage.Settings settings, S3Storage.Credentials credentials) {}

    private final Map<ClientKey, S3Storage> open = new ConcurrentHashMap<>();

    public S3Storages(SecretStore secrets) {
        this.secrets = secrets;
    }

    public Placements.StorageKind kind() {
        return new Placements.StorageKind("S3 bucket", schema(), this::open);
    }

    /** What the run dialog asks for; {@code credentials} picks one of the user's stored S3 secrets. */
    static ObjectNode schema() {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object").put("title", "S3 bucket");
        schema.putArray("required").add("bucket").add("credentials");
        ObjectNode p = schema.putObject("properties");
        p.putObject("endpoint").put("type", "string").put("title", "Endpoint")
                .put("description", "URL of the S3 service, e.g. https://s3.example.org; leave empty for AWS");
        p.putObject("region").put("type", "string").put("title", "Region").put("default", "us-east-1");
        p.putObject("bucket").put("type", "string").put("title", "Bucket");
        p.putObject("prefix").put("type", "string").put("title", "Key prefix").put("description", "e.g. deepforge/ (optional)");
        p.putObject("pathStyle").put("type", "boolean").put("title", "Path-style addressing")
                .put("description", "needed by most S3-compatible servers (MinIO, Ceph, S3Proxy)");
        p.putObject("credentials").put("type", "string").put("title", "Credentials").put("x-secret-kind", "s3")
                .put("description", "stored encrypted on the server for your account; jobs only get short-lived links");
        return schema;
    }

    StorageAdapter open(JsonNode config, String user) throws Exception {
        S3Storage.Settings settings;
        try {
            settings = S3Storage.Settings.fromJson(config);
        } catch (StorageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        String name = config.path("credentials").asText("").strip();
        S3Storage.Credentials credentials = credentials(name, user);
        // clients are reused per user, bucket and key pair
        S3Storage s3 = open.computeIfAbsent(new ClientKey(user, settings, credentials), k -> new S3Storage(settings, credentials));
        ObjectNode location = settings.toJson();
        location.put("credentials", name);
        return new Located(s3, location);
    }

    private S3Storage.Credentials credentials(String name, String user) throws Exception {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("choose the credentials for the bucket: the name of stored S3 credentials "
                    + "(Storage → Add… in the run dialog, or PUT /api/v1/secrets/{name}), or \"env\" for the server's AWS_* variables");
        }
        if (name.equals("env")) {
            String id = System.getenv("AWS_ACCESS_KEY_ID");
            String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
            if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
                throw new IllegalArgumentException("\"env\" credentials need AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the "
                        + "server's environment; they are not set (store credentials under a name instead)");
            }
            return new S3Storage.Credentials(id, secret);
        }
        SecretStore.Secret secret = secrets.get(user, name).orElseThrow(() -> new IllegalArgumentException(
                "you have no stored credentials named \"" + name + "\"; add them (Storage → Add… in the run dialog, "
                        + "or PUT /api/v1/secrets/" + name + ")"));
        if (!secret.kind().equals("s3")) {
            throw new IllegalArgumentException("the stored secret \"" + name + "\" holds " + secret.kind() + " credentials, not S3 ones");
        }
        return new S3Storage.Credentials(secret.field("accessKeyId"), secret.field("secretAccessKey"));
    }

    /** An S3 storage that records where it is (bucket and credentials' name) beside each artifact. */
    private record Located(S3Storage s3, ObjectNode where) implements StorageAdapter {
        @Override
        public String name() {
            return s3.name();
        }

        @Override
        public JsonNode configSchema() {
            return s3.configSchema();
        }

        @Override
        public Stored put(InputStream in, LongConsumer onProgress) throws IOException {
            return s3.put(in, onProgress);
        }

        @Override
        public Stored putFile(java.nio.file.Path file, LongConsumer onProgress) throws IOException {
            return s3.putFile(file, onProgress);
        }

        @Override
        public InputStream get(String key) throws IOException {
            return s3.get(key);
        }

        @Override
        public Optional<Stored> stat(String key) throws IOException {
            return s3.stat(key);
        }

        @Override
        public void delete(String key) throws IOException {
            s3.delete(key);
        }

        @Override
        public Stored importExisting(String key) throws IOException {
            return s3.importExisting(key);
        }

        @Override
        public void check() throws IOException {
            s3.check();
        }

        @Override
        public JsonNode location() {
            return where.deepCopy();
        }

        @Override
        public Optional<URI> jobLink(String key, Duration ttl) throws IOException {
            return Optional.of(s3.presignGet(key, ttl));
        }

        @Override
        public String toString() {
            return "S3 storage " + where;
        }
    }
}
