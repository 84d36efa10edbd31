package org.deepforge.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.deepforge.cli.client.ApiException;
import org.deepforge.cli.client.Execution;
import org.deepforge.cli.client.ExecutionFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code deepforge logs EXECUTION [JOB]}: the console of an execution's jobs so far, or followed to the end. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = {
        "Print the console of an execution's jobs (or of one job), prefixed with the operation's name. With --follow, "
                + "keep printing until the execution ends and exit with its status (0 success, 1 failed, 3 cancelled)."})
final class Logs implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Parameters(index = "0", paramLabel = "EXECUTION")
    String execution;

    @Parameters(index = "1", paramLabel = "JOB", arity = "0..1", description = "a job's node id (`executions show` lists them)")
    String job;

    @Mixin
    FollowOptions follow;

    @Override
    public Integer call() {
        Follow printer = new Follow(remote);
        if (follow.follow) {
            return printer.run(execution, Optional.ofNullable(job), !follow.poll);
        }
        Execution e = remote.client().execution(execution);
        if (job != null && e.jobs().stream().noneMatch(j -> j.id().equals(job))) {
            throw new ApiException(404, "execution " + execution + " has no job \"" + job + "\" (`deepforge executions show "
                    + execution + "` lists them)");
        }
        printer.name(e);
        ExecutionFollower reader = new ExecutionFollower(remote.client(), false);
        for (Execution.Job j : e.jobs()) {
            if (job == null || job.equals(j.id())) {
                reader.printNew(execution, j, 0, printer);
            }
        }
        return ExitCodes.OK;
    }
}
