package org.deepforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
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

/** {@code deepforge projects …}: list, create, delete, export and import projects. */
@Command(name = "projects", mixinStandardHelpOptions = true, description = "List, create, delete, export and import projects.",
        subcommands = {Projects.List.class, Projects.Create.class, Projects.Delete.class, Projects.Export.class,
                Projects.Import.class})
final class Projects {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "The projects you can see.")
    static final class List implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Override
        public Integer call() {
            JsonNode projects = remote.client().projects();
            if (remote.json) {
                remote.printJson(projects);
                return ExitCodes.OK;
            }
            Table t = new Table("ID", "NAME", "ROLE", "DESCRIPTION");
            projects.forEach(p -> t.row(p.path("id").asText(), p.path("name").asText(), p.path("role").asText(""),
                    shorten(p.path("description").asText(""))));
            t.print(remote.out());
            return ExitCodes.OK;
        }
    }

    /** The first line of a description, at most 60 characters (--json has it whole). */
    static String shorten(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() <= 60 ? line : line.substring(0, 59) + "…";
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a project (with the built-in operations).")
    static final class Create implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Override
        public Integer call() {
            JsonNode p = remote.client().createProject(name, Optional.ofNullable(description));
            if (remote.json) {
                remote.printJson(p);
            } else {
                remote.out().println(p.path("id").asText());
                remote.out().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a project with its history (cannot be undone).")
    static final class Delete implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "PROJECT", description = "id or name")
        String project;

        @Option(names = "--yes", description = "yes, delete it: required, as this cannot be undone")
        boolean yes;

        @Override
        public Integer call() {
            DeepForgeClient client = remote.client();
            JsonNode p = client.project(project);
            if (!yes) {
                throw new ParameterException(remote.spec.commandLine(), "deleting project \"" + p.path("name").asText()
                        + "\" (" + p.path("id").asText() + ") cannot be undone: add --yes to do it");
            }
            client.deleteProject(p.path("id").asText());
            remote.err().println("deleted project " + p.path("id").asText());
            remote.err().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Save a project (every branch and tag) as a git bundle; `git clone FILE` opens it.")
    static final class Export implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "PROJECT", description = "id or name")
        String project;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "where to save the bundle")
        Path output;

        @Override
        public Integer call() {
            DeepForgeClient client = remote.client();
            client.exportProject(client.project(project).path("id").asText(), output, remote.progress());
            remote.err().println("saved " + output);
            remote.err().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Create a project from a git bundle (from `projects export`).")
    static final class Import implements Callable<Integer> {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "FILE")
        Path bundle;

        @Option(names = "--name", paramLabel = "NAME", description = "the new project's name (default: the file's name)")
        String name;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(bundle)) {
                throw new ParameterException(remote.spec.commandLine(), "no file " + bundle);
            }
            String n = name != null ? name : bundle.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            JsonNode p = remote.client().importProject(n, bundle, remote.progress());
            if (remote.json) {
                remote.printJson(p);
            } else {
                remote.out().println(p.path("id").asText());
                remote.out().flush();
            }
            return ExitCodes.OK;
        }
    }
}
