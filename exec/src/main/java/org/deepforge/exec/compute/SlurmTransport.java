package org.deepforge.exec.compute;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How the Slurm adapter runs the scheduler's commands ({@code sbatch}, {@code squeue}, ...): on this machine,
 * or on a login node over SSH with key authentication. Implementations are values, so jobs of the same
 * cluster can be polled together (tests supply their own to count calls).
 */
interface SlurmTransport {
    /** What a command printed and how it ended. */
    record Result(int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }
    }

    long TIMEOUT_SECONDS = 60;

    /** Runs {@code command} (program and arguments), feeding it {@code stdin} when not null. */
    Result run(List<String> command, String stdin) throws IOException;

    /** The Slurm client commands on this machine, run with a minimal environment (no server secrets reach them). */
    record Local(Map<String, String> env) implements SlurmTransport {
        /** Variables the Slurm client commands may see: the ones that locate the cluster and the tools. */
        static final List<String> CLIENT_ENV = List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "SLURM_CONF");

        /** Uses the server's own PATH, HOME, SLURM_CONF and the like; {@code overrides} (e.g. SLURM_CONF) take precedence. */
        static Local of(Map<String, String> overrides) {
            Map<String, String> env = new TreeMap<>();
            System.getenv().forEach((k, v) -> {
                if (CLIENT_ENV.contains(k)) {
                    env.put(k, v);
                }
            });
            env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
            env.putAll(overrides);
            return new Local(Map.copyOf(env));
        }

        @Override
        public Result run(List<String> command, String stdin) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().clear();
            builder.environment().putAll(env);
            return SlurmTransport.exec(builder, stdin);
        }
    }

    /**
     * The Slurm client commands on a login node: {@code ssh -o BatchMode=yes -i <identityFile> user@host <command>}.
     * Commands share one SSH connection (ControlMaster) and at most {@link #CONCURRENT} run at once, so a burst of
     * submissions neither opens dozens of connections nor runs into the login node's MaxSessions.
     */
    record Ssh(String host, Optional<String> user, Optional<Path> identityFile, int port, Optional<Path> knownHostsFile)
            implements SlurmTransport {
        static final int CONCURRENT = 8;
        private static final Map<Ssh, java.util.concurrent.Semaphore> SLOTS = new java.util.concurrent.ConcurrentHashMap<>();

        /** The ssh command line that runs {@code command} on the login node (each word quoted for its shell). */
        List<String> sshCommand(List<String> command) {
            List<String> argv = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=15",
                    "-o", "ServerAliveInterval=15"));
            identityFile.ifPresent(f -> argv.addAll(List.of("-i", f.toString(), "-o", "IdentitiesOnly=yes")));
            knownHostsFile.ifPresent(f -> argv.addAll(List.of("-o", "UserKnownHostsFile=" + f, "-o", "StrictHostKeyChecking=yes")));
            controlDir().ifPresent(d -> argv.addAll(List.of("-o", "ControlMaster=auto", "-o", "ControlPath=" + d + "/%C",
                    "-o", "ControlPersist=60")));
            if (port != 22) {
                argv.addAll(List.of("-p", Integer.toString(port)));
            }
            argv.add(user.map(u -> u + "@").orElse("") + host);
            argv.add("--");
            argv.add(String.join(" ", command.stream().map(SlurmTransport::shellQuote).toList()));
            return argv;
        }

        @Override
        public Result run(List<String> command, String stdin) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(sshCommand(command));
            // ssh needs HOME (known_hosts) and PATH; nothing else of the server's reaches the login node
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> !List.of("PATH", "HOME", "USER", "LANG", "SSH_AUTH_SOCK").contains(k));
            java.util.concurrent.Semaphore slots = SLOTS.computeIfAbsent(this, k -> new java.util.concurrent.Semaphore(CONCURRENT));
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting to run " + command.get(0) + " on " + host, e);
            }
            try {
                return SlurmTransport.exec(builder, stdin);
            } finally {
                slots.release();
            }
        }

        /** A private directory for the shared connections' sockets (short: socket paths are limited to ~100 bytes). */
        private static Optional<Path> controlDir() {
            Path dir = Path.of("/tmp", "deepforge-ssh-" + System.getProperty("user.name"));
            try {
                if (!java.nio.file.Files.isDirectory(dir)) {
                    java.nio.file.Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
                }
                return Optional.of(dir);
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty();
            }
        }
    }

    /** Quotes a word for a POSIX shell. */
    static String shellQuote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "_-./=:,%@+".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static Result exec(ProcessBuilder builder, String stdin) throws IOException {
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()), Readers.POOL);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()), Readers.POOL);
        try {
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            // a command that hangs (an unreachable login node) is killed, never waited on for ever
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(builder.command().get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            // a process it left behind (an ssh connection master) could hold the pipes open: do not wait for ever
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new IOException(builder.command().get(0) + " ended but its output was not closed: " + e, e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + builder.command().get(0), e);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Threads that drain the commands' output: their own, so one slow command (a hanging ssh) never holds up the others. */
    final class Readers {
        static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "slurm-output");
            t.setDaemon(true);
            return t;
        });

        private Readers() {}
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
