package org.deepforge.exec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** S3Storage against a real S3 server: S3Proxy 4.1.0 in-process on its filesystem back end. */
class S3StorageTest {
    static final String ACCESS = "deepforge-test";
    static final String SECRET = "s3cr3t-Kq8vZ-never-show-me-0123456789";
    static final String BUCKET = "artifacts";

    @TempDir
    static Path dir;
    static S3TestServer proxy;
    static URI endpoint;
    static S3Client plain;
    static S3Storage storage;

    @BeforeAll
    static void startS3() throws Exception {
        proxy = new S3TestServer(dir.resolve("s3"), ACCESS, SECRET);
        endpoint = proxy.endpoint;
        plain = proxy.client();
        plain.createBucket(b -> b.bucket(BUCKET));
        storage = new S3Storage(settings(BUCKET), new S3Storage.Credentials(ACCESS, SECRET));
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (plain != null) {
            plain.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    static S3Storage.Settings settings(String bucket) {
        return new S3Storage.Settings(Optional.of(endpoint), "us-east-1", bucket, "runs", true);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void smallAndEmptyObjectsRoundTrip() throws Exception {
        List<Long> progress = new ArrayList<>();
        StorageAdapter.Stored hello = storage.put(new ByteArrayInputStream("hello".getBytes()), progress::add);
        assertThat(hello.adapter()).isEqualTo("s3");
        assertThat(hello.key()).startsWith("runs/objects/");
        assertThat(hello.sha256()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(hello.size()).isEqualTo(5);
        assertThat(progress).containsExactly(5L);
        try (InputStream in = storage.get(hello.key())) {
            assertThat(new String(in.readAllBytes())).isEqualTo("hello");
        }
        assertThat(storage.stat(hello.key())).contains(hello);
        assertThat(plain.getObjectAsBytes(b -> b.bucket(BUCKET).key(hello.key() + ".sha256")).asUtf8String())
                .startsWith(hello.sha256() + "  ");

        StorageAdapter.Stored empty = storage.put(InputStream.nullInputStream(), n -> { });
        assertThat(empty.size()).isZero();
        assertThat(empty.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        try (InputStream in = storage.get(empty.key())) {
            assertThat(in.readAllBytes()).isEmpty();
        }

        // a 7 MiB object: more than the first read, less than a part, so still one PutObject
        byte[] medium = new byte[7 << 20];
        new Random(7).nextBytes(medium);
        StorageAdapter.Stored m = storage.put(new ByteArrayInputStream(medium), n -> { });
        try (InputStream in = storage.get(m.key())) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(medium)).isEqualTo(m.sha256());
        }

        storage.delete(hello.key());
        assertThat(storage.stat(hello.key())).isEmpty();
        assertThatThrownBy(() -> storage.get(hello.key())).isInstanceOf(StorageException.class)
                .hasMessage("object " + hello.key() + " is not in bucket artifacts at " + endpoint);
        assertThat(storage.stat("runs/objects/nothing-here")).isEmpty();
    }

    @Test
    void aGigabyteGoesUpInPartsAndComesBackWithTheSameSha256() throws Exception {
        long size = 1L << 30;
        List<Long> progress = new ArrayList<>();
        long t0 = System.nanoTime();
        PatternStream source = new PatternStream(size, 42);
        StorageAdapter.Stored stored = storage.put(source, progress::add);
        double up = (System.nanoTime() - t0) / 1e9;
        assertThat(stored.size()).isEqualTo(size);
        assertThat(stored.sha256()).isEqualTo(source.sha256());
        assertThat(progress).as("one report per part or per few parts").hasSizeGreaterThan(10).isSorted().endsWith(size);
        assertThat(progress.get(0) % S3Storage.DEFAULT_PART_SIZE).isZero();

        long t1 = System.nanoTime();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long read = 0;
        try (InputStream in = storage.get(stored.key())) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
                read += n;
            }
        }
        double down = (System.nanoTime() - t1) / 1e9;
        assertThat(read).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(stored.sha256());
        System.out.printf("1 GiB: put %.1f s (%.0f MB/s), get %.1f s (%.0f MB/s)%n", up, size / 1e6 / up, down, size / 1e6 / down);
        storage.delete(stored.key());
    }

    @Test
    void changedDataFailsAtTheEndOfTheStreamWithAClearMessage() throws Exception {
        StorageAdapter.Stored stored = storage.put(new ByteArrayInputStream("the original weights".getBytes()), n -> { });
        plain.putObject(b -> b.bucket(BUCKET).key(stored.key()), RequestBody.fromString("someone else's weights"));
        InputStream in = storage.get(stored.key());
        assertThatThrownBy(in::readAllBytes).isInstanceOf(StorageException.class)
                .hasMessageStartingWith("the data of " + stored.key() + " in bucket artifacts changed since it was stored: sha256 "
                        + sha256("someone else's weights".getBytes()) + " expected " + stored.sha256());
        in.close();
    }

    @Test
    void importsAnObjectAlreadyInTheBucketWithoutCopyingIt() throws Exception {
        byte[] data = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        plain.putObject(b -> b.bucket(BUCKET).key("datasets/table.csv"), RequestBody.fromBytes(data));
        StorageAdapter.Stored imported = storage.importExisting("datasets/table.csv");
        assertThat(imported).isEqualTo(new StorageAdapter.Stored("s3", "datasets/table.csv", sha256(data), data.length));
        try (InputStream in = storage.get("datasets/table.csv")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(storage.stat("datasets/table.csv")).contains(imported);
        assertThat(plain.listObjectsV2(b -> b.bucket(BUCKET).prefix("runs/")).contents())
                .extracting(S3Object::key).noneMatch(k -> k.contains("table"));

        for (String bad : List.of("", "../outside", "datasets/../../etc/passwd", "a/..")) {
            assertThatThrownBy(() -> storage.importExisting(bad)).isInstanceOf(StorageException.class).hasMessageContaining("is not an S3 object key");
        }
        assertThatThrownBy(() -> storage.importExisting("datasets/missing.csv")).isInstanceOf(StorageException.class)
                .hasMessage("object datasets/missing.csv is not in bucket artifacts at " + endpoint);
        plain.putObject(b -> b.bucket(BUCKET).key("datasets/unregistered.csv"), RequestBody.fromBytes(data));
        assertThatThrownBy(() -> storage.get("datasets/unregistered.csv")).isInstanceOf(StorageException.class)
                .hasMessageContaining("has no recorded sha256");

        // forgetting an imported artifact leaves the user's object where it was
        storage.delete("datasets/table.csv");
        assertThat(storage.stat("datasets/table.csv")).isEmpty();
        assertThat(plain.getObjectAsBytes(b -> b.bucket(BUCKET).key("datasets/table.csv")).asByteArray()).isEqualTo(data);
    }

    @Test
    void presignedUrlsGiveExactlyTheirObjectForTheirLifetime() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        StorageAdapter.Stored stored = storage.put(new ByteArrayInputStream("input of a job".getBytes()), n -> { });
        StorageAdapter.Stored other = storage.put(new ByteArrayInputStream("somebody else's input".getBytes()), n -> { });
        URI url = storage.presignGet(stored.key(), Duration.ofMinutes(5));
        HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(new String(ok.body())).isEqualTo("input of a job");

        URI foreign = URI.create(url.toString().replace(stored.key(), other.key()));
        assertThat(http.send(HttpRequest.newBuilder(foreign).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

        URI shortLived = storage.presignGet(stored.key(), Duration.ofSeconds(1));
        await("the one-second URL to expire").atMost(Duration.ofSeconds(30))
                .until(() -> http.send(HttpRequest.newBuilder(shortLived).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 403);

        URI upload = storage.presignPut("runs/outputs/model.pt", Duration.ofMinutes(5));
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(upload).PUT(HttpRequest.BodyPublishers.ofString("trained")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        StorageAdapter.Stored output = storage.importExisting("runs/outputs/model.pt");
        assertThat(output.sha256()).isEqualTo(sha256("trained".getBytes()));

        assertThatThrownBy(() -> storage.presignGet(stored.key(), Duration.ofDays(8))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> storage.presignGet("../x", Duration.ofMinutes(1))).isInstanceOf(StorageException.class);
    }

    @Test
    void wrongCredentialsMissingBucketAndUnreachableEndpointSayWhatToFixAndAnUnreachableOneWithinFifteenSeconds() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        String wrongSecret = "wr0ng-" + SECRET;
        String refused = "S3 at " + endpoint + " refused the credentials for bucket artifacts: check the access key id and secret of the stored secret";
        try (S3Storage wrong = new S3Storage(settings(BUCKET), new S3Storage.Credentials(ACCESS, wrongSecret));
             S3Storage unknownKey = new S3Storage(settings(BUCKET), new S3Storage.Credentials("nobody", SECRET))) {
            failures.add(expectFailure(wrong::check, refused));
            failures.add(expectFailure(() -> wrong.put(new ByteArrayInputStream("x".getBytes()), n -> { }), refused));
            failures.add(expectFailure(() -> wrong.get("runs/objects/x"), refused));
            failures.add(expectFailure(() -> wrong.stat("runs/objects/x"), refused));
            failures.add(expectFailure(() -> wrong.delete("runs/objects/x"), refused));
            failures.add(expectFailure(unknownKey::check, refused));
            failures.add(expectFailure(() -> unknownKey.get("runs/objects/x"), refused));
            assertThat(wrong.toString()).doesNotContain(wrongSecret);
        }

        String missing = "bucket no-such-bucket does not exist at " + endpoint;
        try (S3Storage noBucket = new S3Storage(settings("no-such-bucket"), new S3Storage.Credentials(ACCESS, SECRET))) {
            failures.add(expectFailure(noBucket::check, missing));
            failures.add(expectFailure(() -> noBucket.put(new ByteArrayInputStream("x".getBytes()), n -> { }), missing));
            failures.add(expectFailure(() -> noBucket.get("runs/objects/x"), missing));
            failures.add(expectFailure(() -> noBucket.stat("runs/objects/x"), missing));
        }

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        try (S3Storage unreachable = new S3Storage(new S3Storage.Settings(Optional.of(nowhere), "us-east-1", BUCKET, "", true),
                new S3Storage.Credentials(ACCESS, SECRET))) {
            long t0 = System.nanoTime();
            Throwable e = expectFailure(unreachable::check, null);
            assertThat(e).hasMessageStartingWith("cannot reach S3 endpoint " + nowhere + ": ");
            assertThat(System.nanoTime() - t0).as("an unreachable endpoint is refused, not waited on").isLessThan(15_000_000_000L);
            failures.add(e);
            failures.add(expectFailure(() -> unreachable.get("x"), null));
        }

        for (Throwable f : failures) {
            for (Throwable t = f; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET).doesNotContain(wrongSecret);
                assertThat(t.toString()).doesNotContain(SECRET);
            }
        }
        S3Storage.Credentials credentials = new S3Storage.Credentials(ACCESS, SECRET);
        assertThat(credentials.toString()).contains(ACCESS).doesNotContain(SECRET);
        assertThat(storage.toString()).doesNotContain(SECRET);
    }

    interface Call {
        void run() throws Exception;
    }

    static Throwable expectFailure(Call call, String message) {
        try {
            call.run();
        } catch (Exception e) {
            assertThat(e).isInstanceOf(StorageException.class);
            if (message != null) {
                assertThat(e).hasMessage(message);
            }
            return e;
        }
        throw new AssertionError("expected a StorageException" + (message == null ? "" : ": " + message));
    }

    @Test
    void aFileOfKnownLengthGoesUpInOnePutWithItsSha256() throws Exception {
        Path file = dir.resolve("output.bin");
        PatternStream source = new PatternStream(40L << 20, 7);
        Files.copy(source, file);
        List<Long> progress = new ArrayList<>();
        StorageAdapter.Stored stored = storage.putFile(file, progress::add);
        assertThat(stored.sha256()).isEqualTo(source.sha256());
        assertThat(stored.size()).isEqualTo(40L << 20);
        assertThat(progress).isNotEmpty().last().isEqualTo(40L << 20);
        assertThat(storage.stat(stored.key())).contains(stored);
        try (InputStream in = storage.get(stored.key())) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(stored.sha256());
        }
        Path small = dir.resolve("small.bin");
        Files.writeString(small, "a small output");
        StorageAdapter.Stored tiny = storage.putFile(small, n -> { });
        assertThat(tiny.size()).isEqualTo(14);
        storage.delete(stored.key());
        storage.delete(tiny.key());
    }

    @Test
    void aFailureMidUploadLeavesNoObjectAndNoPendingUpload() throws Exception {
        String prefix = "failing/";
        try (S3Storage small = new S3Storage(new S3Storage.Settings(Optional.of(endpoint), "us-east-1", BUCKET, prefix, true),
                new S3Storage.Credentials(ACCESS, SECRET), 5 << 20, 2)) {
            List<Long> progress = new ArrayList<>();
            InputStream breaking = new PatternStream(1L << 30, 3) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    // past what the reused part buffers hold, so earlier parts must have completed
                    if (position() >= (40 << 20)) {
                        throw new IOException("the job's disk went away");
                    }
                    return super.read(b, off, len);
                }
            };
            assertThatThrownBy(() -> small.put(breaking, progress::add)).isInstanceOf(IOException.class).hasMessage("the job's disk went away");
            assertThat(progress).as("parts were uploaded before the failure").isNotEmpty();
        }
        assertThat(plain.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
        assertThat(plain.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents()).isEmpty();
    }

    @Test
    void concurrentPutsShareThePartUploadersWithoutMixingParts() throws Exception {
        try (S3Storage small = new S3Storage(settings(BUCKET), new S3Storage.Credentials(ACCESS, SECRET), 5 << 20, 2)) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                List<java.util.concurrent.Future<String>> checks = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    long seed = i;
                    checks.add(pool.submit(() -> {
                        PatternStream source = new PatternStream(23L << 20, seed);
                        StorageAdapter.Stored stored = small.put(source, n -> { });
                        assertThat(stored.sha256()).isEqualTo(source.sha256());
                        try (InputStream in = small.get(stored.key())) {
                            assertThat(sha256(in.readAllBytes())).isEqualTo(stored.sha256());
                        }
                        small.delete(stored.key());
                        return stored.sha256();
                    }));
                }
                List<String> hashes = new ArrayList<>();
                for (var c : checks) {
                    hashes.add(c.get());
                }
                assertThat(hashes).doesNotHaveDuplicates();
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void closingADownloadEarlyNeitherFailsNorReadsTheRest() throws Exception {
        byte[] data = new byte[20 << 20];
        new Random(5).nextBytes(data);
        StorageAdapter.Stored stored = storage.put(new ByteArrayInputStream(data), n -> { });
        try (InputStream in = storage.get(stored.key())) {
            assertThat(in.readNBytes(1000)).isEqualTo(java.util.Arrays.copyOf(data, 1000));
        }
        try (InputStream in = storage.get(stored.key())) {
            assertThat(in.skip(data.length - 10)).isEqualTo(data.length - 10);
            assertThat(in.readAllBytes()).hasSize(10);
        }
    }

    @Test
    void configurationAndSchema() throws Exception {
        JsonNode config = Json.MAPPER.readTree("{\"endpoint\":\"" + endpoint + "\",\"bucket\":\"artifacts\",\"prefix\":\"/team/\","
                + "\"pathStyle\":true,\"credentials\":\"lab-s3\"}");
        try (S3Storage s = S3Storage.create(config, new S3Storage.Credentials(ACCESS, SECRET))) {
            assertThat(s.settings()).isEqualTo(new S3Storage.Settings(Optional.of(endpoint), "us-east-1", BUCKET, "team/", true));
            s.check();
            assertThat(s.settings().toJson().has("credentials")).isFalse();
            JsonNode schema = S3Storage.kind().options().json();
            assertThat(schema.get("title").asText()).isEqualTo("S3 bucket");
            assertThat(schema.get("properties").fieldNames()).toIterable()
                    .containsExactly("endpoint", "region", "bucket", "prefix", "pathStyle", "credentials");
            assertThat(schema.at("/properties/region/default").asText()).isEqualTo("us-east-1");
            assertThat(schema.at("/properties/pathStyle/type").asText()).isEqualTo("boolean");
            assertThat(schema.at("/properties/credentials/type").asText()).isEqualTo("string");
        }
        assertThatThrownBy(() -> S3Storage.Settings.fromJson(Json.MAPPER.readTree("{\"endpoint\":\"http://s3.example.org\"}")))
                .isInstanceOf(StorageException.class).hasMessageContaining("bucket");
        assertThatThrownBy(() -> S3Storage.Settings.fromJson(Json.MAPPER.readTree("{\"endpoint\":\"s3.example.org\",\"bucket\":\"b\"}")))
                .isInstanceOf(StorageException.class).hasMessageContaining("needs a scheme and host");
        assertThatThrownBy(() -> S3Storage.Settings.fromJson(Json.MAPPER.readTree("{\"bucket\":\"b\",\"prefix\":\"a/../b\"}")))
                .isInstanceOf(StorageException.class).hasMessageContaining("..");
    }

    /** A deterministic stream of {@code size} bytes that is never held in memory, hashed as it is produced. */
    static class PatternStream extends InputStream {
        private final byte[] block = new byte[1 << 16];
        private final long size;
        private final MessageDigest sha;
        private long position;

        PatternStream(long size, long seed) {
            this.size = size;
            new Random(seed).nextBytes(block);
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        long position() {
            return position;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                long p = position + i;
                b[off + i] = (byte) (block[(int) (p & 0xffff)] ^ (p >>> 16));
            }
            sha.update(b, off, n);
            position += n;
            return n;
        }

        String sha256() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}
