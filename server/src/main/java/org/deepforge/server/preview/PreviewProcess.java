package org.deepforge.server.preview;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.sandbox.JobIsolation;
import org.deepforge.exec.sandbox.SandboxedRequest;

/**
 * One {@code python -m deepforge.preview} request in a sandboxed process of its own ({@link SandboxedRequest}): the
 * artifact's data (and generated architecture modules) bound read-only, at most one output directory writable, a time
 * limit and an address-space limit. Loading a pickle runs whatever the pickle says, so this is the only place
 * artifacts are unpickled.
 */
final class PreviewProcess {
    private final JobIsolation isolation;
    private final SandboxedRequest process;
    private final long memory;

    PreviewProcess(String python, Path runtimeRoot, JobIsolation isolation, Duration timeout, long memoryBytes) {
        this.isolation = isolation;
        this.process = new SandboxedRequest(python, runtimeRoot, isolation, timeout);
        this.memory = memoryBytes;
    }

    /**
     * The answer's {@code result} for {@code request}; {@code readOnly} and {@code writable} are bound at their own paths;
     * the address-space limit grows by {@code extraMemory} (a memory-mapped array needs its size of address space).
     */
    JsonNode run(JsonNode request, List<Path> readOnly, Optional<Path> writable, long extraMemory) throws PreviewFailed, IOException {
        if (isolation instanceof JobIsolation.Refused r) {
            throw new PreviewFailed(503, r.message(), false);
        }
        long limit = memory > 0 ? memory + extraMemory : 0;
        List<String> args = limit > 0 ? List.of("--memory", Long.toString(limit)) : List.of();
        Map<String, String> env = isolation instanceof JobIsolation.Sandboxed
                ? Map.of("MPLBACKEND", "Agg", "MPLCONFIGDIR", "/tmp/matplotlib")
                : Map.of("MPLBACKEND", "Agg");
        SandboxedRequest.Outcome outcome = process.run("deepforge.preview", args, request, readOnly, writable.map(List::of).orElse(List.of()), env);
        if (outcome instanceof SandboxedRequest.Outcome.Answered a) {
            if (a.reply().path("ok").asBoolean(false) && a.reply().has("result")) {
                return a.reply().path("result");
            }
            return fail(a.reply().path("error").asText("no reason given"));
        }
        if (outcome instanceof SandboxedRequest.Outcome.TimedOut t) {
            throw new PreviewFailed(422, "the preview took longer than " + t.limit().toSeconds() + " s (the limit) and was stopped", false);
        }
        if (outcome instanceof SandboxedRequest.Outcome.Killed k) {
            throw new PreviewFailed(422, "the preview process was killed by signal " + k.signal()
                    + (k.signal() == 9 ? " (out of memory? a preview may use at most " + (limit >> 20) + " MiB)" : ""), false);
        }
        SandboxedRequest.Outcome.Ended e = (SandboxedRequest.Outcome.Ended) outcome;
        throw new PreviewFailed(422, "the preview process ended (exit code " + e.code() + ") without an answer"
                + (e.log().isEmpty() ? "" : ": " + e.log()), false);
    }

    private static JsonNode fail(String error) throws PreviewFailed {
        throw new PreviewFailed(422, error, true);
    }
}
