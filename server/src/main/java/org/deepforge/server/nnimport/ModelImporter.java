package org.deepforge.server.nnimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Imports a model (torchvision or the user's own code) into an architecture: {@code python -m deepforge.nnimport}
 * in a sandboxed process of its own per request — the system and the runtime read-only, a private /tmp the only
 * place it can write, no network, its own processes only, a time limit and an address-space limit — never in a
 * process shared between users.
 */
public final class ModelImporter {
    /** The defaults: two minutes, 4 GiB of address space. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    public static final long DEFAULT_MEMORY = 4L << 30;
    private static final int MAX_ANSWER = 32 << 20;

    /** An import that failed, with what the user should know (their code failed, ran too long, ran out of memory). */
    public static final class Failed extends Exception {
        private final int status;

        Failed(int status, String message) {
            super(message);
            this.status = status;
        }

        /** 422 for the model's own failures, 503 when this server cannot run users' code safely. */
        public int status() {
            return status;
        }
    }

    private final String python;
    private final Path runtimeRoot;
    private final JobIsolation isolation;
    private final Duration timeout;
    private final long memory;

    public ModelImporter(String python, Path runtimeRoot, JobIsolation isolation, Duration timeout, long memoryBytes) {
        this.python = python;
        this.runtimeRoot = runtimeRoot.toAbsolutePath();
        this.isolation = isolation;
        this.timeout = timeout;
        this.memory = memoryBytes;
    }

    /** The architecture traced from {@code source} with per-sample {@code inputShape}, named {@code name}. */
    public JsonNode importModel(JsonNode source, JsonNode inputShape, String name) throws Failed, IOException {
        if (isolation instanceof JobIsolation.Refused r) {
            throw new Failed(503, r.message());
        }
        ObjectNode request = Json.MAPPER.createObjectNode().put("type", "import_model").put("name", name);
        request.set("source", source);
        request.set("input_shape", inputShape);
        List<String> command = new ArrayList<>(List.of(python, "-u", "-m", "deepforge.nnimport"));
        if (memory > 0) {
            command.addAll(List.of("--memory", Long.toString(memory)));
        }
        if (isolation instanceof JobIsolation.Sandboxed s) {
            List<Path> readOnly = new ArrayList<>(List.of(runtimeRoot.toRealPath()));
            readOnly.addAll(Sandbox.interpreter(python));
            command = s.sandbox().command(new Sandbox.Spec(readOnly, List.of(), true, false, List.of(), List.of(), true,
                    Optional.of(Path.of("/tmp")), List.of()), command);
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> !List.of("PATH", "LANG", "LC_ALL", "TZ").contains(k));
        env.put("PYTHONPATH", runtimeRoot.toRealPath().toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("OMP_NUM_THREADS", "1");
        env.put("OPENBLAS_NUM_THREADS", "1");
        if (isolation instanceof JobIsolation.Sandboxed) {
            env.put("HOME", "/tmp");
            env.put("TMPDIR", "/tmp");
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
                throw new Failed(422, "importing the model failed: it took longer than " + seconds(timeout)
                        + " (the limit) and was stopped; does the model code wait or loop forever?");
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while importing the model");
        }
        String answer = new String(out.join(), StandardCharsets.UTF_8).strip();
        String log = tail(new String(err.join(), StandardCharsets.UTF_8));
        int code = p.exitValue();
        if (!answer.isEmpty()) {
            JsonNode reply = Json.MAPPER.readTree(answer.lines().reduce((a, b) -> b).orElse(answer));
            if (reply.path("ok").asBoolean(false) && reply.path("result").isObject()) {
                return reply.path("result");
            }
            String error = reply.path("error").asText("no reason given");
            if (error.contains("MemoryError")) {
                error += " (the import may use at most " + (memory >> 20) + " MiB of memory)";
            }
            throw new Failed(422, "importing the model failed: " + error);
        }
        if (code > 128 && code < 160) {
            int signal = code - 128;
            throw new Failed(422, "importing the model failed: its process was killed by signal " + signal
                    + (signal == 9 ? " (out of memory? the import may use at most " + (memory >> 20) + " MiB)" : "")
                    + (log.isEmpty() ? "" : ": " + log));
        }
        throw new Failed(422, "importing the model failed: its process ended (exit code " + code + ") without an answer"
                + (log.isEmpty() ? "" : ": " + log));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String tail(String log) {
        String s = log.strip();
        return s.length() > 2000 ? "…" + s.substring(s.length() - 2000) : s;
    }

    /** Ends the import and everything it started: bwrap takes its sandbox (and its PID namespace) down with it. */
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
