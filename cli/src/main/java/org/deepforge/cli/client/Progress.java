package org.deepforge.cli.client;

/** Told how a transfer advances (a progress bar, or nothing). */
public interface Progress {
    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void start(String label, long total) {}

        @Override
        public void advance(long bytes) {}

        @Override
        public void done() {}
    };

    /** A transfer begins; {@code total} is its size in bytes, or -1 when unknown. */
    void start(String label, long total);

    /** {@code bytes} more went through. */
    void advance(long bytes);

    /** The transfer ended (done or failed). */
    void done();
}
