package org.deepforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import org.deepforge.cli.client.DeepForgeClient;
import org.deepforge.cli.client.Execution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepforge executions …}: list, show, cancel and rerun executions. */
@Command(name = "executions", mixinStandardHelpOptions = true, description = "List, show, cancel and rerun executions.",
        subcommands = {Executions.List.class, Executions.Show.class, Executions.Cancel.class, Executions.Rerun.class})
final class Executions {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "The executions of a project, newest first.")
    static final class List implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "PROJECT", description = "id or name")
        String project;

        @Override
        public Integer call() {
            DeepForgeClient client = remote.client();
            JsonNode list = client.executions(client.project(project).path("id").asText());
            if (remote.json) {
                remote.printJson(list);
                return ExitCodes.OK;
            }
            Table t = new Table("ID", "STATUS", "PIPELINE", "BRANCH", "CREATED", "NAME");
            list.forEach(e -> t.row(e.path("id").asText(), e.path("status").asText(), e.path("pipeline").asText(),
                    e.path("branch").asText(""), Table.time(e.path("created").asText("")), e.path("name").asText("")));
            t.print(remote.out());
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "An execution and its jobs.")
    static final class Show implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "EXECUTION")
        String execution;

        @Override
        public Integer call() {
            print(remote, remote.client().execution(execution));
            return ExitCodes.OK;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel an execution (its running jobs are stopped).")
    static final class Cancel implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "EXECUTION")
        String execution;

        @Override
        public Integer call() {
            print(remote, remote.client().cancel(execution));
            return ExitCodes.OK;
        }
    }

    @Command(name = "rerun", mixinStandardHelpOptions = true, description = {
            "Run an execution's pipeline again with the same seed: exactly the recorded commit (finished jobs come from "
                    + "the cache), or with --current the head of its branch now."})
    static final class Rerun implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "EXECUTION")
        String execution;

        @Option(names = "--current", description = "use the branch's current code instead of the recorded commit")
        boolean current;

        @Option(names = "--ignore-cache", description = "run every job afresh")
        boolean ignoreCache;

        @Mixin
        FollowOptions follow;

        @Override
        public Integer call() {
            ObjectNode request = new ObjectMapper().createObjectNode().put("code", current ? "current" : "recorded");
            if (ignoreCache) {
                request.put("ignoreCache", true);
            }
            return Run.started(remote, remote.client().rerun(execution, request), follow);
        }
    }

    static void print(Remote remote, Execution e) {
        if (remote.json) {
            remote.printJson(e.json());
            return;
        }
        JsonNode j = e.json();
        remote.out().println("execution " + e.id() + "  " + e.status());
        remote.out().println("pipeline  " + e.pipeline() + " at " + j.path("branch").asText("") + " "
                + j.path("commit").asText("").substring(0, Math.min(8, j.path("commit").asText("").length())));
        remote.out().println("created   " + Table.time(j.path("created").asText("")) + (j.path("finished").isTextual()
                ? "   finished " + Table.time(j.get("finished").asText()) : ""));
        remote.out().println();
        Table t = new Table("JOB", "OPERATION", "STATUS", "MESSAGE");
        e.jobs().forEach(job -> t.row(job.id(), job.operation(), job.status(), job.message()));
        t.print(remote.out());
    }
}
