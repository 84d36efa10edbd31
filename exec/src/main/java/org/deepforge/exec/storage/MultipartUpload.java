package org.deepforge.exec.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One streamed multipart upload of unknown length: the stream is read (and hashed) into a few reused
 * part buffers while up to {@code parallel} earlier parts upload; on any failure the upload waits for
 * the parts in flight and is aborted, so no half-written object or pending upload stays behind.
 */
final class MultipartUpload {
    static final int MAX_PARTS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(MultipartUpload.class);

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final ExecutorService pool;
    private final int parallel;
    private final S3Failures failures;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private int reported;
    private long done;

    MultipartUpload(S3Client s3, String bucket, String key, ExecutorService pool, int parallel, S3Failures failures) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.pool = pool;
        this.parallel = parallel;
        this.failures = failures;
    }

    /** Uploads {@code first} (a full part already read and hashed) and the rest of {@code in}; returns the size. */
    long run(InputStream in, byte[] first, MessageDigest sha, LongConsumer onProgress) throws IOException {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        } catch (SdkException e) {
            throw failures.map("start an upload of", Optional.of(key), e);
        }
        // one buffer is filled while the others upload
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(parallel + 1);
        int allocated = 1;
        try {
            byte[] buffer = first;
            int n = first.length;
            long size = 0;
            while (n > 0) {
                if (parts.size() == MAX_PARTS) {
                    throw new StorageException("the artifact is larger than S3's " + MAX_PARTS + " parts of " + (first.length >> 20)
                            + " MiB; configure a larger part size");
                }
                submit(uploadId, buffer, n, free);
                size += n;
                report(onProgress, false);
                buffer = free.poll();
                if (buffer == null && allocated <= parallel) {
                    buffer = new byte[first.length];
                    allocated++;
                }
                while (buffer == null) {
                    buffer = free.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                    report(onProgress, false); // also surfaces a failed part without reading on
                }
                n = in.readNBytes(buffer, 0, buffer.length);
                sha.update(buffer, 0, n);
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (Future<CompletedPart> part : parts) {
                completed.add(part.get());
            }
            report(onProgress, true);
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(u -> u.parts(completed)));
            return size;
        } catch (IOException | RuntimeException | Error | InterruptedException | ExecutionException e) {
            throw abort(uploadId, e);
        }
    }

    private void submit(String uploadId, byte[] buffer, int length, BlockingQueue<byte[]> free) {
        int number = parts.size() + 1;
        sizes.add(length);
        parts.add(pool.submit(() -> {
            try {
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                        .contentLength((long) length), RequestBody.fromContentProvider(
                                () -> new ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream")).eTag();
                return CompletedPart.builder().partNumber(number).eTag(etag).build();
            } finally {
                free.add(buffer);
            }
        }));
    }

    /** Tells {@code onProgress} (on the caller's thread) about parts uploaded in order; throws if one failed. */
    private void report(LongConsumer onProgress, boolean all) throws InterruptedException, ExecutionException {
        long before = done;
        while (reported < parts.size() && (all || parts.get(reported).isDone())) {
            parts.get(reported).get();
            done += sizes.get(reported);
            reported++;
        }
        if (done > before) {
            onProgress.accept(done);
        }
    }

    private IOException abort(String uploadId, Throwable failure) {
        for (Future<CompletedPart> part : parts) {
            try {
                part.get(); // a part still uploading would otherwise land after the abort
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | RuntimeException e) {
                // the failure that matters is reported below
            }
        }
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException e) {
            log.warn("could not abort the multipart upload {} of {} in bucket {}: {}", uploadId, key, bucket, failures.redact(e.toString()));
        }
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SdkException sdk) {
            return failures.map("upload", Optional.of(key), sdk);
        }
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new InterruptedIOException("the upload of " + key + " was interrupted");
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }
}
