package org.deepforge.exec.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import org.deepforge.exec.adapter.AdapterKind;
import org.deepforge.exec.adapter.OptionSchema;
import org.deepforge.exec.adapter.SecretKind;
import org.deepforge.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Artifacts in an S3(-compatible) bucket. An object is stored under {@code <prefix>objects/<uuid>};
 * its SHA-256 is recorded in a small sidecar object {@code <key>.sha256} (in {@code sha256sum} format),
 * which {@link #get} checks the bytes against as they are read. A sidecar rather than user metadata,
 * because metadata can only be added after the upload by a server-side copy of the whole object.
 * Uploads stream in parts of {@code partSize} bytes through a few reused buffers, several parts in
 * flight at once, and are aborted on any failure, so nothing half-written stays behind.
 */
public final class S3Storage implements StorageAdapter, AutoCloseable {
    /** The default part size of multipart uploads (S3 allows 10,000 parts, so objects up to 160 GiB). */
    public static final int DEFAULT_PART_SIZE = 16 << 20;
    /** How many parts of one upload are sent at once by default (memory: one more part buffer than this). */
    public static final int DEFAULT_PARALLEL_PARTS = 3;
    static final int MIN_PART_SIZE = 5 << 20;
    private static final String SIDECAR = ".sha256";
    private static final Logger log = LoggerFactory.getLogger(S3Storage.class);

    /** Where the bucket is; not secret, so a project may record it. */
    public record Settings(Optional<URI> endpoint, String region, String bucket, String prefix, boolean pathStyle) {
        public Settings {
            region = region == null || region.isBlank() ? "us-east-1" : region.strip();
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("an S3 storage needs a bucket name");
            }
            bucket = bucket.strip();
            prefix = prefix == null ? "" : prefix.strip().replaceFirst("^/+", "");
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
            if (!prefix.isEmpty() && hasDotDot(prefix)) {
                throw new IllegalArgumentException("the S3 prefix \"" + prefix + "\" must not contain .. segments");
            }
        }

        /** Reads the adapter's configuration as {@link #schema()} describes it ({@code credentials} is ignored here). */
        public static Settings fromJson(JsonNode config) throws StorageException {
            String endpoint = config.path("endpoint").asText("").strip();
            Optional<URI> uri = Optional.empty();
            if (!endpoint.isEmpty()) {
                try {
                    uri = Optional.of(new URI(endpoint));
                } catch (URISyntaxException e) {
                    throw new StorageException("the S3 endpoint \"" + endpoint + "\" is not a URL: " + e.getMessage());
                }
                if (uri.get().getScheme() == null || uri.get().getHost() == null) {
                    throw new StorageException("the S3 endpoint \"" + endpoint + "\" needs a scheme and host, e.g. https://s3.example.org");
                }
            }
            if (config.path("bucket").asText("").isBlank()) {
                throw new StorageException("the S3 storage configuration needs a bucket");
            }
            try {
                return new Settings(uri, config.path("region").asText(""), config.path("bucket").asText(),
                        config.path("prefix").asText(""), config.path("pathStyle").asBoolean(false));
            } catch (IllegalArgumentException e) {
                throw new StorageException(e.getMessage());
            }
        }

        /** The configuration as JSON, without credentials. */
        public ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            endpoint.ifPresent(e -> o.put("endpoint", e.toString()));
            return o.put("region", region).put("bucket", bucket).put("prefix", prefix).put("pathStyle", pathStyle);
        }

        String endpointText() {
            return endpoint.map(URI::toString).orElse("https://s3." + region + ".amazonaws.com");
        }
    }

    /** An access key pair; the secret never appears in {@link #toString()}. */
    public record Credentials(String accessKeyId, String secretAccessKey) {
        public Credentials {
            if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isEmpty()) {
                throw new IllegalArgumentException("S3 credentials need an access key id and a secret access key");
            }
        }

        @Override
        public String toString() {
            return "Credentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***]";
        }
    }

    private final Settings settings;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final S3Failures failures;
    private final int partSize;
    private final int parallelParts;
    private final ExecutorService uploads;

    public S3Storage(Settings settings, Credentials credentials) {
        this(settings, credentials, DEFAULT_PART_SIZE, DEFAULT_PARALLEL_PARTS);
    }

    /** With {@code partSize}-byte parts (at least 5 MiB), {@code parallelParts} of them uploading at once. */
    public S3Storage(Settings settings, Credentials credentials, int partSize, int parallelParts) {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("S3 parts must be at least 5 MiB, not " + partSize + " bytes");
        }
        if (parallelParts < 1) {
            throw new IllegalArgumentException("at least one part must upload at a time, not " + parallelParts);
        }
        this.settings = settings;
        this.partSize = partSize;
        this.parallelParts = parallelParts;
        AtomicInteger threads = new AtomicInteger();
        // bounded: at most this many part uploads run at once across all puts of this adapter
        this.uploads = Executors.newFixedThreadPool(parallelParts, r -> {
            Thread t = new Thread(r, "s3-upload-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.failures = new S3Failures(settings.endpointText(), settings.bucket(), settings.region(), credentials.secretAccessKey());
        var provider = StaticCredentialsProvider.create(AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey()));
        S3Configuration s3Config = S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build();
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3)).socketTimeout(Duration.ofSeconds(60)).build();
        var builder = S3Client.builder().httpClient(http).region(Region.of(settings.region())).credentialsProvider(provider)
                .serviceConfiguration(s3Config)
                // the sha256 we record is the end-to-end check; the SDK's CRC trailers break many S3-compatible servers
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(3)));
        var presign = S3Presigner.builder().region(Region.of(settings.region())).credentialsProvider(provider).serviceConfiguration(s3Config);
        settings.endpoint().ifPresent(e -> {
            builder.endpointOverride(e);
            presign.endpointOverride(e);
        });
        this.s3 = builder.build();
        this.presigner = presign.build();
    }

    /** An adapter from its configuration (see {@link #schema()}) and the credentials its stored secret names. */
    public static S3Storage create(JsonNode config, Credentials credentials) throws StorageException {
        return new S3Storage(Settings.fromJson(config), credentials);
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "s3";
    }

    /** The kind of credentials an S3 bucket needs; {@code "env"} reads them from the server's AWS_* variables. */
    public static final SecretKind CREDENTIALS = new SecretKind("s3", "S3 credentials", List.of(
            new SecretKind.Field("accessKeyId", "Access key id", false).fromEnvironment("AWS_ACCESS_KEY_ID"),
            new SecretKind.Field("secretAccessKey", "Secret access key", true).fromEnvironment("AWS_SECRET_ACCESS_KEY")));

    /** What the run dialog asks for; {@code credentials} picks one of the user's stored S3 secrets. */
    static ObjectNode schema() {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object").put("title", "S3 bucket");
        schema.putArray("required").add("bucket").add("credentials");
        ObjectNode p = schema.putObject("properties");
        p.putObject("endpoint").put("type", "string").put("title", "Endpoint")
                .put("description", "URL of the S3 service, e.g. https://s3.example.org; leave empty for AWS");
        p.putObject("region").put("type", "string").put("title", "Region").put("default", "us-east-1");
        p.putObject("bucket").put("type", "string").put("title", "Bucket").put("minLength", 1);
        p.putObject("prefix").put("type", "string").put("title", "Key prefix").put("default", "")
                .put("description", "e.g. deepforge/ (optional); objects go under <prefix>objects/");
        p.putObject("pathStyle").put("type", "boolean").put("title", "Path-style addressing").put("default", false)
                .put("description", "needed by most S3-compatible servers (MinIO, Ceph, S3Proxy)");
        p.putObject("credentials").put("type", "string").put("title", "Credentials").put(OptionSchema.SECRET_KIND, CREDENTIALS.kind())
                .put("description", "stored encrypted on the server for your account; jobs only get short-lived links");
        return schema;
    }

    /**
     * The declaration of S3 buckets as storage. A choice names the bucket and the user's stored credentials
     * ({@code "credentials": "<secret name>"}, or {@code "env"}); what a project records beside an artifact
     * ({@link StorageAdapter#location()}) is the bucket and the secret's name, never a key. Clients are
     * reused per bucket and key pair; changed credentials open a new one.
     */
    public static AdapterKind<StorageAdapter> kind() {
        Map<ClientKey, S3Storage> open = new ConcurrentHashMap<>();
        return AdapterKind.storage("s3", "S3 bucket", schema(), CREDENTIALS, (options, credentials) -> {
            Settings settings;
            try {
                settings = Settings.fromJson(options);
            } catch (StorageException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            Credentials keys = new Credentials(credentials.get("accessKeyId"), credentials.get("secretAccessKey"));
            S3Storage s3 = open.computeIfAbsent(new ClientKey(settings, keys), k -> new S3Storage(settings, keys));
            ObjectNode location = settings.toJson();
            location.put("credentials", options.path("credentials").asText("").strip());
            return new Located(s3, location);
        }).importing();
    }

    /** What an open client is for. */
    private record ClientKey(Settings settings, Credentials credentials) {}

    /** An S3 storage that records where it is (bucket and credentials' name) beside each artifact, and gives jobs presigned links. */
    private record Located(S3Storage s3, ObjectNode where) implements StorageAdapter {
        @Override
        public String name() {
            return s3.name();
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

    /** Checks that the bucket is reachable with these credentials. */
    public void check() throws StorageException {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (SdkException e) {
            throw failures.map("reach", Optional.empty(), e);
        }
    }

    @Override
    public Stored put(InputStream in, LongConsumer onProgress) throws IOException {
        String key = settings.prefix() + "objects/" + UUID.randomUUID();
        MessageDigest sha = LocalStorage.sha256();
        byte[] first = in.readNBytes(Math.min(1 << 20, partSize));
        sha.update(first);
        long size;
        if (first.length < Math.min(1 << 20, partSize)) {
            putObject(key, first, first.length);
            size = first.length;
            onProgress.accept(size);
        } else {
            byte[] buffer = new byte[partSize];
            System.arraycopy(first, 0, buffer, 0, first.length);
            int n = first.length + in.readNBytes(buffer, first.length, partSize - first.length);
            sha.update(buffer, first.length, n - first.length);
            if (n < partSize) {
                putObject(key, buffer, n);
                size = n;
                onProgress.accept(size);
            } else {
                size = new MultipartUpload(s3, settings.bucket(), key, uploads, parallelParts, failures).run(in, buffer, sha, onProgress);
            }
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        try {
            writeSidecar(key, hex);
        } catch (IOException e) {
            deleteQuietly(key);
            throw e;
        }
        return new Stored(name(), key, hex, size);
    }

    /** Largest object sent in one PUT (S3's limit); bigger files go up in parts. */
    static final long MAX_SINGLE_PUT = 5L << 30;

    /**
     * A file of known length goes up in one PUT, as the plain SDK's {@code putObject(fromFile)} does, while its
     * sha256 is computed on another thread from the same (unchanging) file; past 5 GiB it goes up in parts.
     */
    @Override
    public Stored putFile(java.nio.file.Path file, LongConsumer onProgress) throws IOException {
        long size = java.nio.file.Files.size(file);
        if (size < partSize || size > MAX_SINGLE_PUT) {
            try (InputStream in = java.nio.file.Files.newInputStream(file)) {
                return put(in, onProgress);
            }
        }
        String key = settings.prefix() + "objects/" + UUID.randomUUID();
        java.util.concurrent.CompletableFuture<String> hash = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (InputStream in = java.nio.file.Files.newInputStream(file)) {
                MessageDigest sha = LocalStorage.sha256();
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    sha.update(buffer, 0, n);
                }
                return HexFormat.of().formatHex(sha.digest());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, uploads);
        // a fresh stream per call: the SDK may read the body more than once (signing, retries)
        RequestBody body = RequestBody.fromContentProvider(() -> {
            try {
                return new java.io.FilterInputStream(java.nio.file.Files.newInputStream(file)) {
                    private long sent;
                    private long reported;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0 && (sent += n) - reported >= partSize) {
                            reported = sent;
                            onProgress.accept(sent);
                        }
                        return n;
                    }
                };
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, size, "application/octet-stream");
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(key).contentLength(size), body);
        } catch (SdkException e) {
            hash.cancel(false);
            throw failures.map("upload", Optional.of(key), e);
        }
        String hex;
        try {
            hex = hash.join();
        } catch (java.util.concurrent.CompletionException e) {
            deleteQuietly(key);
            throw new StorageException("could not read " + file.getFileName() + " to record its sha256: " + e.getCause().getMessage());
        }
        if (java.nio.file.Files.size(file) != size) {
            deleteQuietly(key);
            throw new StorageException(file.getFileName() + " changed while it was being stored; store it again");
        }
        try {
            writeSidecar(key, hex);
        } catch (IOException e) {
            deleteQuietly(key);
            throw e;
        }
        onProgress.accept(size);
        return new Stored(name(), key, hex, size);
    }

    private void putObject(String key, byte[] bytes, int length) throws StorageException {
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(key).contentLength((long) length), body(bytes, length));
        } catch (SdkException e) {
            StorageException failed = failures.map("upload", Optional.of(key), e);
            if (failures.unexplained(e)) {
                // S3 may have refused the upload and closed the connection before reading the body, so the
                // client saw only a broken write: ask the bucket why, and report that if it says
                try {
                    check();
                } catch (StorageException why) {
                    why.addSuppressed(failed);
                    throw why;
                }
            }
            throw failed;
        }
    }

    /** A body over the buffer without copying it; retries re-read it from the start. */
    private static RequestBody body(byte[] buffer, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream");
    }

    private void writeSidecar(String key, String hex) throws StorageException {
        byte[] line = (hex + "  " + key.substring(key.lastIndexOf('/') + 1) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(key + SIDECAR).contentType("text/plain")
                    .contentLength((long) line.length), RequestBody.fromBytes(line));
        } catch (SdkException e) {
            throw failures.map("record the sha256 of", Optional.of(key), e);
        }
    }

    /** The recorded sha256 of {@code key}, or empty if it has none. */
    private Optional<String> recordedSha256(String key) throws StorageException {
        try {
            String text = s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key + SIDECAR)).asUtf8String();
            String hex = text.length() >= 64 ? text.substring(0, 64) : text;
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new StorageException("the recorded sha256 of " + key + " in bucket " + settings.bucket() + " (" + key + SIDECAR
                        + ") is malformed; re-import the object");
            }
            return Optional.of(hex);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failures.map("read", Optional.of(key + SIDECAR), e);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        checkKey(key);
        Optional<String> expected = recordedSha256(key);
        if (expected.isEmpty()) {
            if (head(key).isEmpty()) {
                throw new StorageException("object " + key + " is not in bucket " + settings.bucket() + " at " + settings.endpointText());
            }
            throw new StorageException("object " + key + " in bucket " + settings.bucket() + " has no recorded sha256 (" + key + SIDECAR
                    + "); import it as an artifact first");
        }
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = s3.getObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (SdkException e) {
            throw failures.map("read", Optional.of(key), e);
        }
        return new VerifyingInputStream(body, expected.get(), () -> key + " in bucket " + settings.bucket());
    }

    /** The artifact at {@code key}; empty if the object is missing or was never stored or imported (has no sidecar). */
    @Override
    public Optional<Stored> stat(String key) throws IOException {
        checkKey(key);
        Optional<HeadObjectResponse> head = head(key);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        return recordedSha256(key).map(sha -> new Stored(name(), key, sha, head.get().contentLength()));
    }

    private Optional<HeadObjectResponse> head(String key) throws StorageException {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(settings.bucket()).key(key)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                check(); // a HEAD says 404 for a missing bucket too; tell the two apart
                return Optional.empty();
            }
            throw failures.map("look up", Optional.of(key), e);
        } catch (SdkException e) {
            throw failures.map("look up", Optional.of(key), e);
        }
    }

    /**
     * Removes the artifact: its recorded sha256 and, for objects this adapter wrote (under
     * {@code <prefix>objects/}), the object itself. Imported objects stay in the bucket; they are the
     * user's data, registered rather than owned.
     */
    @Override
    public void delete(String key) throws IOException {
        checkKey(key);
        try {
            if (key.startsWith(settings.prefix() + "objects/")) {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
            }
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(key + SIDECAR));
        } catch (SdkException e) {
            throw failures.map("delete", Optional.of(key), e);
        }
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
        } catch (RuntimeException e) {
            log.warn("could not remove {} from bucket {} after a failed upload: {}", key, settings.bucket(), failures.redact(e.toString()));
        }
    }

    /**
     * Registers an object already in the bucket (any key) as an artifact without copying it: reads it
     * once to record its sha256 and size.
     */
    public Stored importExisting(String objectKey) throws IOException {
        checkKey(objectKey);
        MessageDigest sha = LocalStorage.sha256();
        long size = 0;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(settings.bucket()).key(objectKey))) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
                size += n;
            }
        } catch (SdkException e) {
            throw failures.map("read", Optional.of(objectKey), e);
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        writeSidecar(objectKey, hex);
        return new Stored(name(), objectKey, hex, size);
    }

    /** A URL that lets its holder GET exactly this object until {@code ttl} has passed (at most 7 days). */
    public URI presignGet(String key, Duration ttl) throws StorageException {
        checkKey(key);
        checkTtl(ttl);
        try {
            return presigner.presignGetObject(r -> r.signatureDuration(ttl).getObjectRequest(g -> g.bucket(settings.bucket()).key(key)))
                    .url().toURI();
        } catch (URISyntaxException | SdkException e) {
            throw failures.wrap("could not presign a download of " + key + " in bucket " + settings.bucket() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A URL that lets its holder PUT this object until {@code ttl} has passed; register what was
     * uploaded with {@link #importExisting}.
     */
    public URI presignPut(String key, Duration ttl) throws StorageException {
        checkKey(key);
        checkTtl(ttl);
        try {
            return presigner.presignPutObject(r -> r.signatureDuration(ttl).putObjectRequest(p -> p.bucket(settings.bucket()).key(key)))
                    .url().toURI();
        } catch (URISyntaxException | SdkException e) {
            throw failures.wrap("could not presign an upload of " + key + " in bucket " + settings.bucket() + ": " + e.getMessage(), e);
        }
    }

    private static void checkTtl(Duration ttl) throws StorageException {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
            throw new StorageException("a presigned URL lives between 1 second and 7 days, not " + ttl);
        }
    }

    private static void checkKey(String key) throws StorageException {
        if (key == null || key.isEmpty() || key.startsWith("/") || hasDotDot(key) || key.length() > 1000) {
            String shown = key == null ? "null" : key.length() > 70 ? key.substring(0, 70) + "…" : key;
            throw new StorageException("\"" + shown + "\" is not an S3 object key (empty, absolute, too long or with .. segments)");
        }
    }

    private static boolean hasDotDot(String key) {
        for (String segment : key.split("/", -1)) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        uploads.shutdown();
        presigner.close();
        s3.close();
    }

    @Override
    public String toString() {
        return "S3Storage[s3://" + settings.bucket() + "/" + settings.prefix() + " at " + settings.endpointText() + "]";
    }
}
