package org.deepforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deepforge.cli.client.DeepForgeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepforge pipelines list PROJECT}. */
@Command(name = "pipelines", mixinStandardHelpOptions = true, description = "The pipelines of a project.",
        subcommands = Pipelines.List.class)
final class Pipelines {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "The pipelines of a project at a branch, tag or commit.")
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
            JsonNode pipelines = client.model(client.project(project).path("id").asText(), Optional.ofNullable(ref))
                    .path("model").path("pipelines");
            ArrayNode list = JsonNodeFactory.instance.arrayNode();
            pipelines.fields().forEachRemaining(e -> list.addObject().put("id", e.getKey())
                    .put("name", e.getValue().path("name").asText(e.getKey()))
                    .put("nodes", e.getValue().path("nodes").size()));
            if (remote.json) {
                remote.printJson(list);
                return ExitCodes.OK;
            }
            Table t = new Table("ID", "NAME", "NODES");
            list.forEach(p -> t.row(p.get("id").asText(), p.get("name").asText(), p.get("nodes").asText()));
            t.print(remote.out());
            return ExitCodes.OK;
        }
    }
}
