package org.deepforge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.deepforge.cli.client.Execution;
import org.deepforge.cli.client.ExecutionFollower;

/**
 * Prints a followed execution: console lines on stdout prefixed with the job's operation ({@code [Train] epoch 1 …}),
 * each job's end on stderr; with {@code --json}, one JSON object a line ({@code {"job","operation","line"}}) and the
 * execution at the end (on one line too). The exit code says how the execution ended (see {@link #exitCode}).
 */
final class Follow implements ExecutionFollower.Sink {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Remote remote;
    private final Map<String, String> prefixes = new HashMap<>();

    Follow(Remote remote) {
        this.remote = remote;
    }

    /** Follows {@code execution} (one job, or all) to its end, told by the WebSocket or polling; returns its exit code. */
    int run(String execution, Optional<String> job, boolean socket) {
        Execution start = remote.client().execution(execution);
        name(start);
        if (job.isPresent() && start.jobs().stream().noneMatch(j -> j.id().equals(job.get()))) {
            throw new org.deepforge.cli.client.ApiException(404, "execution " + execution + " has no job \"" + job.get()
                    + "\"; its jobs: " + String.join(", ", prefixes.keySet()));
        }
        Execution end = new ExecutionFollower(remote.client(), socket).follow(execution, job, this);
        if (remote.json) { // one JSON document a line, the execution's last
            remote.out().println(end.json().toString());
            remote.out().flush();
        } else {
            remote.err().println("execution " + end.id() + ": " + end.status());
            remote.err().flush();
        }
        return exitCode(end.status());
    }

    /** Learns what to prefix each job's lines with: its operation, and its node id too when the operation runs twice. */
    void name(Execution e) {
        Map<String, Long> perOperation = new HashMap<>();
        e.jobs().forEach(j -> perOperation.merge(j.operation(), 1L, Long::sum));
        e.jobs().forEach(j -> prefixes.put(j.id(), j.operation().isEmpty() ? j.id()
                : perOperation.get(j.operation()) > 1 ? j.operation() + "/" + j.id() : j.operation()));
    }

    @Override
    public void line(Execution.Job job, String line) {
        if (remote.json) {
            remote.out().println(MAPPER.createObjectNode().put("job", job.id()).put("operation", job.operation())
                    .put("line", line).toString());
        } else {
            remote.out().println("[" + prefixes.getOrDefault(job.id(), job.id()) + "] " + line);
        }
        remote.out().flush();
    }

    @Override
    public void finished(Execution.Job job) {
        if (!remote.json) {
            remote.err().println("[" + prefixes.getOrDefault(job.id(), job.id()) + "] " + job.status()
                    + (job.message().isEmpty() ? "" : ": " + job.message()));
            remote.err().flush();
        }
    }

    /** 0 success, 1 failed, 3 cancelled (2 is picocli's code for a usage error). */
    static int exitCode(String status) {
        return switch (status) {
            case "success", "cached" -> ExitCodes.OK;
            case "cancelled" -> ExitCodes.CANCELLED;
            default -> ExitCodes.FAILED;
        };
    }
}
