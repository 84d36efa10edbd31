package org.deepforge.exec.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * An object's bytes that hash themselves as they are read and fail at the end of the stream if they
 * are not the bytes that were stored, so a reader never silently consumes changed data.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest sha = LocalStorage.sha256();
    private final String expected;
    private final Supplier<String> where;
    private boolean ended;
    private String mismatch;

    /** {@code where} names the object in the message, e.g. "x in bucket b". */
    VerifyingInputStream(InputStream in, String expected, Supplier<String> where) {
        super(in);
        this.expected = expected;
        this.where = where;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            end();
        } else {
            sha.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n < 0) {
            end();
        } else {
            sha.update(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes must still be hashed, or the check at the end would be wrong
        byte[] scratch = new byte[(int) Math.min(n, 1 << 16)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int limit) {
        // not supported: the digest cannot be rewound
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset is not supported on a verified S3 stream");
    }

    @Override
    public void close() throws IOException {
        if (!ended && in instanceof ResponseInputStream<?> response) {
            // closing early would otherwise drain the rest of a possibly huge body
            response.abort();
        }
        in.close();
    }

    private void end() throws StorageException {
        if (!ended) {
            ended = true;
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(expected)) {
                mismatch = "the data of " + where.get() + " changed since it was stored: sha256 " + actual
                        + " expected " + expected + "; store the artifact again or re-import the object";
            }
        }
        if (mismatch != null) {
            throw new StorageException(mismatch);
        }
    }
}
