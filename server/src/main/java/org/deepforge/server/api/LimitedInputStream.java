package org.deepforge.server.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.deepforge.server.http.BadRequest;

/** Fails the request with 413 once more than {@code limit} bytes were read. */
final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(long n) {
        count += n;
        if (count > limit) {
            throw new BadRequest(413, "the upload is larger than " + limit + " bytes");
        }
    }
}
