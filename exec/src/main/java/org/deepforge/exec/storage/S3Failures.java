package org.deepforge.exec.storage;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what the S3 SDK throws into a {@link StorageException} whose message says what to fix. No
 * message or attached cause ever contains the secret access key.
 */
final class S3Failures {
    private static final Set<String> BAD_CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "InvalidSecurity");
    private static final Set<String> WRONG_REGION = Set.of("AuthorizationHeaderMalformed", "PermanentRedirect", "IllegalLocationConstraintException");

    private final String endpoint;
    private final String bucket;
    private final String region;
    private final String secret;

    S3Failures(String endpoint, String bucket, String region, String secret) {
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.region = region;
        this.secret = secret;
    }

    /**
     * @param action what was being done, e.g. "read" (used as "failed to read …")
     * @param key the object concerned; empty for bucket-level calls
     */
    StorageException map(String action, Optional<String> key, SdkException e) {
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            if (code != null && BAD_CREDENTIALS.contains(code) || status == 403 && code == null) {
                // HEAD responses carry no error code; a 403 there is almost always the key pair
                return wrap(refusedCredentials(), e);
            }
            if (code != null && WRONG_REGION.contains(code) || status == 301) {
                return wrap("S3 at " + endpoint + " says bucket " + bucket + " is not in region " + region
                        + ": set the region the bucket was created in", e);
            }
            if ("NoSuchBucket".equals(code) || status == 404 && code == null && key.isEmpty()) {
                return wrap(noSuchBucket(), e);
            }
            if ("AccessDenied".equals(code)) {
                return wrap("S3 at " + endpoint + " denied access to " + key.map(k -> k + " in ").orElse("")
                        + "bucket " + bucket + ": the credentials are valid but may not " + action
                        + " there; grant them read, write and delete on the bucket (or its prefix)", e);
            }
            if ("NoSuchKey".equals(code) || status == 404 && key.isPresent()) {
                return wrap("object " + key.orElse("?") + " is not in bucket " + bucket + " at " + endpoint, e);
            }
            return wrap("S3 at " + endpoint + " failed to " + action + key.map(k -> " " + k).orElse("") + " in bucket "
                    + bucket + ": HTTP " + status + (code == null ? "" : " " + code) + " "
                    + Optional.ofNullable(service.awsErrorDetails()).map(d -> d.errorMessage()).orElse(""), e);
        }
        Optional<Throwable> network = networkCause(e);
        if (network.isPresent()) {
            Throwable n = network.get();
            return wrap("cannot reach S3 endpoint " + endpoint + ": " + n.getClass().getSimpleName()
                    + (n.getMessage() == null ? "" : " " + n.getMessage()) + "; check the endpoint URL and that the server is up", e);
        }
        return wrap("S3 at " + endpoint + " failed to " + action + key.map(k -> " " + k).orElse("") + " in bucket " + bucket
                + ": " + e.getMessage(), e);
    }

    /**
     * True when S3 gave no answer to read and the network is not the cause: typically the server refused the
     * request (wrong key, no bucket) and closed the connection while the body was still being written.
     */
    boolean unexplained(Throwable e) {
        return !(e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException) && networkCause(e).isEmpty();
    }

    String refusedCredentials() {
        return "S3 at " + endpoint + " refused the credentials for bucket " + bucket
                + ": check the access key id and secret of the stored secret";
    }

    String noSuchBucket() {
        return "bucket " + bucket + " does not exist at " + endpoint;
    }

    /** A StorageException with {@code message}; the cause is attached only if nothing in it mentions the secret. */
    StorageException wrap(String message, Throwable cause) {
        String safe = redact(message);
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (mentionsSecret(t.getMessage()) || mentionsSecret(t.toString())) {
                return new StorageException(safe);
            }
        }
        return new StorageException(safe, cause);
    }

    String redact(String text) {
        return text == null || secret.isEmpty() ? text : text.replace(secret, "***");
    }

    private boolean mentionsSecret(String text) {
        return text != null && !secret.isEmpty() && text.contains(secret);
    }

    private static Optional<Throwable> networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).contains("connect")) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
