package org.deepforge.exec.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Follows a stream a job appends lines to (its console, its event channel): each read returns the complete
 * lines written since the last one. A line longer than the limit is skipped and counted, never waited
 * on, so a job cannot stall its execution's reader by writing one endless line.
 */
final class LineTail {
    private static final int CHUNK = 16 << 20;
    private final int maxLine;
    private long offset;
    private boolean skipping;

    /** Where the lines come from: what was written from a byte offset on (its compute adapter's {@code read}). */
    @FunctionalInterface
    interface Source {
        InputStream open(long offset) throws IOException;
    }

    LineTail(long offset, int maxLine) {
        if (maxLine >= CHUNK) {
            throw new IllegalArgumentException("a line limit must be below the read size " + CHUNK);
        }
        this.offset = offset;
        this.maxLine = maxLine;
    }

    /** How far the stream has been read (complete lines and skipped ones). */
    long offset() {
        return offset;
    }

    /** Adds the complete lines since the last read to {@code into}; returns how many over-long lines were skipped. */
    int read(Source source, List<String> into) {
        int skipped = 0;
        try (InputStream in = source.open(offset)) {
            byte[] carry = new byte[0]; // the start of a line read but not ended yet (offset points at it)
            while (true) {
                byte[] fresh = in.readNBytes(CHUNK);
                if (fresh.length == 0) {
                    return skipped;
                }
                byte[] bytes = carry.length == 0 ? fresh : concat(carry, fresh);
                int start = 0;
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    if (skipping) {
                        skipping = false;
                        skipped++;
                    } else if (i - start > maxLine) {
                        skipped++;
                    } else {
                        into.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    }
                    start = i + 1;
                }
                if (skipping || bytes.length - start > maxLine) {
                    skipping = true; // inside a line that is already too long: drop what there is of it
                    offset += bytes.length;
                    carry = new byte[0];
                } else {
                    offset += start; // a partial last line waits for its end
                    carry = Arrays.copyOfRange(bytes, start, bytes.length);
                }
                if (fresh.length < CHUNK) {
                    return skipped; // the end of what there is
                }
            }
        } catch (IOException e) {
            // the stream is being replaced or is gone: the next look tries again
        }
        return skipped;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
