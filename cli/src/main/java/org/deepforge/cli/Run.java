package org.deepforge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deepforge.cli.client.DeepForgeClient;
import org.deepforge.cli.client.Execution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code deepforge run PROJECT PIPELINE}: starts a pipeline, and with {@code --follow} streams it to its end. */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Run a pipeline. Prints the execution's id, or with --follow streams every job's console as it happens and "
                + "exits with the execution's status: 0 success, 1 failed, 3 cancelled."})
final class Run implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Mixin
    Remote remote;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "id or name")
    String project;

    @Parameters(index = "1", paramLabel = "PIPELINE", description = "id or name")
    String pipeline;

    @Option(names = "--branch", paramLabel = "BRANCH", description = "the branch whose pipeline runs (default: the default branch)")
    String branch;

    @Option(names = "--compute", paramLabel = "ADAPTER|JSON", description = "where jobs run: an adapter (local, slurm) or "
            + "its JSON options, e.g. '{\"adapter\":\"slurm\",\"partition\":\"gpu\"}' (docs/adapters.md)")
    String compute;

    @Option(names = "--storage", paramLabel = "ADAPTER|JSON", description = "where artifacts go: an adapter (local, s3) or its JSON options")
    String storage;

    @Option(names = "--name", paramLabel = "NAME", description = "a name for the execution")
    String name;

    @Option(names = "--ignore-cache", description = "run every job afresh instead of reusing cached results")
    boolean ignoreCache;

    @Mixin
    FollowOptions follow;

    @Override
    public Integer call() {
        DeepForgeClient client = remote.client();
        String p = client.project(project).path("id").asText();
        String id = client.pipelineId(p, Optional.ofNullable(branch), pipeline);
        ObjectNode request = MAPPER.createObjectNode();
        if (branch != null) {
            request.put("branch", branch);
        }
        if (compute != null) {
            request.set("compute", adapter("--compute", compute));
        }
        if (storage != null) {
            request.set("storage", adapter("--storage", storage));
        }
        if (name != null) {
            request.put("name", name);
        }
        if (ignoreCache) {
            request.put("ignoreCache", true);
        }
        Execution e = client.run(p, id, request);
        return started(remote, e, follow);
    }

    /** Prints a started execution's id (or JSON), or follows it; the exit code as {@link Follow#exitCode}. */
    static int started(Remote remote, Execution e, FollowOptions follow) {
        if (follow.follow) {
            remote.err().println("execution " + e.id() + " started");
            remote.err().flush();
            return new Follow(remote).run(e.id(), Optional.empty(), !follow.poll);
        }
        if (remote.json) {
            remote.printJson(e.json());
        } else {
            remote.out().println(e.id());
            remote.out().flush();
        }
        return ExitCodes.OK;
    }

    /** {@code local} becomes {@code {"adapter":"local"}}; a JSON object is taken as it is. */
    private JsonNode adapter(String option, String value) {
        String v = value.strip();
        if (!v.startsWith("{")) {
            if (!v.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new ParameterException(remote.spec.commandLine(), option + ": \"" + value
                        + "\" is neither an adapter name (local, slurm, s3, …) nor a JSON object");
            }
            return MAPPER.createObjectNode().put("adapter", v);
        }
        try {
            JsonNode json = MAPPER.readTree(v);
            if (!json.isObject() || !json.path("adapter").isTextual()) {
                throw new ParameterException(remote.spec.commandLine(), option + ": a JSON object naming its \"adapter\", "
                        + "e.g. {\"adapter\":\"local\"}");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new ParameterException(remote.spec.commandLine(), option + ": not valid JSON: " + e.getOriginalMessage());
        }
    }
}
