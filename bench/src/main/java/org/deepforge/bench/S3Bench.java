package org.deepforge.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.deepforge.exec.storage.S3Storage;
import org.deepforge.exec.storage.StorageAdapter;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 storage throughput: {@code S3Storage.put} (streamed multipart, hashed) and {@code get} (streamed,
 * verified) of one file against an in-process S3Proxy on its filesystem back end; baseline in the same
 * run: the plain SDK's {@code putObject(RequestBody.fromFile)} and {@code getObject} of the same file
 * over a client configured like the adapter's. Baseline and adapter runs alternate; medians reported.
 */
final class S3Bench {
    private static final String ACCESS = "bench";
    private static final String SECRET = "bench-secret-0123456789";
    private static final String BUCKET = "bench";

    private S3Bench() {}

    static void main(String[] args) throws Exception {
        int megabytes = Bench.intArg(args, "--size", 1024);
        int rounds = Bench.intArg(args, "--rounds", 3);
        Path dir = System.getProperty("bench.dir") != null
                ? Files.createTempDirectory(Path.of(System.getProperty("bench.dir")), "deepforge-s3-bench")
                : Files.createTempDirectory("deepforge-s3-bench");
        Path file = dir.resolve("artifact.bin");
        writeFile(file, (long) megabytes << 20);
        long size = Files.size(file);
        Files.createDirectories(dir.resolve("s3"));
        S3Proxy proxy = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(dir.resolve("s3").toString()))
                .endpoint(URI.create("http://127.0.0.1:0")).awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        System.out.printf("S3 storage throughput — %s, %d cores, Java %s%n", java.time.Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("%d MiB file, S3Proxy 4.1.0 (filesystem-nio2) at %s, data under %s, %d rounds%n%n", megabytes, endpoint, dir, rounds);
        List<Double> basePut = new ArrayList<>();
        List<Double> baseGet = new ArrayList<>();
        List<Double> ourPut = new ArrayList<>();
        List<Double> ourGet = new ArrayList<>();
        try (S3Client plain = client(endpoint);
             S3Storage storage = new S3Storage(new S3Storage.Settings(Optional.of(endpoint), "us-east-1", BUCKET, "bench", true),
                     new S3Storage.Credentials(ACCESS, SECRET))) {
            plain.createBucket(b -> b.bucket(BUCKET));
            byte[] buffer = new byte[1 << 20];
            for (int round = 0; round <= rounds; round++) { // round 0 warms up the JIT and is not counted
                long t0 = System.nanoTime();
                plain.putObject(b -> b.bucket(BUCKET).key("baseline.bin"), RequestBody.fromFile(file));
                double put = mbps(size, t0);
                t0 = System.nanoTime();
                long read = 0;
                try (InputStream in = plain.getObject(b -> b.bucket(BUCKET).key("baseline.bin"))) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        read += n;
                    }
                }
                double get = mbps(read, t0);
                plain.deleteObject(b -> b.bucket(BUCKET).key("baseline.bin"));

                t0 = System.nanoTime();
                StorageAdapter.Stored stored;
                try (InputStream in = Files.newInputStream(file)) {
                    stored = storage.put(in, n -> { });
                }
                double oPut = mbps(size, t0);
                t0 = System.nanoTime();
                read = 0;
                try (InputStream in = storage.get(stored.key())) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        read += n;
                    }
                }
                double oGet = mbps(read, t0);
                storage.delete(stored.key());
                System.out.printf("round %d%s: baseline put %6.0f MB/s get %6.0f MB/s | S3Storage put %6.0f MB/s get %6.0f MB/s%n",
                        round, round == 0 ? " (warm-up)" : "", put, get, oPut, oGet);
                if (round > 0) {
                    basePut.add(put);
                    baseGet.add(get);
                    ourPut.add(oPut);
                    ourGet.add(oGet);
                }
            }
        } finally {
            proxy.stop();
            Files.deleteIfExists(file);
        }
        double bp = Bench.pct(basePut, 50);
        double bg = Bench.pct(baseGet, 50);
        double op = Bench.pct(ourPut, 50);
        double og = Bench.pct(ourGet, 50);
        System.out.printf("%nS3Storage.put (multipart %d MiB parts, sha256) : %7.0f MB/s  (%.2f× the baseline)  target ≥ 0.9×%n",
                S3Storage.DEFAULT_PART_SIZE >> 20, op, op / bp);
        System.out.printf("S3Storage.get (streamed, sha256 verified)      : %7.0f MB/s  (%.2f× the baseline)  target ≥ 0.9×%n", og, og / bg);
        System.out.printf("baseline: SDK putObject(RequestBody.fromFile)  : %7.0f MB/s%n", bp);
        System.out.printf("baseline: SDK getObject, stream read           : %7.0f MB/s%n", bg);
    }

    /** Configured like S3Storage's own client, so the ratio is the adapter's cost, not the configuration's. */
    static S3Client client(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    static void writeFile(Path file, long size) throws Exception {
        byte[] block = new byte[1 << 20];
        Random random = new Random(1);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
    }

    static double mbps(long bytes, long since) {
        return bytes / 1e6 / ((System.nanoTime() - since) / 1e9);
    }
}
