package org.deepforge.ops.analysis;

/** The analysis process refused a request (the message says why) or could not answer. */
public final class AnalysisException extends RuntimeException {
    private final boolean userError;

    public AnalysisException(String message, boolean userError) {
        super(message);
        this.userError = userError;
    }

    /** True when the request itself was wrong (bad edit, unknown name); false when the process failed. */
    public boolean userError() {
        return userError;
    }
}
