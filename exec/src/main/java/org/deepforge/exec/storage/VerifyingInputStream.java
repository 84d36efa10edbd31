package org.deepforge.exec.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * An object's bytes that hash themselves as they are read and fail at the end of the stream if they
 * are not the bytes that were stored, so a reader never silently consumes changed data. Past the first
 * MiB the hashing runs on its own thread over copies of what was read, so it overlaps the transfer.
 */
final class VerifyingInputStream extends FilterInputStream {
    private static final int CHUNK = 1 << 20;
    private static final int CHUNKS = 4;
    private static final Chunk END = new Chunk(new byte[0], 0);

    private record Chunk(byte[] bytes, int length) {}

    private final MessageDigest sha = LocalStorage.sha256();
    private final String expected;
    private final Supplier<String> where;
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
    private byte[] current;
    private int filled;
    private int allocated;
    private Thread hasher;
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
            hash(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n < 0) {
            end();
        } else {
            hash(buffer, offset, n);
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
        if (!ended) {
            if (hasher != null) {
                hasher.interrupt();
            }
            if (in instanceof ResponseInputStream<?> response) {
                // closing early would otherwise drain the rest of a possibly huge body
                response.abort();
            }
        }
        in.close();
    }

    private void hash(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (current == null) {
                current = nextBuffer();
            }
            int m = Math.min(length, CHUNK - filled);
            System.arraycopy(bytes, offset, current, filled, m);
            filled += m;
            offset += m;
            length -= m;
            if (filled == CHUNK) {
                if (hasher == null) {
                    hasher = new Thread(this::digest, "s3-verify-sha256");
                    hasher.setDaemon(true);
                    hasher.start();
                }
                hand(new Chunk(current, filled));
                current = null;
                filled = 0;
            }
        }
    }

    private byte[] nextBuffer() throws IOException {
        byte[] b = free.poll();
        if (b == null && allocated < CHUNKS) {
            allocated++;
            return new byte[CHUNK];
        }
        try {
            return b != null ? b : free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while verifying " + where.get());
        }
    }

    private void hand(Chunk chunk) throws IOException {
        try {
            full.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while verifying " + where.get());
        }
    }

    /** The hashing thread: digests chunks in order until {@link #END}. */
    private void digest() {
        try {
            for (Chunk c; (c = full.take()) != END; ) {
                sha.update(c.bytes(), 0, c.length());
                free.add(c.bytes());
            }
        } catch (InterruptedException e) {
            // the reader closed the stream early; nothing to verify
        }
    }

    private void end() throws IOException {
        if (!ended) {
            ended = true;
            if (hasher == null) {
                if (current != null) {
                    sha.update(current, 0, filled);
                }
            } else {
                if (filled > 0) {
                    hand(new Chunk(current, filled));
                }
                hand(END);
                try {
                    hasher.join(); // also makes the hasher's digest visible here
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while verifying " + where.get());
                }
            }
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
