package org.deepforge.exec.storage;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** A real S3 server for tests: S3Proxy 4.1.0 in-process on loopback, objects as files under a directory, AWS V2/V4 auth. */
public final class S3TestServer implements AutoCloseable {
    public final URI endpoint;
    public final String access;
    public final String secret;
    private final S3Proxy proxy;

    public S3TestServer(Path base, String access, String secret) throws Exception {
        Files.createDirectories(base);
        this.access = access;
        this.secret = secret;
        proxy = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(base.toString()))
                .endpoint(URI.create("http://127.0.0.1:0")).awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret).build();
        proxy.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> "STARTED".equals(proxy.getState()));
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** A plain AWS SDK client of the server, as a scientist's own script would use. */
    public S3Client client() {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret)))
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
