package org.deepforge.cli;

/** The exit codes of {@code deepforge} (docs/cli.md). */
final class ExitCodes {
    static final int OK = 0;
    /** The server refused a request, an execution failed, a download did not match its checksum. */
    static final int FAILED = 1;
    /** A command line picocli could not parse, or a value it cannot use (picocli's own code). */
    static final int USAGE = 2;
    /** A followed execution was cancelled. */
    static final int CANCELLED = 3;
    /** The server could not be reached. */
    static final int UNREACHABLE = 4;

    private ExitCodes() {}
}
