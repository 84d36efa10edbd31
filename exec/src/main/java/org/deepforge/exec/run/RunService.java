package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.deepforge.exec.storage.StorageException;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;
import org.deepforge.ops.Operations;
import org.deepforge.ops.pipeline.Issue;
import org.deepforge.store.ModelAt;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;
import org.deepforge.store.VersionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs of pipelines, from the request to the record: checks that a pipeline can run (problems, Python packages, the
 * compute and storage choices), tags the commit it runs, starts it, runs it again, takes up unfinished runs after a
 * restart, and reads what was recorded. The HTTP layer only translates requests into these calls.
 */
public final class RunService {
    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

    /**
     * A request to run {@code pipeline} at the head of {@code branch} (the project's default branch if empty), seeded
     * with {@code seed} (if empty: the seed of the pipeline's latest execution, or one drawn for its first).
     */
    public record Request(String project, String pipeline, Optional<String> branch, Optional<String> name, String user,
                          JsonNode compute, JsonNode storage, RunSpec.CachePolicy cache, java.util.OptionalLong seed) {
        /** A request without a seed of its own. */
        public Request(String project, String pipeline, Optional<String> branch, Optional<String> name, String user,
                       JsonNode compute, JsonNode storage, RunSpec.CachePolicy cache) {
            this(project, pipeline, branch, name, user, compute, storage, cache, java.util.OptionalLong.empty());
        }
    }

    /** Which code a rerun runs: the commit the execution ran, or the head of its branch now. */
    public enum Code { RECORDED, CURRENT }

    private final ProjectStore store;
    private final VersionControl vc;
    private final Operations operations;
    private final Executions executions;
    private final Placement.Resolver placements;

    public RunService(ProjectStore store, VersionControl vc, Operations operations, Executions executions, Placement.Resolver placements) {
        this.store = store;
        this.vc = vc;
        this.operations = operations;
        this.executions = executions;
        this.placements = placements;
    }

    /** A fresh execution id. */
    public static String newId() {
        return "e" + Ids.newId(9);
    }

    /** Starts a run of a pipeline of the project; returns the recorded execution. */
    public Execution run(Request request) throws IOException, SQLException {
        String branch = request.branch().orElse(store.get(request.project()).defaultBranch());
        ModelAt at = store.model(request.project(), branch);
        JsonNode pipeline = at.model().path("pipelines").path(request.pipeline());
        if (pipeline.isMissingNode()) {
            throw StoreException.notFound("branch " + branch + " has no pipeline " + request.pipeline());
        }
        checkRunnable(request.project(), at, request.pipeline(), "the pipeline");
        RunSpec run = new RunSpec(newId(), request.project(), request.pipeline(), branch, at.commit(), Optional.empty(),
                request.name().orElse(pipeline.path("name").asText(request.pipeline())), request.user(), request.compute(),
                request.storage(), request.cache(), request.seed().isPresent() ? request.seed().getAsLong()
                : defaultSeed(request.project(), request.pipeline()));
        return start(run, at.model(), true);
    }

    /**
     * The seed of a run not given one: the seed of the pipeline's latest execution, so that an unchanged job is still
     * taken from the cache (the seed is part of its key); drawn afresh for a pipeline's first run.
     */
    private long defaultSeed(String project, String pipeline) throws SQLException {
        return executions.page(project, ExecutionFilter.ofPipeline(pipeline), Optional.empty(), 1).items().stream().findFirst()
                .map(e -> e.run().seed()).orElseGet(RunSpec::drawSeed);
    }

    /**
     * Runs an execution's pipeline again for {@code user}. {@link Code#RECORDED} reruns exactly the commit it ran
     * (finished jobs come from the cache, so it resumes from what failed); {@link Code#CURRENT} runs the branch's
     * head instead, i.e. with the fixes made since. The compute and storage choices and the seed are the execution's.
     */
    public Execution rerun(String execution, Code code, String user, RunSpec.CachePolicy cache) throws IOException, SQLException {
        RunSpec old = recorded(execution).run();
        String base = old.name().replaceAll(" \\((rerun|run again with the current code)\\)$", "");
        if (code == Code.RECORDED) {
            ModelAt at = store.model(old.project(), old.commit());
            RunSpec run = new RunSpec(newId(), old.project(), old.pipeline(), old.branch(), at.commit(), old.tag(), base + " (rerun)",
                    user, old.compute(), old.storage(), cache, old.seed());
            return start(run, at.model(), false);
        }
        ModelAt at;
        try {
            at = store.model(old.project(), old.branch());
        } catch (StoreException e) {
            throw new RunException(StoreException.Kind.CONFLICT, "branch " + old.branch() + " that this execution ran on is gone; "
                    + "rerun exactly, or run the pipeline from another branch");
        }
        if (!at.model().path("pipelines").has(old.pipeline())) {
            throw new RunException(StoreException.Kind.CONFLICT, "the pipeline \"" + old.name() + "\" no longer exists on " + old.branch()
                    + "; rerun exactly to run the recorded version");
        }
        checkRunnable(old.project(), at, old.pipeline(), "the current version of the pipeline");
        RunSpec run = new RunSpec(newId(), old.project(), old.pipeline(), old.branch(), at.commit(), Optional.empty(),
                base + " (run again with the current code)", user, old.compute(), old.storage(), cache, old.seed());
        return start(run, at.model(), true);
    }

