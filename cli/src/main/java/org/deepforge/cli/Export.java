package org.deepforge.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deepforge.cli.client.DeepForgeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepforge export PROJECT PIPELINE -o file.zip}: a pipeline as plain Python. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Save a pipeline as a zip of plain Python (`python main.py` runs it without DeepForge).")
final class Export implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Parameters(index = "0", paramLabel = "PROJECT", description = "id or name")
    String project;

    @Parameters(index = "1", paramLabel = "PIPELINE", description = "id or name")
    String pipeline;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "where to save the zip")
    Path output;

    @Option(names = "--ref", paramLabel = "REF", description = "branch, tag or commit (default: the default branch)")
    String ref;

    @Override
    public Integer call() {
        DeepForgeClient client = remote.client();
        String p = client.project(project).path("id").asText();
        Optional<String> at = Optional.ofNullable(ref);
        client.exportPipeline(p, client.pipelineId(p, at, pipeline), at, output, remote.progress());
        remote.err().println("saved " + output);
        remote.err().flush();
        return ExitCodes.OK;
    }
}
