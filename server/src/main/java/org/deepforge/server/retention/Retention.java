package org.deepforge.server.retention;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.deepforge.exec.events.JobEvent;
import org.deepforge.exec.run.Execution;
import org.deepforge.exec.run.JobStatus;
import org.deepforge.exec.run.RunException;
import org.deepforge.exec.run.RunListener;
import org.deepforge.exec.run.ExecutionFilter;
import org.deepforge.exec.run.ExecutionPage;
import org.deepforge.exec.run.RunStore;
import org.deepforge.model.Json;
import org.deepforge.server.auth.Principal;
import org.deepforge.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which executions go: those a request names or a filter picks (bulk delete), and those a project's
 * {@link RetentionPolicy} no longer keeps — applied on request and after each execution of the project ends. Running
 * executions are never deleted; they are reported as skipped.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /** Most executions one request deletes; a filter that matches more deletes the oldest and says how many remain. */
    public static final int MOST = 1000;

    /** Executions picked by a filter: all of these that are given. */
    public record Filter(Optional<String> pipeline, Set<JobStatus> status, Optional<Instant> before) {
        boolean matches(Execution e) {
            return pipeline.map(p -> p.equals(e.run().pipeline())).orElse(true)
                    && (status.isEmpty() || status.contains(e.status()))
                    && before.map(b -> Instant.parse(e.created()).isBefore(b)).orElse(true);
        }
    }

    private final RunStore runs;
    private final RetentionPolicies policies;
    private final ExecutionDeletion deletion;
    private final ExecutorService afterRuns = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "deepforge-retention");
        t.setDaemon(true);
        return t;
    });

    public Retention(RunStore runs, RetentionPolicies policies, ExecutionDeletion deletion) {
        this.runs = runs;
        this.policies = policies;
        this.deletion = deletion;
    }

    /** Deletes one execution (404 if none, 409 while it runs); {@code dryRun} only says what it would free and keep. */
    public ObjectNode deleteOne(String id, Principal caller, boolean dryRun) throws Exception {
        Execution e = deletion.deletable(id);
        ObjectNode out = Json.MAPPER.createObjectNode().put("execution", id).put("tag", e.run().tag().orElse(null));
        ExecutionDeletion.Outcome done = deletion.delete(e.project(), List.of(e), caller, dryRun);
        if (done.deleted().isEmpty()) {
            throw new RunException(StoreException.Kind.NOT_FOUND, "there is no execution " + id + " (deleted already?)");
        }
        return done.toJson(out);
    }

    /** Deletes the executions of {@code project} named by {@code ids}; those of no such execution or still running are reported. */
    public ObjectNode deleteIds(String project, List<String> ids, Principal caller, boolean dryRun) throws Exception {
        List<Execution> chosen = new ArrayList<>();
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode skipped = Json.MAPPER.createArrayNode();
        for (String id : ids.stream().distinct().toList()) {
            Optional<Execution> e = runs.execution(id).filter(x -> x.project().equals(project));
            if (e.isEmpty()) {
                skipped.addObject().put("id", id).put("reason", "there is no execution " + id + " in this project");
            } else {
                choose(e.get(), chosen, skipped);
            }
        }
        deletion.delete(project, chosen, caller, dryRun).toJson(out).set("skipped", skipped);
        return out.put("remaining", 0);
    }

    /** Deletes the oldest {@value #MOST} executions of {@code project} that {@code filter} picks; running ones are skipped. */
    public ObjectNode deleteMatching(String project, Filter filter, Principal caller, boolean dryRun) throws Exception {
        List<Execution> all = all(project);
        List<Execution> chosen = new ArrayList<>();
        ArrayNode skipped = Json.MAPPER.createArrayNode();
        int remaining = 0;
        for (int i = all.size() - 1; i >= 0; i--) {
            Execution e = all.get(i);
            if (!filter.matches(e)) {
                continue;
            }
            if (chosen.size() >= MOST) {
                remaining += e.status().finished() ? 1 : 0;
                continue;
            }
            choose(e, chosen, skipped);
        }
        ObjectNode out = deletion.delete(project, chosen, caller, dryRun).toJson(Json.MAPPER.createObjectNode());
        out.set("skipped", skipped);
        return out.put("remaining", remaining);
    }

    /** Every execution of the project, newest first, read a page at a time. */
    private List<Execution> all(String project) throws SQLException {
        List<Execution> out = new ArrayList<>();
        Optional<ExecutionPage.Cursor> after = Optional.empty();
        do {
            ExecutionPage page = runs.page(project, ExecutionFilter.ALL, after, ExecutionPage.MAX_LIMIT);
            out.addAll(page.items());
            after = page.next();
        } while (after.isPresent());
        return out;
    }

    private static void choose(Execution e, List<Execution> chosen, ArrayNode skipped) {
        if (e.status().finished()) {
            chosen.add(e);
        } else {
            skipped.addObject().put("id", e.id()).put("status", e.status().id())
                    .put("reason", "it is " + e.status().id() + "; cancel it first, then delete it");
        }
    }

    public RetentionPolicy policy(String project) throws SQLException {
        return policies.get(project).map(RetentionPolicies.Stored::policy).orElse(RetentionPolicy.KEEP_ALL);
    }

    public void setPolicy(String project, RetentionPolicy policy, Principal by) throws SQLException {
        policies.put(project, policy, by.id());
    }

    /** Deletes (or with {@code dryRun} lists) the finished executions the project's policy does not keep. */
    public ObjectNode apply(String project, Principal caller, boolean dryRun) throws Exception {
        RetentionPolicy policy = policy(project);
        List<Execution> chosen = new ArrayList<>();
        ArrayNode skipped = Json.MAPPER.createArrayNode();
        if (policy.active()) {
            List<Execution> all = all(project);
            Map<String, ?> producers = policy.keepArtifactProducers() ? deletion.madeArtifacts(project) : Map.of();
            Instant cutoff = policy.keepDays().isPresent() ? Instant.now().minus(Duration.ofDays(policy.keepDays().getAsInt())) : Instant.MIN;
            for (int i = 0; i < all.size(); i++) {
                Execution e = all.get(i);
                boolean kept = (policy.keepLast().isPresent() && i < policy.keepLast().getAsInt())
                        || (policy.keepDays().isPresent() && !Instant.parse(e.created()).isBefore(cutoff))
                        || producers.containsKey(e.id());
                if (!kept && chosen.size() < MOST) {
                    choose(e, chosen, skipped);
                }
            }
        }
        ObjectNode out = deletion.delete(project, chosen, caller, dryRun).toJson(Json.MAPPER.createObjectNode());
        out.set("policy", policy.toJson());
        out.set("skipped", skipped);
        return out;
    }

    /** Passes everything on to {@code downstream}; when an execution ends, applies its project's policy (off the engine's thread). */
    public RunListener afterRuns(RunListener downstream) {
        return new RunListener() {
            @Override
            public void status(String execution, String job, JobStatus status, String message) {
                downstream.status(execution, job, status, message);
            }

            @Override
            public void console(String execution, String job, List<String> lines) {
                downstream.console(execution, job, lines);
            }

            @Override
            public void events(String execution, String job, List<JobEvent> events) {
                downstream.events(execution, job, events);
            }

            @Override
            public void position(String execution, String job, String handle, long consoleOffset, long eventsOffset) {
                downstream.position(execution, job, handle, consoleOffset, eventsOffset);
            }

            @Override
            public void executionStatus(String execution, JobStatus status) {
                downstream.executionStatus(execution, status);
            }

            @Override
            public void finished(String execution, JobStatus status) {
                downstream.finished(execution, status);
                afterRuns.execute(() -> applyAfter(execution));
            }
        };
    }

    private void applyAfter(String execution) {
        try {
            Optional<Execution> e = runs.execution(execution);
            if (e.isEmpty()) {
                return;
            }
            String project = e.get().project();
            Optional<RetentionPolicies.Stored> stored = policies.get(project);
            if (stored.isPresent() && stored.get().policy().active()) {
                String by = stored.get().setBy();
                apply(project, new Principal(by, by, by + "@localhost"), false);
            }
        } catch (Exception ex) {
            LOG.warn("could not apply the retention policy after execution {}: {}", execution, ex.toString());
        }
    }
}
