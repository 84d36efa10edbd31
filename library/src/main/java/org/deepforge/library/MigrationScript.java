package org.deepforge.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;

/**
 * A directory library's migration hook, {@code migrations/from-<version>.py}: run with the server's Python, the
 * project's model view as JSON on stdin, an RFC 6902 patch of it expected on stdout. Libraries are installed by the
 * server's administrator, so the script is trusted like the server's own code (it is not sandboxed); it is still
 * bounded in time and output so that a broken one fails the upgrade instead of the server.
 */
final class MigrationScript {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int MAX_OUTPUT = 64 << 20;
    private static final int STDERR_TAIL = 4000;

    private MigrationScript() {}

    static ArrayNode run(List<String> python, Path script, JsonNode model, String what) throws MigrationException {
        List<String> command = new ArrayList<>(python);
        command.add(script.toAbsolutePath().toString());
        Process process;
        try {
            process = new ProcessBuilder(command).directory(script.getParent().getParent().toFile()).start();
        } catch (IOException e) {
            throw new MigrationException(what + ": cannot start " + String.join(" ", python) + ": " + e.getMessage(), e);
        }
        Capture out = new Capture(process.getInputStream(), MAX_OUTPUT);
        Capture err = new Capture(process.getErrorStream(), Integer.MAX_VALUE);
        Thread writer = new Thread(() -> {
            try (OutputStream in = process.getOutputStream()) {
                Json.MAPPER.writeValue(in, model);
            } catch (IOException e) {
                // the script stopped reading; its exit status and stderr say why
            }
        }, "migration-stdin");
        writer.setDaemon(true);
        writer.start();
        try {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new MigrationException(what + " ran longer than " + TIMEOUT.toSeconds() + " s and was stopped");
            }
            out.join();
            err.join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new MigrationException(what + " was interrupted", e);
        }
        if (out.overflowed) {
            throw new MigrationException(what + " printed more than " + (MAX_OUTPUT >> 20) + " MiB; a migration prints one JSON patch");
        }
        if (process.exitValue() != 0) {
            throw new MigrationException(what + " failed (exit status " + process.exitValue() + "): " + err.tail());
        }
        JsonNode patch;
        try {
            patch = Json.MAPPER.readTree(out.bytes());
        } catch (IOException e) {
            throw new MigrationException(what + " did not print a JSON patch: " + e.getMessage());
        }
        if (patch == null || !patch.isArray()) {
            throw new MigrationException(what + " must print a JSON array of RFC 6902 operations, e.g. []");
        }
        return (ArrayNode) patch;
    }

    /** Reads a stream to its end on a thread of its own, keeping at most {@code limit} bytes. */
    private static final class Capture extends Thread {
        private final InputStream in;
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean overflowed;

        Capture(InputStream in, int limit) {
            super("migration-output");
            this.in = in;
            this.limit = limit;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] buffer = new byte[65536];
            try (in) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (limit == Integer.MAX_VALUE) {
                        kept.write(buffer, 0, n);
                        if (kept.size() > 4 * STDERR_TAIL) {
                            byte[] all = kept.toByteArray();
                            kept.reset();
                            kept.write(all, all.length - STDERR_TAIL, STDERR_TAIL);
                        }
                    } else if (kept.size() + n > limit) {
                        overflowed = true;
                    } else {
                        kept.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process ended; what was read is what there is
            }
        }

        byte[] bytes() {
            return kept.toByteArray();
        }

        String tail() {
            String text = new String(kept.toByteArray(), StandardCharsets.UTF_8).strip();
            return text.length() <= STDERR_TAIL ? text : "…" + text.substring(text.length() - STDERR_TAIL);
        }
    }
}
