package org.deepforge.server.preview;

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
import org.deepforge.exec.sandbox.JobIsolation;
import org.deepforge.exec.sandbox.Sandbox;
import org.deepforge.model.Json;

/**
 * One {@code python -m deepforge.preview} request in a sandboxed process of its own: the system and the runtime
 * read-only, the artifact's data (and generated architecture modules) bound read-only, a private /tmp and at most
 * one output directory writable, no network, its own processes, a time limit and an address-space limit. Loading a
 * pickle runs whatever the pickle says, so this is the only place artifacts are unpickled.
 */
final class PreviewProcess {
    private static final int MAX_ANSWER = 32 << 20;

    private final String python;
    private final Path runtimeRoot;
    private final JobIsolation isolation;
    private final Duration timeout;
    private final long memory;

    PreviewProcess(String python, Path runtimeRoot, JobIsolation isolation, Duration timeout, long memoryBytes) {
        this.python = python;
        this.runtimeRoot = runtimeRoot.toAbsolutePath();
        this.isolation = isolation;
        this.timeout = timeout;
        this.memory = memoryBytes;
    }

    /** The answer's {@code result} for {@code request}; {@code readOnly} and {@code writable} are bound at their own paths. */
    JsonNode run(JsonNode request, List<Path> readOnly, Optional<Path> writable, long extraMemory) throws PreviewFailed, IOException {
        if (isolation instanceof JobIsolation.Refused r) {
            throw new PreviewFailed(503, r.message(), false);
        }
        long limit = memory > 0 ? memory + extraMemory : 0;
        List<String> command = new ArrayList<>(List.of(python, "-u", "-m", "deepforge.preview"));
        if (limit > 0) {
            command.addAll(List.of("--memory", Long.toString(limit)));
        }
        Path runtime = runtimeRoot.toRealPath();
        if (isolation instanceof JobIsolation.Sandboxed s) {
            List<Path> ro = new ArrayList<>(List.of(runtime));
            ro.addAll(readOnly);
            ro.addAll(Sandbox.interpreter(python));
            command = s.sandbox().command(new Sandbox.Spec(ro, writable.map(List::of).orElse(List.of()), true, false, List.of(),
                    List.of(), true, Optional.of(Path.of("/tmp")), List.of()), command);
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> !List.of("PATH", "LANG", "LC_ALL", "TZ").contains(k));
        env.put("PYTHONPATH", runtime.toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("OMP_NUM_THREADS", "1");
        env.put("OPENBLAS_NUM_THREADS", "1");
        env.put("MPLBACKEND", "Agg");
        env.put("HOME", "/tmp");
        env.put("TMPDIR", "/tmp");
        env.put("MPLCONFIGDIR", "/tmp/matplotlib");
        if (!(isolation instanceof JobIsolation.Sandboxed)) {
            env.put("HOME", System.getProperty("java.io.tmpdir"));
            env.put("TMPDIR", System.getProperty("java.io.tmpdir"));
            env.remove("MPLCONFIGDIR");
        }
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
                throw new PreviewFailed(422, "the preview took longer than " + timeout.toSeconds() + " s (the limit) and was stopped", false);
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while previewing the artifact");
        }
        String answer = new String(out.join(), StandardCharsets.UTF_8).strip();
        String log = tail(new String(err.join(), StandardCharsets.UTF_8));
        int code = p.exitValue();
        if (!answer.isEmpty()) {
            JsonNode reply;
            try {
                reply = Json.MAPPER.readTree(answer.lines().reduce((a, b) -> b).orElse(answer));
            } catch (IOException e) {
                throw new PreviewFailed(422, "the preview process answered something that is not JSON", false);
            }
            if (reply.path("ok").asBoolean(false) && reply.has("result")) {
                return reply.path("result");
            }
            throw new PreviewFailed(422, reply.path("error").asText("no reason given"), true);
        }
        if (code > 128 && code < 160) {
            int signal = code - 128;
            throw new PreviewFailed(422, "the preview process was killed by signal " + signal
                    + (signal == 9 ? " (out of memory? a preview may use at most " + (limit >> 20) + " MiB)" : ""), false);
        }
        throw new PreviewFailed(422, "the preview process ended (exit code " + code + ") without an answer" + (log.isEmpty() ? "" : ": " + log), false);
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
