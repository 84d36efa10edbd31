package org.deepforge.server.preview;

/** A preview or conversion that failed, with what the user should know: 422 for the data's own failures, 503 without a sandbox. */
public final class PreviewFailed extends Exception {
    private final int status;
    private final boolean cacheable;

    PreviewFailed(int status, String message, boolean cacheable) {
        super(message);
        this.status = status;
        this.cacheable = cacheable;
    }

    public int status() {
        return status;
    }

    /** Whether the same bytes would fail the same way (the reader said why; not a time-out or a kill). */
    boolean cacheable() {
        return cacheable;
    }
}
