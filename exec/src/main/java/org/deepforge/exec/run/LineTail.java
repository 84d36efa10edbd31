package org.deepforge.exec.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Follows a file a job appends lines to (its console, its event channel): each read returns the complete
 * lines written since the last one. A line longer than the limit is skipped and counted, never waited
 * on, so a job cannot stall its execution's reader by writing one endless line.
 */
final class LineTail {
    private static final int CHUNK = 16 << 20;
    private final int maxLine;
    private long offset;
    private boolean skipping;

    LineTail(long offset, int maxLine) {
        if (maxLine >= CHUNK) {
            throw new IllegalArgumentException("a line limit must be below the read size " + CHUNK);
        }
        this.offset = offset;
        this.maxLine = maxLine;
    }

    /** How far the file has been read (complete lines and skipped ones). */
    long offset() {
        return offset;
    }

    /** Adds the complete lines since the last read to {@code into}; returns how many over-long lines were skipped. */
    int read(Path file, List<String> into) {
        if (!Files.exists(file)) {
            return 0;
        }
        int skipped = 0;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            while (length > offset) {
                byte[] bytes = new byte[(int) Math.min(length - offset, CHUNK)];
                in.seek(offset);
                in.readFully(bytes);
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
                    offset += start; // a partial last line waits for the next read
                    return skipped;
                }
            }
        } catch (IOException e) {
            // the file is being replaced or is gone: the next look tries again
        }
        return skipped;
    }
}