    /**
     * Runs a pipeline the server generated rather than one in the project (e.g. an ONNX export): {@code model} is the
     * project's model at {@code commit} of {@code branch} with the pipeline {@code pipeline} added; it runs on this
     * server's compute and storage, and its commit is not tagged.
     */
    public Execution runGenerated(String project, String branch, String commit, String pipeline, String name, String user, JsonNode model)
            throws SQLException {
        RunSpec run = new RunSpec(newId(), project, pipeline, branch, commit, Optional.empty(), name, user, RunSpec.local(), RunSpec.local(),
                RunSpec.CachePolicy.USE, RunSpec.drawSeed());
        return start(run, model, false);
    }

    /** After a restart: takes up every execution that had not finished; returns how many. */
    public int recover() throws SQLException {
        return executions.recover((project, commit) -> store.model(project, commit).model());
    }

    /**
     * Resolves where the run goes (a wrong key, a missing bucket or an unreachable endpoint is said now, not by a failed
     * job later), checks the engine can run it, tags its commit if asked, records it and starts it. The compute and storage choices are resolved once,
     * here, and the engine is handed the result.
     */
    private Execution start(RunSpec run, JsonNode model, boolean tag) throws SQLException {
        Placement placement;
        try {
            placement = placements.resolve(run.toJson());
            placement.storage().check();
        } catch (IllegalArgumentException | StorageException e) {
            throw new RunException(StoreException.Kind.BAD_REQUEST, e.getMessage());
        } catch (IOException e) {
            throw new RunException(StoreException.Kind.BAD_REQUEST, "the storage cannot be used: " + e.getMessage());
        }
        try {
            // what the engine cannot run (e.g. a sub-pipeline node) is refused before a tag or a record is made
            executions.check(run, model, placement);
        } catch (IllegalArgumentException e) {
            throw new RunException(StoreException.Kind.BAD_REQUEST, e.getMessage());
        }
        executions.start(tag ? run.withTag(tag(run)) : run, model, placement);
        return get(run.id());
    }

