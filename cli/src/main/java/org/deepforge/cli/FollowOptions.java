package org.deepforge.cli;

import picocli.CommandLine.Option;

/** {@code --follow} and how to follow: told over the WebSocket when new lines are there (default), or by polling. */
final class FollowOptions {
    @Option(names = {"-f", "--follow"}, description = "stream every job's console as it is written and exit with the "
            + "execution's status (0 success, 1 failed, 3 cancelled)")
    boolean follow;

    @Option(names = "--poll", description = "with --follow: look for new lines every second instead of being told over "
            + "the WebSocket (e.g. behind a proxy that drops WebSockets)")
    boolean poll;
}
