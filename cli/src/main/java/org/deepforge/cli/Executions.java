package org.deepforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deepforge.cli.client.DeepForgeClient;
import org.deepforge.cli.client.Execution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code deepforge executions …}: list, show, cancel, rerun and delete executions. */
@Command(name = "executions", mixinStandardHelpOptions = true, description = "List, show, cancel, rerun and delete executions.",
        subcommands = {Executions.List.class, Executions.Show.class, Executions.Cancel.class, Executions.Rerun.class, Executions.Delete.class})
final class Executions {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "The executions of a project, newest first.")
    static final class List implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PROJECT", description = "id or name")
        String project;

        @Option(names = "--pipeline", description = "only executions of this pipeline (its id)")
        String pipeline;

        @Option(names = "--status", split = ",", description = "only executions in these statuses (pending, running, success, failed, cancelled; comma-separated)")
        java.util.List<String> status;

        @Option(names = "--user", description = "only executions this user started")
        String user;

        @Option(names = "--since", description = "created at or after this date (2026-01-31) or instant (2026-01-31T12:00:00Z)")
        String since;

        @Option(names = "--until", description = "created before this instant, or through the end of this date")
        String until;

        @Option(names = "--limit", defaultValue = "50", description = "show at most this many (default ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--all", description = "show every matching execution, however many")
        boolean all;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new ParameterException(spec.commandLine(), "--limit must be 1 or more, not " + limit);
            }
            DeepForgeClient client = remote.client();
            String id = client.project(project).path("id").asText();
            Map<String, String> filters = new LinkedHashMap<>();
            putIfGiven(filters, "pipeline", pipeline);
            putIfGiven(filters, "status", status == null ? null : String.join(",", status));
            putIfGiven(filters, "user", user);
            putIfGiven(filters, "since", since);
            putIfGiven(filters, "until", until);
            ArrayNode list = new ObjectMapper().createArrayNode();
            Optional<String> cursor = Optional.empty();
            do {
                int want = all ? PAGE : Math.min(PAGE, limit - list.size());
                JsonNode page = client.executions(id, filters, want, cursor);
                page.path("items").forEach(list::add);
                cursor = Optional.ofNullable(page.path("next").textValue());
            } while (cursor.isPresent() && (all || list.size() < limit));
            if (cursor.isPresent()) {
                remote.err().println("(the " + list.size() + " newest shown; more match: --limit N or --all)");
                remote.err().flush();
            }
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

        private static void putIfGiven(Map<String, String> filters, String name, String value) {
            if (value != null && !value.isBlank()) {
                filters.put(name, value);
            }
        }
    }

    /** Executions asked for per request when listing. */
    private static final int PAGE = 500;

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

    @Command(name = "delete", mixinStandardHelpOptions = true, description = {
            "Delete finished executions (run folder, console, metrics, run tag; the artifacts they made stay while a branch "
                    + "refers to them): the ones named, or with --project those a filter picks (running ones are skipped)."})
    static final class Delete implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "EXECUTION", arity = "0..*", description = "execution ids")
        java.util.List<String> ids = new java.util.ArrayList<>();

        @Option(names = "--project", description = "delete executions of this project (id or name) picked by the options below")
        String project;

        @Option(names = "--pipeline", description = "only executions of this pipeline (id)")
        String pipeline;

        @Option(names = "--status", split = ",", description = "only executions with these statuses, e.g. failed,cancelled")
        java.util.List<String> status;

        @Option(names = "--before", description = "only executions created before this ISO instant, e.g. 2026-01-31T00:00:00Z")
        String before;

        @Option(names = "--dry-run", description = "only say what would be deleted, freed and kept")
        boolean dryRun;

        @Override
        public Integer call() {
            DeepForgeClient client = remote.client();
            ObjectMapper json = new ObjectMapper();
            JsonNode result;
            if (project == null && ids.size() == 1) {
                result = client.deleteExecution(ids.get(0), dryRun);
            } else if (project != null || !ids.isEmpty()) {
                String of = project != null ? client.project(project).path("id").asText() : client.execution(ids.get(0)).json().path("project").asText();
                ObjectNode request = json.createObjectNode().put("dryRun", dryRun);
                if (!ids.isEmpty()) {
                    ids.forEach(request.putArray("ids")::add);
                } else {
                    ObjectNode filter = request.putObject("filter");
                    if (pipeline != null) {
                        filter.put("pipeline", pipeline);
                    }
                    if (status != null) {
                        status.forEach(filter.putArray("status")::add);
                    }
                    if (before != null) {
                        filter.put("before", before);
                    }
                }
                result = client.deleteExecutions(of, request);
            } else {
                remote.err().println("say which executions to delete: their ids, or --project with --pipeline, --status or --before");
                return ExitCodes.USAGE;
            }
            if (remote.json) {
                remote.printJson(result);
                return ExitCodes.OK;
            }
            remote.out().println((dryRun ? "would delete " : "deleted ") + result.path("deleted").size() + " execution(s), "
                    + (dryRun ? "freeing " : "freed ") + result.at("/freed/bytes").asLong() + " bytes in " + result.at("/freed/files").asLong() + " files (" + result.at("/freed/folderDiskBytes").asLong()
                    + " bytes of disk in run folders)");
            result.path("kept").forEach(k -> remote.out().println("kept artifact " + k.path("name").asText() + " (" + k.path("artifact").asText()
                    + ") of " + k.path("execution").asText() + ": " + k.path("reason").asText()));
            result.path("skipped").forEach(k -> remote.out().println("skipped " + k.path("id").asText() + ": " + k.path("reason").asText()));
            if (result.path("remaining").asInt() > 0) {
                remote.out().println(result.path("remaining").asInt() + " more match: run the command again");
            }
            return ExitCodes.OK;
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
