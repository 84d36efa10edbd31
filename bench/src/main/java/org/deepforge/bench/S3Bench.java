package org.deepforge.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
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
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * S3 storage throughput: {@code S3Storage.putFile} (as an Output node stores a job's file: one PUT of known length,
 * sha256 computed alongside) and {@code get} (streamed,
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
        int partMiB = Bench.intArg(args, "--part", S3Storage.DEFAULT_PART_SIZE >> 20);
        int parallel = Bench.intArg(args, "--parallel", S3Storage.DEFAULT_PARALLEL_PARTS);
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
        System.out.printf("S3 storage throughput — %s, %d cores, Java %s%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("%d MiB file, S3Proxy 4.1.0 (filesystem-nio2) at %s, data under %s, %d rounds%n%n", megabytes, endpoint, dir, rounds);
        List<Double> basePut = new ArrayList<>();
        List<Double> baseGet = new ArrayList<>();
        List<Double> ourPut = new ArrayList<>();
        List<Double> ourGet = new ArrayList<>();
        List<Double> refPut = new ArrayList<>();
        List<Double> refGet = new ArrayList<>();
        try (S3Client plain = client(endpoint);
             S3Storage storage = new S3Storage(new S3Storage.Settings(Optional.of(endpoint), "us-east-1", BUCKET, "bench", true),
                     new S3Storage.Credentials(ACCESS, SECRET), partMiB << 20, parallel)) {
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
                // as an Output node stores a job's output file
                StorageAdapter.Stored stored = storage.putFile(file, n -> { });
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

                // references, not baselines: what any uploader of unknown length (sequential SDK
                // multipart, same part size) and any verifying reader (getObject + SHA-256) costs here
                t0 = System.nanoTime();
                sdkMultipart(plain, file, partMiB << 20);
                double rPut = mbps(size, t0);
                t0 = System.nanoTime();
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                try (InputStream in = plain.getObject(b -> b.bucket(BUCKET).key("multipart.bin"))) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
                double rGet = mbps(size, t0);
                plain.deleteObject(b -> b.bucket(BUCKET).key("multipart.bin"));
                System.out.printf("round %d%s: baseline put %5.0f get %5.0f | S3Storage put %5.0f get %5.0f | reference put %5.0f get %5.0f MB/s%n",
                        round, round == 0 ? " (warm-up)" : "", put, get, oPut, oGet, rPut, rGet);
                if (round > 0) {
                    basePut.add(put);
                    baseGet.add(get);
                    ourPut.add(oPut);
                    ourGet.add(oGet);
                    refPut.add(rPut);
                    refGet.add(rGet);
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
        double rp = Bench.pct(refPut, 50);
        double rg = Bench.pct(refGet, 50);
        System.out.printf("%nS3Storage.putFile (one PUT, sha256 alongside; %d MiB parts × %d only past 5 GiB) : %6.0f MB/s  (%.2f× the baseline)  target ≥ 0.9×%n",
                partMiB, parallel, op, op / bp);
        System.out.printf("S3Storage.get (streamed, sha256 verified)      : %6.0f MB/s  (%.2f× the baseline)  target ≥ 0.9×%n", og, og / bg);
        System.out.printf("baseline: SDK putObject(RequestBody.fromFile)  : %6.0f MB/s%n", bp);
        System.out.printf("baseline: SDK getObject, stream read           : %6.0f MB/s%n", bg);
        System.out.printf("reference: SDK multipart, %d MiB parts, 1 at once : %6.0f MB/s  (S3Storage.put = %.2f× of it)%n", partMiB, rp, op / rp);
        System.out.printf("reference: SDK getObject + SHA-256 of the stream : %6.0f MB/s  (S3Storage.get = %.2f× of it)%n", rg, og / rg);
        System.out.printf("medians of %d rounds, baseline and adapter alternating%n", rounds);
    }

    /** A sequential multipart upload of {@code file} by the plain SDK, parts read into one reused buffer. */
    static void sdkMultipart(S3Client s3, Path file, int partSize) throws Exception {
        String id = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("multipart.bin")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        byte[] buffer = new byte[partSize];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.readNBytes(buffer, 0, partSize)) > 0; ) {
                int number = parts.size() + 1;
                int length = n;
                String etag = s3.uploadPart(b -> b.bucket(BUCKET).key("multipart.bin").uploadId(id).partNumber(number)
                        .contentLength((long) length), RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length),
                        length, "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
        }
        s3.completeMultipartUpload(b -> b.bucket(BUCKET).key("multipart.bin").uploadId(id).multipartUpload(u -> u.parts(parts)));
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
