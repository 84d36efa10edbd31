package org.deepforge.server;

import java.nio.file.Path;

/**
 * Where and how the server runs. Port 0 picks a free port (tests). {@code accounts}: users sign in
 * (always so when bound beyond loopback); {@code signup}: anyone who reaches the server may create an
 * account (off by default: accounts can run code on this machine). {@code slurmConf}: the Slurm client's
 * configuration file ({@code --slurm-conf}); null: the server's own {@code SLURM_CONF} or Slurm's default.
 */
public record ServerConfig(String host, int port, Path dataDir, String python, boolean warmStart, boolean examples,
                           boolean accounts, boolean signup, Isolation isolation, Path slurmConf) {
    /**
     * How users' code is confined (docs/security.md, "Isolation of users' code"). {@code sandbox}: false only with
     * {@code --unsafe-no-sandbox} (development on a machine used by one person); {@code jobNetwork}: whether local jobs
     * may use the network at all ({@code --no-job-network}); a model import may run {@code importTimeout} and use
     * {@code importMemory} bytes of address space.
     */
    public record Isolation(boolean sandbox, boolean jobNetwork, java.time.Duration importTimeout, long importMemory) {
        public static final Isolation DEFAULT = new Isolation(true, true, java.time.Duration.ofSeconds(120), 4L << 30);
    }

    public ServerConfig(String host, int port, Path dataDir, String python, boolean warmStart, boolean examples,
                        boolean accounts, boolean signup) {
        this(host, port, dataDir, python, warmStart, examples, accounts, signup, Isolation.DEFAULT, null);
    }

    /** The same with users' code confined as {@code isolation} says. */
    public ServerConfig withIsolation(Isolation isolation) {
        return new ServerConfig(host, port, dataDir, python, warmStart, examples, accounts, signup, isolation, slurmConf);
    }

    /** The same with the Slurm client reading {@code slurmConf} (null: the server's own SLURM_CONF). */
    public ServerConfig withSlurmConf(Path slurmConf) {
        return new ServerConfig(host, port, dataDir, python, warmStart, examples, accounts, signup, isolation, slurmConf);
    }

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
        return new ServerConfig(host, port, dataDir, python, warmStart, examples, true, signup, isolation, slurmConf);
    }
}
