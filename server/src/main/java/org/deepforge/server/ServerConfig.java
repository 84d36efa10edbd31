package org.deepforge.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and how the server runs. Port 0 picks a free port (tests). {@code accounts}: users sign in
 * (always so when bound beyond loopback); {@code signup}: anyone who reaches the server may create an
 * account (off by default: accounts can run code on this machine). {@code slurmConf}: the Slurm client's
 * configuration file ({@code --slurm-conf}); null: the server's own {@code SLURM_CONF} or Slurm's default.
 * {@code sessions}: the limits of interactive sessions. {@code libraries}: library directories and {@code .zip}s of
 * them to install beside those on the class path ({@code --library}, docs/libraries.md). Made with {@link #builder}.
 */
public record ServerConfig(String host, int port, Path dataDir, String python, boolean warmStart, boolean examples,
                           boolean accounts, boolean signup, Isolation isolation, Path slurmConf, SessionLimits sessions,
                           List<Path> libraries) {
    public ServerConfig {
        libraries = List.copyOf(libraries);
    }

    /**
     * How users' code is confined (docs/security.md, "Isolation of users' code"). {@code sandbox}: false only with
     * {@code --unsafe-no-sandbox} (development on a machine used by one person); {@code jobNetwork}: whether local jobs
     * may use the network at all ({@code --no-job-network}); a model import may run {@code importTimeout} and use
     * {@code importMemory} bytes of address space.
     */
    public record Isolation(boolean sandbox, boolean jobNetwork, Duration importTimeout, long importMemory) {
        public static final Isolation DEFAULT = new Isolation(true, true, Duration.ofSeconds(120), 4L << 30);
    }

    /**
     * Interactive sessions (docs/sessions.md): live sessions a user may have ({@code --session-limit}), how long one may
     * sit idle before it is stopped ({@code --session-idle-timeout}), and where agents of sessions that do not run on
     * this machine connect ({@code --session-agent-address HOST:PORT}; null: the bind host, an ephemeral port).
     */
    public record SessionLimits(int perUser, Duration idleTimeout, String agentAddress) {
        public static final SessionLimits DEFAULT = new SessionLimits(2, Duration.ofMinutes(30), null);

        public SessionLimits {
            if (perUser < 0) {
                throw new IllegalArgumentException("--session-limit must be 0 or more, not " + perUser);
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("--session-idle-timeout must be longer than 0, such as 30m");
            }
        }
    }

    public static final int DEFAULT_PORT = 8888;
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Debian's interpreter, which has the python3-torch stack; the python3 first on PATH may not. */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";

    /**
     * A server keeping its data in {@code dataDir}, set up for embedding and tests until told otherwise: loopback on a
     * free port, the interpreter {@code $DEEPFORGE_PYTHON} (else {@link #DEFAULT_PYTHON}), jobs started as fresh
     * processes (no warm-start interpreter), no example projects, no accounts, users' code sandboxed.
     */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Builds a {@link ServerConfig}; every setting has the default {@link #builder} names. */
    public static final class Builder {
        private final Path dataDir;
        private String host = DEFAULT_HOST;
        private int port = 0;
        private String python = System.getenv().getOrDefault("DEEPFORGE_PYTHON", DEFAULT_PYTHON);
        private boolean warmStart;
        private boolean examples;
        private boolean accounts;
        private boolean signup;
        private Isolation isolation = Isolation.DEFAULT;
        private Path slurmConf;
        private SessionLimits sessions = SessionLimits.DEFAULT;
        private final List<Path> libraries = new ArrayList<>();

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        /** The address to listen on; one beyond loopback turns accounts mode on. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port to listen on; 0 picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The Python interpreter for jobs and the analysis process. */
        public Builder python(String python) {
            this.python = python;
            return this;
        }

        /** Whether jobs fork from a pre-started interpreter with torch, numpy and matplotlib imported. */
        public Builder warmStart(boolean warmStart) {
            this.warmStart = warmStart;
            return this;
        }

        /** Whether the example projects are created in a fresh data directory. */
        public Builder examples(boolean examples) {
            this.examples = examples;
            return this;
        }

        /** Whether users sign in. */
        public Builder accounts(boolean accounts) {
            this.accounts = accounts;
            return this;
        }

        /** Users sign in, and {@code signup} says whether visitors may create accounts themselves. */
        public Builder accounts(boolean accounts, boolean signup) {
            this.accounts = accounts;
            this.signup = signup;
            return this;
        }

        /** Whether, in accounts mode, anyone who reaches the server may create an account. */
        public Builder signup(boolean signup) {
            this.signup = signup;
            return this;
        }

        /** How users' code is confined. */
        public Builder isolation(Isolation isolation) {
            this.isolation = isolation;
            return this;
        }

        /** The Slurm client's configuration file; null: the server's own SLURM_CONF or Slurm's default. */
        public Builder slurmConf(Path slurmConf) {
            this.slurmConf = slurmConf;
            return this;
        }

        /** The limits of interactive sessions. */
        public Builder sessions(SessionLimits sessions) {
            this.sessions = sessions;
            return this;
        }

        /** A library directory or {@code .zip} of one to install (repeatable; several versions of a library may be given). */
        public Builder library(Path library) {
            this.libraries.add(library);
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(host, port, dataDir, python, warmStart, examples, accounts, signup, isolation, slurmConf, sessions,
                    libraries);
        }
    }
}
