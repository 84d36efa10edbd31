package org.deepforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deepforge.cli.client.DeepForgeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/** {@code deepforge artifacts …}: list, download (checked against the server's sha256) and upload artifacts. */
@Command(name = "artifacts", mixinStandardHelpOptions = true, description = "List, download and upload artifacts.",
        subcommands = {Artifacts.List.class, Artifacts.Get.class, Artifacts.Put.class})
final class Artifacts {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "The artifacts of a project at a branch, tag or commit.")
    static final class List implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "PROJECT", description = "id or name")
        String project;

        @Option(names = "--ref", paramLabel = "REF", description = "branch, tag or commit (default: the default branch)")
        String ref;

        @Override
        public Integer call() {
            DeepForgeClient client = remote.client();
            JsonNode list = client.artifacts(client.project(project).path("id").asText(), Optional.ofNullable(ref));
            if (remote.json) {
                remote.printJson(list);
                return ExitCodes.OK;
            }
            Table t = new Table("ID", "NAME", "TYPE", "SIZE", "CREATED", "EXECUTION");
            list.forEach(a -> t.row(a.path("id").asText(), a.path("name").asText(), a.path("type").asText(),
                    ProgressBar.size(a.path("size").asLong()), Table.time(a.path("created").asText("")), a.path("execution").asText("")));
            t.print(remote.out());
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = {
            "Download an artifact, streamed to disk and checked against the sha256 the server sends: on a mismatch "
                    + "nothing is saved and the exit code is 1."})
    static final class Get implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(index = "0", paramLabel = "PROJECT", description = "id or name")
        String project;

        @Parameters(index = "1", paramLabel = "ARTIFACT", description = "id, or name (the newest of that name)")
        String artifact;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to save it (default: the artifact's name)")
        Path output;

        @Option(names = "--ref", paramLabel = "REF", description = "branch, tag or commit (default: the default branch)")
        String ref;

        @Option(names = "--portable", description = "a model converted to load with plain PyTorch "
                + "(verified against the converted file's checksum) instead of the bytes as stored")
        boolean portable;

        @Override
        public Integer call() {
            DeepForgeClient client = remote.client();
            String p = client.project(project).path("id").asText();
            JsonNode a = client.artifact(p, Optional.ofNullable(ref), artifact);
            Path to = output != null ? output : Path.of(safeName(a.path("name").asText()));
            DeepForgeClient.Download d = client.downloadArtifact(p, a.path("id").asText(), Optional.ofNullable(ref),
                    portable ? "portable" : "original", to, portable ? -1 : a.path("size").asLong(-1), remote.progress());
            if (remote.json) {
                remote.printJson(JsonNodeFactory.instance.objectNode().put("id", a.path("id").asText())
                        .put("name", a.path("name").asText()).put("file", d.file().toString()).put("size", d.size())
                        .put("sha256", d.sha256()).put("verified", d.verified()));
            } else {
                remote.err().println("saved " + d.file() + " (" + ProgressBar.size(d.size()) + ", sha256 " + d.sha256()
                        + (d.verified() ? ", verified" : ", NOT verified: the server sent no checksum") + ")");
                remote.err().flush();
            }
            return ExitCodes.OK;
        }

        /** An artifact's name as a file name in the current folder: never a path elsewhere. */
        private static String safeName(String name) {
            String n = name.replaceAll("[/\\\\\\p{Cntrl}]", "_");
            return n.isEmpty() || n.equals(".") || n.equals("..") ? "artifact" : n;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Upload a file as an artifact (streamed).")
    static final class Put implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(index = "0", paramLabel = "PROJECT", description = "id or name")
        String project;

        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Option(names = "--name", paramLabel = "NAME", description = "the artifact's name (default: the file's name)")
        String name;

        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "file",
                description = "its serializer: file, numpy.ndarray, pickle, … (default: ${DEFAULT-VALUE})")
        String type;

        @Option(names = "--branch", paramLabel = "BRANCH", description = "the branch it is added to (default: the project's default branch)")
        String branch;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(remote.spec.commandLine(), "no file " + file);
            }
            DeepForgeClient client = remote.client();
            JsonNode p = client.project(project);
            String b = branch != null ? branch : p.path("defaultBranch").asText("main");
            JsonNode a = client.uploadArtifact(p.path("id").asText(), b, name != null ? name : file.getFileName().toString(),
                    type, file, remote.progress());
            if (remote.json) {
                remote.printJson(a);
            } else {
                remote.out().println(a.path("id").asText());
                remote.out().flush();
            }
            return ExitCodes.OK;
        }
    }
}
