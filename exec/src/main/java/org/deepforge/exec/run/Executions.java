package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.storage.LocalStorage;
import org.deepforge.model.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executions as the server sees them: started from a pipeline at a commit, run by the {@link Engine},
 * and recorded in the {@link RunDatabase} (never in the project) before each change is passed on.
 */
public final class Executions implements RunListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Executions.class);

    private final RunDatabase db;
    private final Engine engine;
    private final RunListener downstream;
    private final Placement.Resolver placements;

    /** Every execution runs on {@code compute} and keeps its artifacts in {@code storage}. */
    public Executions(RunDatabase db, Path workDir, BundleWriter bundles, ComputeAdapter compute, LocalStorage storage,
                      ArtifactSink artifacts, int slots, RunListener downstream) {
        this(db, workDir, bundles, e -> new Placement(compute, e.path("compute"), storage), artifacts, slots, downstream);
    }

    /** Each execution runs and keeps its artifacts where {@code placements} resolves its compute and storage choices. */
    public Executions(RunDatabase db, Path workDir, BundleWriter bundles, Placement.Resolver placements,
                      ArtifactSink artifacts, int slots, RunListener downstream) {
        this.db = db;
        this.downstream = downstream;
        this.placements = placements;
        ObjectNode local = org.deepforge.model.Json.MAPPER.createObjectNode();
        local.putObject("compute").put("adapter", "local");
        local.putObject("storage").put("adapter", "local");
        this.engine = new Engine(bundles, placements.resolve(local), artifacts, workDir, slots, this);
        this.engine.useCache(new JobCache() {
            @Override
            public Optional<JobCache.Entry> lookup(String key) {
                try {
                    return db.cached(key).map(hit -> new JobCache.Entry(hit[0], hit[1]));
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
     * Records and starts an execution. {@code meta} holds project, pipeline, branch, commit, tag, name,
     * user, compute and storage; the id is assigned here and returned.
     */
    public String start(ObjectNode meta, JsonNode model) throws SQLException {
        String id = meta.hasNonNull("id") ? meta.get("id").asText() : newId();
        meta.put("id", id);
        Placement placement = placements.resolve(meta); // before anything is recorded: a bad choice leaves nothing behind
        JsonNode nodes = model.path("pipelines").path(meta.path("pipeline").asText()).path("nodes");
        List<String[]> jobs = new ArrayList<>();
        nodes.fields().forEachRemaining(e -> jobs.add(new String[] {e.getKey(), e.getValue().path("operation").asText(null)}));
        db.create(meta, jobs);
        jobs.forEach(j -> downstream.status(id, j[0], JobStatus.PENDING, null));
        java.util.Set<String> ignore = new java.util.HashSet<>();
        meta.path("ignoreCacheJobs").forEach(j -> ignore.add(j.asText()));
        synchronized (engine) {
            engine.start(id, model, meta.path("pipeline").asText(), meta.path("commit").asText(null), placement);
            engine.ignoreCache(id, meta.path("project").asText(""), meta.path("ignoreCache").asBoolean(false), ignore);
        }
        return id;
    }

    /** A fresh execution id. */
    public static String newId() {
        return "e" + Ids.newId(9);
    }

    public Optional<ObjectNode> get(String id) throws SQLException {
        return db.execution(id);
    }

    public List<ObjectNode> list(String project) throws SQLException {
        return db.list(project);
    }

    public ObjectNode log(String execution, String job, long from, int limit) throws SQLException {
        return db.log(execution, job, from, limit);
    }

    public void cancel(String execution) {
        engine.cancel(execution);
    }

    @Override
    public void status(String execution, String job, JobStatus status, String message) {
        try {
            db.jobStatus(execution, job, status, message);
        } catch (SQLException e) {
            LOG.error("cannot record job {} of {} as {}", job, execution, status, e);
        }
        downstream.status(execution, job, status, message);
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
    public void events(String execution, String job, List<org.deepforge.exec.events.JobEvent> events) {
        try {
            db.addEvents(execution, job, events);
        } catch (SQLException e) {
            LOG.error("cannot record events of job {} of {}", job, execution, e);
        }
        downstream.events(execution, job, events);
    }

    public ObjectNode metrics(String execution, String job) throws SQLException {
        return db.metrics(execution, job);
    }

    public com.fasterxml.jackson.databind.node.ArrayNode plots(String execution, String job) throws SQLException {
        return db.plots(execution, job);
    }

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
        for (ObjectNode e : db.unfinished()) {
            String id = e.path("id").asText();
            try {
                JsonNode model = models.model(e.path("project").asText(), e.path("commit").asText());
                engine.resume(id, model, e.path("pipeline").asText(), e.path("commit").asText(), e.path("project").asText(), db.known(id),
                        placements.resolve(e));
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
