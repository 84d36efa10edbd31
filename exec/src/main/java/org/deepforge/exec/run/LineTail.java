package org.deepforge.exec.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Follows a stream a job appends lines to (its console, its event channel): each read returns the complete
 * lines written since the last one, up to one read size (16 MB) of them, so a backlog (a long job's events
 * after a restart) is taken in bounded steps ({@link #more}). A line longer than the limit is skipped and counted,
 * never waited on, so a job cannot stall its execution's reader by writing one endless line.
 */
final class LineTail {
    private static final int CHUNK = 16 << 20;
    private final int maxLine;
    private long offset;
    private boolean skipping;
    private boolean more;

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

    /** Whether the last read stopped at its size with more of the stream possibly there: read again right away. */
    boolean more() {
        return more;
    }

    /**
     * Adds the complete lines since the last read (within one read size) to {@code into}; returns how many over-long
     * lines were skipped.
     */
    int read(Source source, List<String> into) {
        int skipped = 0;
        more = false;
        try (InputStream in = source.open(offset)) {
            byte[] bytes = in.readNBytes(CHUNK);
            if (bytes.length > 0) {
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
                } else {
                    offset += start; // a partial last line waits for its end (the next read starts at it)
                }
                more = bytes.length == CHUNK;
            }
        } catch (IOException e) {
            // the stream is being replaced or is gone: the next look tries again
        }
        return skipped;
    }
}
