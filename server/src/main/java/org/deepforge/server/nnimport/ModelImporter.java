package org.deepforge.server.nnimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.deepforge.exec.sandbox.JobIsolation;
import org.deepforge.exec.sandbox.SandboxedRequest;
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

    private final JobIsolation isolation;
    private final SandboxedRequest process;
    private final long memory;

    public ModelImporter(String python, Path runtimeRoot, JobIsolation isolation, Duration timeout, long memoryBytes) {
        this.isolation = isolation;
        this.process = new SandboxedRequest(python, runtimeRoot, isolation, timeout);
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
        List<String> args = memory > 0 ? List.of("--memory", Long.toString(memory)) : List.of();
        SandboxedRequest.Outcome outcome = process.run("deepforge.nnimport", args, request, List.of(), List.of(), Map.of());
        if (outcome instanceof SandboxedRequest.Outcome.Answered a) {
            JsonNode reply = a.reply();
            if (reply.path("ok").asBoolean(false) && reply.path("result").isObject()) {
                return reply.path("result");
            }
            String error = reply.path("error").asText("no reason given");
            if (error.contains("MemoryError")) {
                error += " (the import may use at most " + (memory >> 20) + " MiB of memory)";
            }
            throw new Failed(422, "importing the model failed: " + error);
        }
        if (outcome instanceof SandboxedRequest.Outcome.TimedOut t) {
            throw new Failed(422, "importing the model failed: it took longer than " + seconds(t.limit())
                    + " (the limit) and was stopped; does the model code wait or loop forever?");
        }
        if (outcome instanceof SandboxedRequest.Outcome.Killed k) {
            throw new Failed(422, "importing the model failed: its process was killed by signal " + k.signal()
                    + (k.signal() == 9 ? " (out of memory? the import may use at most " + (memory >> 20) + " MiB)" : "")
                    + (k.log().isEmpty() ? "" : ": " + k.log()));
        }
        SandboxedRequest.Outcome.Ended e = (SandboxedRequest.Outcome.Ended) outcome;
        throw new Failed(422, "importing the model failed: its process ended (exit code " + e.code() + ") without an answer"
                + (e.log().isEmpty() ? "" : ": " + e.log()));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
