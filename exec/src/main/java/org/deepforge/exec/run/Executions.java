package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.events.JobEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executions as they run: started from a pipeline at a commit, run by the {@link Engine}, and recorded in the
 * {@link RunStore} (never in the project) before each change is passed on. {@link RunService} decides what runs.
 */
public final class Executions implements RunListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Executions.class);

    private final RunStore db;
    private final Engine engine;
    private final RunListener downstream;
    private final Placement.Resolver placements;
    private final Path workDir;

    /** Each execution runs and keeps its artifacts where {@code placements} resolves its compute and storage choices. */
    public Executions(RunStore db, Path workDir, BundleWriter bundles, Placement.Resolver placements,
                      ArtifactSink artifacts, int slots, RunListener downstream) {
        this.db = db;
        this.downstream = downstream;
        this.placements = placements;
        this.workDir = workDir;
        RunSpec defaults = new RunSpec("", "", "", "", "", Optional.empty(), "", "local", null, null, null, 0);
        this.engine = new Engine(bundles, placements.resolve(defaults.toJson()), artifacts, workDir, slots, this);
        this.engine.useCache(new JobCache() {
            @Override
            public Optional<JobCache.Entry> lookup(String key) {
                try {
                    return db.cached(key).map(hit -> new JobCache.Entry(hit.execution(), hit.job()));
                } catch (SQLException e) {
                    LOG.warn("cache lookup failed: {}", e.toString());
                    return Optional.empty();
                }
            }

            @Override
            public void record(String key, String execution, String job) {
                try {
                    db.cache(key, execution, job);
                } catch (SQLException e) {
                    LOG.warn("cannot record cache entry: {}", e.toString());
                }
            }
        });
    }

    /**
     * Records {@code run} with its jobs (the nodes of its pipeline in {@code model}) and starts it where {@code placement}
     * says. A pipeline the engine cannot run is refused ({@link IllegalArgumentException}) before anything is recorded.
     */
    public void start(RunSpec run, JsonNode model, Placement placement) throws SQLException {
        check(run, model, placement);
        JsonNode nodes = model.path("pipelines").path(run.pipeline()).path("nodes");
        List<RunStore.NewJob> jobs = new ArrayList<>();
        nodes.fields().forEachRemaining(e -> jobs.add(new RunStore.NewJob(e.getKey(), Optional.ofNullable(e.getValue().path("operation").textValue()))));
        db.create(run, jobs);
        jobs.forEach(j -> downstream.status(run.id(), j.id(), JobStatus.PENDING, null));
        synchronized (engine) {
            engine.start(run.id(), model, run.pipeline(), run.commit(), placement);
            engine.ignoreCache(run.id(), run.project(), run.cache().ignoreAll(), run.cache().ignoreJobs());
            engine.seed(run.id(), run.seed());
        }
    }

    /** Refuses ({@link IllegalArgumentException}, saying what to change) a run the engine cannot run; starts nothing. */
    public void check(RunSpec run, JsonNode model, Placement placement) {
        engine.check(model, run.pipeline(), placement);
    }

    /** Where executions' jobs run and leave their folders: {@code <workDir>/<execution>/<node>/}. */
    Path workDir() {
        return workDir;
    }

    public Optional<Execution> get(String id) throws SQLException {
        return db.execution(id);
    }

    public ExecutionPage page(String project, ExecutionFilter filter, Optional<ExecutionPage.Cursor> after, int limit) throws SQLException {
        return db.page(project, filter, after, limit);
    }

    public ObjectNode log(String execution, String job, long from, int limit) throws SQLException {
        return db.log(execution, job, from, limit);
    }

    public void cancel(String execution) {
        engine.cancel(execution);
    }

    @Override
    public void status(String execution, String job, JobStatus status, String message) {
        boolean started = false;
        try {
            started = db.jobStatus(execution, job, status, message);
        } catch (SQLException e) {
            LOG.error("cannot record job {} of {} as {}", job, execution, status, e);
        }
        downstream.status(execution, job, status, message);
        if (started) { // the header of a watched execution must not say "pending" while its first job runs
            downstream.executionStatus(execution, JobStatus.RUNNING);
        }
    }

    @Override
    public void console(String execution, String job, List<String> lines) {
        try {
            db.appendLog(execution, job, lines);
        } catch (SQLException e) {
            LOG.error("cannot record console of job {} of {}", job, execution, e);
        }
        downstream.console(execution, job, lines);
    }

    @Override
    public void events(String execution, String job, List<JobEvent> events) {
        try {
            db.addEvents(execution, job, events);
        } catch (SQLException e) {
            LOG.error("cannot record events of job {} of {}", job, execution, e);
        }
        downstream.events(execution, job, events);
    }

    public ObjectNode metrics(String execution, String job, MetricWindow window) throws SQLException {
        return db.metrics(execution, job, window);
    }

    public void metricsCsv(String execution, String job, Writer out) throws SQLException, IOException {
        db.metricsCsv(execution, job, out);
    }

    public void plots(String execution, String job, Writer out) throws SQLException, IOException {
        db.plots(execution, job, out);
    }

    /** A job that ran: itself, or for a cached job the earlier job whose outputs it reused (what it logged and drew). */
    public JobRef ran(String execution, String job) throws SQLException {
        Engine.Known known = db.known(execution).get(job);
        if (known != null && known.status() == JobStatus.CACHED && known.handle() != null) {
            int slash = known.handle().indexOf('/');
            if (slash > 0 && db.known(known.handle().substring(0, slash)).containsKey(known.handle().substring(slash + 1))) {
                return new JobRef(known.handle().substring(0, slash), known.handle().substring(slash + 1));
            }
        }
        return new JobRef(execution, job);
    }

    /** A job of an execution. */
    public record JobRef(String execution, String job) {}

    @Override
    public void position(String execution, String job, String handle, long consoleOffset, long eventsOffset) {
        try {
            db.position(execution, job, handle, consoleOffset, eventsOffset);
        } catch (SQLException e) {
            LOG.error("cannot record the position of job {} of {}", job, execution, e);
        }
    }

    /** Loads the model an execution ran at. */
    @FunctionalInterface
    public interface ModelLoader {
        JsonNode model(String project, String commit) throws Exception;
    }

    /** After a restart: takes up every execution that had not finished; returns how many. */
    public int recover(ModelLoader models) throws SQLException {
        int n = 0;
        for (Execution e : db.unfinished()) {
            RunSpec run = e.run();
            String id = run.id();
            try {
                JsonNode model = models.model(run.project(), run.commit());
                synchronized (engine) {
                    engine.resume(id, model, run.pipeline(), run.commit(), run.project(), db.known(id), placements.resolve(run.toJson()));
                    engine.seed(id, run.seed());
                }
                n++;
            } catch (Exception ex) {
                LOG.warn("cannot resume execution {}: {}", id, ex.toString());
                db.executionStatus(id, JobStatus.FAILED);
            }
        }
        return n;
    }

    @Override
    public void finished(String execution, JobStatus status) {
        try {
            db.executionStatus(execution, status);
        } catch (SQLException e) {
            LOG.error("cannot record execution {} as {}", execution, status, e);
        }
        downstream.finished(execution, status);
    }

    @Override
    public void close() throws SQLException {
        engine.close();
        db.close();
    }
}
