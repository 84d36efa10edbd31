package org.deepforge.server;

import java.nio.file.Path;

/**
 * Where and how the server runs. Port 0 picks a free port (tests). {@code accounts}: users sign in
 * (always so when bound beyond loopback); {@code signup}: anyone who reaches the server may create an
 * account (off by default: accounts can run code on this machine).
 */
public record ServerConfig(String host, int port, Path dataDir, String python, boolean warmStart, boolean examples,
                           boolean accounts, boolean signup) {
    public static final int DEFAULT_PORT = 8888;
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Debian's interpreter, which has the python3-torch stack; the python3 first on PATH may not. */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";

    /** For embedding and tests: jobs start as fresh processes (no warm-start interpreter kept running). */
    public ServerConfig(String host, int port, Path dataDir) {
        this(host, port, dataDir, System.getenv().getOrDefault("DEEPFORGE_PYTHON", DEFAULT_PYTHON), false, false);
    }

    /** Without example projects in a fresh data directory (embedding, tests). */
    public ServerConfig(String host, int port, Path dataDir, String python, boolean warmStart) {
        this(host, port, dataDir, python, warmStart, false);
    }

    /** Local mode on loopback (no accounts) unless the host is another address. */
    public ServerConfig(String host, int port, Path dataDir, String python, boolean warmStart, boolean examples) {
        this(host, port, dataDir, python, warmStart, examples, false, false);
    }

    /** The same, with users signing in; {@code signup} lets visitors create accounts themselves. */
    public ServerConfig withAccounts(boolean signup) {
        return new ServerConfig(host, port, dataDir, python, warmStart, examples, true, signup);
    }
}
