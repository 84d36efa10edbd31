package org.deepforge.exec.session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads newline-terminated lines from a channel, never holding more than a limit: a longer line is skipped up to its
 * newline and reported as {@link Line#oversize}. Reads the channel directly (not through {@code Channels.newInputStream},
 * whose reads would hold the channel's lock and stall writes from another thread).
 */
final class LineReader {
    /** One line without its newline, or (oversize) the fact that one was too long. */
    record Line(byte[] bytes, boolean oversize) {}

    private final ReadableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineReader(ReadableByteChannel channel) {
        this.channel = channel;
        buffer.flip();
    }

    /** The next line of at most {@code max} bytes, an oversize marker, or null at the end of the stream. */
    Line next(int max) throws IOException {
        line.reset();
        boolean oversize = false;
        while (true) {
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    return oversize ? new Line(new byte[0], true) : new Line(line.toByteArray(), false);
                }
                if (!oversize) {
                    if (line.size() >= max) {
                        oversize = true;
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }
            buffer.clear();
            int n = channel.read(buffer);
            buffer.flip();
            if (n < 0) {
                return null; // a last line without its newline is incomplete: dropped
            }
        }
    }
}