    /** Tags the commit a run runs as {@code runs/<id>}, so that it stays reachable; empty if the tag cannot be made. */
    private Optional<String> tag(RunSpec run) {
        String tag = "runs/" + run.id();
        try {
            vc.createTag(run.project(), tag, run.commit());
            return Optional.of(tag);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not tag {} for execution {}: {}", run.commit(), run.id(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Refuses a pipeline with problems that block a run, or whose operations need Python packages this server lacks. */
    private void checkRunnable(String project, ModelAt at, String pipeline, String what) throws IOException {
        List<Issue> problems = operations.problems(project, at.commit(), pipeline).stream().filter(Issue::blocksRun).toList();
        if (!problems.isEmpty()) {
            ObjectNode detail = Json.MAPPER.createObjectNode();
            ArrayNode list = detail.putArray("problems");
            problems.forEach(i -> list.add(i.toJson()));
            throw new RunException(StoreException.Kind.BAD_REQUEST, what + " has " + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + " to fix before it can run; first: " + problems.get(0).message(), detail);
        }
        List<String> missing = new ArrayList<>();
        for (String op : operationsUsed(at.model(), pipeline)) {
            if (at.model().path("operations").path(op).path("requirements").size() == 0) {
                continue;
            }
            operations.requirements(project, at.commit(), op).path("missing").forEach(m -> missing.add(op + " needs " + m.asText()));
        }
        if (!missing.isEmpty()) {
            throw new RunException(StoreException.Kind.BAD_REQUEST, "Python packages are missing on this server: " + String.join("; ", missing)
                    + " — install them for the job interpreter, or remove them from the operations' requirements");
        }
    }

    /** The operations a pipeline's nodes use, by name. */
    static Set<String> operationsUsed(JsonNode model, String pipeline) {
        Set<String> used = new TreeSet<>();
        model.path("pipelines").path(pipeline).path("nodes").forEach(n -> {
            if (n.has("operation")) {
                used.add(n.path("operation").asText());
            }
        });
        return used;
    }

    /** The project an execution belongs to (empty if there is no such execution). */
    public Optional<String> projectOf(String execution) throws SQLException {
        return executions.get(execution).map(Execution::project);
    }

    /** An execution with its jobs. */
    public Execution get(String execution) throws SQLException {
        return recorded(execution);
    }

    /** A page of a project's executions that {@code filter} selects, newest first (see {@link RunStore#page}). */
    public ExecutionPage list(String project, ExecutionFilter filter, Optional<ExecutionPage.Cursor> after, int limit) throws SQLException {
        return executions.page(project, filter, after, limit);
    }

    /**
     * Up to {@code limit} console lines of a job from line {@code from} on. A cached job's console, metrics and plots
     * are those of the job whose outputs it reused.
     */
    public ObjectNode log(String execution, String job, long from, int limit) throws SQLException {
        Executions.JobRef ran = ran(execution, job);
        return executions.log(ran.execution(), ran.job(), from, limit);
    }

    /** A job's metric series, whole or downsampled (see {@link MetricWindow}). */
    public ObjectNode metrics(String execution, String job, MetricWindow window) throws SQLException {
        Executions.JobRef ran = ran(execution, job);
        return executions.metrics(ran.execution(), ran.job(), window);
    }

    /** Where a download goes: opened only once the request is known to be good (so a 404 is still an error body). */
    @FunctionalInterface
    public interface Download {
        Writer open() throws IOException;
    }

    /** Every metric point of a job as CSV rows, written to {@code to} (opened after the job is found, closed at the end). */
    public void metricsCsv(String execution, String job, Download to) throws SQLException, IOException {
        Executions.JobRef ran = ran(execution, job);
        try (Writer out = to.open()) {
            executions.metricsCsv(ran.execution(), ran.job(), out);
        }
    }

    /** The latest state of each plot of a job as a JSON array, written to {@code to} (opened after the job is found). */
    public void plots(String execution, String job, Download to) throws SQLException, IOException {
        Executions.JobRef ran = ran(execution, job);
        try (Writer out = to.open()) {
            executions.plots(ran.execution(), ran.job(), out);
        }
    }

    private Executions.JobRef ran(String execution, String job) throws SQLException {
        requireJob(execution, job);
        return executions.ran(execution, job);
    }

    /** Cancels an execution's unfinished jobs; returns the execution. */
    public Execution cancel(String execution) throws SQLException {
        recorded(execution);
        executions.cancel(execution);
        return get(execution);
    }

    /**
     * The two versions an execution could run again with — the commit it ran ("recorded") and its branch's head
     * ("current") — and what changed between them in its pipeline and the operations it uses (see {@link RunChanges}).
     */
    public ObjectNode since(String execution) throws IOException, SQLException {
        return new RunChanges(store, vc).since(recorded(execution).run());
    }

    /**
     * Two to {@value RunComparison#MOST} executions of {@code project} (of any of its pipelines) side by side: what differed in
     * the run, and job by job in code, attributes, inputs, outputs, environment and seed (see {@link RunComparison}).
     */
    public ObjectNode compare(String project, List<String> ids) throws IOException, SQLException {
        List<String> distinct = ids.stream().map(String::trim).filter(id -> !id.isEmpty()).distinct().toList();
        if (distinct.size() < 2 || distinct.size() > RunComparison.MOST) {
            throw new RunException(StoreException.Kind.BAD_REQUEST, "pick 2 to " + RunComparison.MOST + " different executions to compare, not "
                    + distinct.size() + " (give their ids as ?ids=a,b)");
        }
        List<RunComparison.Side> sides = new ArrayList<>();
        for (String id : distinct) {
            Execution e = executions.get(id).filter(x -> x.project().equals(project))
                    .orElseThrow(() -> new RunException(StoreException.Kind.NOT_FOUND, "there is no execution " + id + " in this project"));
            sides.add(RunComparison.side(e, store.model(project, e.run().commit())));
        }
        return new RunComparison(executions.workDir()).compare(sides);
    }

    /**
     * Per operation of {@code project} and output, the type the output had in the newest successful job of that
     * operation among the project's latest executions (any pipeline, any branch), with where it was seen (see
     * {@link ObservedTypes}). Information only: connection checks use declared types.
     */
    public ObjectNode observedTypes(String project) throws SQLException {
        return ObservedTypes.of(executions.page(project, ExecutionFilter.ALL, Optional.empty(), ObservedTypes.EXECUTIONS).items(), executions::get, executions.workDir());
    }

    private Execution recorded(String execution) throws SQLException {
        return executions.get(execution).orElseThrow(() -> new RunException(StoreException.Kind.NOT_FOUND, "there is no execution " + execution));
    }

    private void requireJob(String execution, String job) throws SQLException {
        if (!recorded(execution).hasJob(job)) {
            throw StoreException.notFound("execution " + execution + " has no job " + job);
        }
    }
}
