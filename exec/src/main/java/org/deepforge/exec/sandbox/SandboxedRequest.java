package org.deepforge.exec.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;

/**
 * One request to {@code python -m <module>} in a sandboxed process of its own, for work on users' code or data that
 * must not happen in the server (a model import, an artifact preview): the system and the runtime read-only plus what
 * the caller binds, a private /tmp, no network, its own processes, a time limit (and the address-space limit the
 * module sets itself from {@code --memory}). The request goes in as JSON on stdin; the answer is the last line of
 * stdout. Callers word the {@link Outcome} for their users.
 */
public final class SandboxedRequest {
    private static final int MAX_ANSWER = 32 << 20;

    /** How a request ended. */
    public sealed interface Outcome {
        /** The process answered (the last line of its stdout, parsed). */
        record Answered(JsonNode reply) implements Outcome {}

        /** It ran past the time limit and was stopped. */
        record TimedOut(Duration limit) implements Outcome {}

        /** A signal ended it (9: most likely out of memory); {@code log}: the end of its stderr. */
        record Killed(int signal, String log) implements Outcome {}

        /** It exited without an answer (or with one that is not JSON). */
        record Ended(int code, String log) implements Outcome {}
    }

    private final String python;
    private final Path runtimeRoot;
    private final JobIsolation isolation;
    private final Duration timeout;

    /** {@code isolation} must not be {@link JobIsolation.Refused}: callers refuse before they ask. */
    public SandboxedRequest(String python, Path runtimeRoot, JobIsolation isolation, Duration timeout) {
        this.python = python;
        this.runtimeRoot = runtimeRoot.toAbsolutePath();
        this.isolation = isolation;
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Runs {@code python -u -m module args…} with {@code request} on stdin; {@code readOnly} and {@code writable} are
     * bound at their own paths, {@code env} is added to a minimal environment.
     */
    public Outcome run(String module, List<String> args, JsonNode request, List<Path> readOnly, List<Path> writable,
                       Map<String, String> env) throws IOException {
        if (isolation instanceof JobIsolation.Refused r) {
            throw new IllegalStateException(r.message());
        }
        Path runtime = runtimeRoot.toRealPath();
        List<String> command = new ArrayList<>(List.of(python, "-u", "-m", module));
        command.addAll(args);
        if (isolation instanceof JobIsolation.Sandboxed s) {
            List<Path> ro = new ArrayList<>(List.of(runtime));
            ro.addAll(readOnly);
            ro.addAll(Sandbox.interpreter(python));
            command = s.sandbox().command(new Sandbox.Spec(ro, writable, true, false, List.of(), List.of(), true,
                    Optional.of(Path.of("/tmp")), List.of()), command);
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> !List.of("PATH", "LANG", "LC_ALL", "TZ").contains(k));
        environment.put("PYTHONPATH", runtime.toString());
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        environment.put("OMP_NUM_THREADS", "1");
        environment.put("OPENBLAS_NUM_THREADS", "1");
        if (isolation instanceof JobIsolation.Sandboxed) {
            environment.put("HOME", "/tmp");
            environment.put("TMPDIR", "/tmp");
        }
        environment.putAll(env);
        Process p = builder.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream(), MAX_ANSWER));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream(), 64 * 1024));
        try (OutputStream in = p.getOutputStream()) {
            in.write(Json.MAPPER.writeValueAsBytes(request));
        } catch (IOException e) {
            // it ended before reading its request: its exit says why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                return new Outcome.TimedOut(timeout);
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for python -m " + module);
        }
        String answer = new String(out.join(), StandardCharsets.UTF_8).strip();
        String log = tail(new String(err.join(), StandardCharsets.UTF_8));
        int code = p.exitValue();
        if (!answer.isEmpty()) {
            try {
                return new Outcome.Answered(Json.MAPPER.readTree(answer.lines().reduce((a, b) -> b).orElse(answer)));
            } catch (IOException e) {
                return new Outcome.Ended(code, "its answer is not JSON" + (log.isEmpty() ? "" : "; " + log));
            }
        }
        if (code > 128 && code < 160) {
            return new Outcome.Killed(code - 128, log);
        }
        return new Outcome.Ended(code, log);
    }

    private static String tail(String log) {
        String s = log.strip();
        return s.length() > 2000 ? "…" + s.substring(s.length() - 2000) : s;
    }

    /** Ends the process and everything it started: bwrap takes its sandbox (and its PID namespace) down with it. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] read(InputStream in, int max) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try (in) {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                if (buffer.size() < max) {
                    buffer.write(chunk, 0, Math.min(n, max - buffer.size()));
                }
            }
        } catch (IOException e) {
            // the process went away
        }
        return buffer.toByteArray();
    }
}
