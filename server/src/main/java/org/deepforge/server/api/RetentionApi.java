package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deepforge.exec.run.Execution;
import org.deepforge.exec.run.JobStatus;
import org.deepforge.exec.run.RunStore;
import org.deepforge.model.Json;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.server.retention.Retention;
import org.deepforge.server.retention.RetentionPolicy;

/** Deleting executions — one, many by ids or by filter — and each project's retention policy: requests translated into {@link Retention} calls. */
public final class RetentionApi {
    /** The statuses an execution as a whole can have. */
    private static final Set<JobStatus> EXECUTION_STATUSES = EnumSet.of(JobStatus.PENDING, JobStatus.RUNNING, JobStatus.SUCCESS,
            JobStatus.FAILED, JobStatus.CANCELLED);

    private final Retention retention;
    private final RunStore runs;

    public RetentionApi(Retention retention, RunStore runs) {
        this.retention = retention;
        this.runs = runs;
    }

    /** For the route table: the project an execution belongs to. */
    public Optional<String> projectOf(Context ctx) throws Exception {
        return runs.execution(ctx.pathParam("execution")).map(Execution::project);
    }

    /** {@code DELETE /executions/{e}[?dryRun=true]}: what was (or would be) freed, and what was kept and why. */
    public void deleteOne(Context ctx) throws Exception {
        ctx.json(retention.deleteOne(ctx.pathParam("execution"), Requests.principal(ctx), dryRunQuery(ctx)));
    }

    /** {@code {"ids": [...]}} or {@code {"filter": {"pipeline", "status": [...], "before"}}}, with {@code "dryRun": true} to preview. */
    public void deleteMany(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("ids") && !f.equals("filter") && !f.equals("dryRun")) {
                throw new BadRequest("unknown field \"" + Bodies.clip(f) + "\"; say {\"ids\": [...]} or {\"filter\": {...}}, and \"dryRun\": true to preview");
            }
        }
        boolean dryRun = dryRun(body);
        String project = ctx.pathParam("project");
        if (body.has("ids") == body.has("filter")) {
            throw new BadRequest("say which executions to delete: either {\"ids\": [\"e…\", …]} or {\"filter\": {\"pipeline\": …, \"status\": [...], "
                    + "\"before\": \"2026-01-01T00:00:00Z\"}}");
        }
        if (body.has("ids")) {
            ctx.json(retention.deleteIds(project, ids(body.get("ids")), Requests.principal(ctx), dryRun));
        } else {
            ctx.json(retention.deleteMatching(project, filter(body.get("filter")), Requests.principal(ctx), dryRun));
        }
    }

    public void policy(Context ctx) throws Exception {
        ctx.json(retention.policy(ctx.pathParam("project")).toJson());
    }

    public void setPolicy(Context ctx) throws Exception {
        RetentionPolicy policy = RetentionPolicy.parse(Bodies.object(ctx));
        retention.setPolicy(ctx.pathParam("project"), policy, Requests.principal(ctx));
        ctx.json(policy.toJson());
    }

    /** Applies the project's policy now ({@code {"dryRun": true}} lists what it would delete). */
    public void apply(Context ctx) throws Exception {
        ObjectNode body = Bodies.optionalObject(ctx);
        ctx.json(retention.apply(ctx.pathParam("project"), Requests.principal(ctx), dryRun(body)));
    }

    private static boolean dryRunQuery(Context ctx) {
        String v = ctx.queryParam("dryRun");
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw new BadRequest("query parameter \"dryRun\" is true or false, not \"" + Bodies.clip(v) + "\"");
    }

    private static boolean dryRun(ObjectNode body) {
        JsonNode v = body.path("dryRun");
        if (!v.isMissingNode() && !v.isNull() && !v.isBoolean()) {
            throw new BadRequest("\"dryRun\" is true or false, not " + Bodies.clip(Json.compact(v)));
        }
        return v.asBoolean(false);
    }

    private static List<String> ids(JsonNode ids) {
        if (!ids.isArray() || ids.isEmpty()) {
            throw new BadRequest("\"ids\" is a non-empty list of execution ids, e.g. [\"eabc234def\"]");
        }
        if (ids.size() > Retention.MOST) {
            throw new BadRequest("\"ids\" names " + ids.size() + " executions; delete at most " + Retention.MOST
                    + " per request (send the rest in further requests, or use a filter)");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > 64) {
                throw new BadRequest("each of \"ids\" is an execution id (a string of at most 64 characters), not " + Bodies.clip(Json.compact(id)));
            }
            out.add(id.asText());
        }
        return out;
    }

    private static Retention.Filter filter(JsonNode filter) {
        if (!filter.isObject()) {
            throw new BadRequest("\"filter\" is an object: {\"pipeline\": \"<id>\", \"status\": [\"failed\", …], \"before\": \"<ISO instant>\"}");
        }
        Optional<String> pipeline = Optional.empty();
        Set<JobStatus> status = EnumSet.noneOf(JobStatus.class);
        Optional<Instant> before = Optional.empty();
        for (var it = filter.fields(); it.hasNext(); ) {
            var f = it.next();
            JsonNode v = f.getValue();
            switch (f.getKey()) {
                case "pipeline" -> {
                    if (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > 200) {
                        throw new BadRequest("\"filter.pipeline\" is a pipeline id (a non-empty string)");
                    }
                    pipeline = Optional.of(v.asText());
                }
                case "status" -> {
                    if (!v.isArray() || v.isEmpty() || v.size() > EXECUTION_STATUSES.size()) {
                        throw new BadRequest("\"filter.status\" is a non-empty list of statuses: pending, running, success, failed, cancelled");
                    }
                    for (JsonNode s : v) {
                        JobStatus parsed = EXECUTION_STATUSES.stream().filter(x -> x.id().equals(s.asText())).findFirst()
                                .filter(x -> s.isTextual()).orElseThrow(() -> new BadRequest("\"filter.status\" has " + Bodies.clip(Json.compact(s))
                                        + "; an execution's status is pending, running, success, failed or cancelled"));
                        status.add(parsed);
                    }
                }
                case "before" -> {
                    try {
                        before = Optional.of(Instant.parse(v.asText()));
                    } catch (DateTimeParseException e) {
                        throw new BadRequest("\"filter.before\" is an ISO instant such as \"2026-01-31T00:00:00Z\", not " + Bodies.clip(Json.compact(v)));
                    }
                    if (!v.isTextual()) {
                        throw new BadRequest("\"filter.before\" is an ISO instant such as \"2026-01-31T00:00:00Z\"");
                    }
                }
                default -> throw new BadRequest("unknown filter field \"" + Bodies.clip(f.getKey()) + "\"; a filter has pipeline, status and before");
            }
        }
        if (pipeline.isEmpty() && status.isEmpty() && before.isEmpty()) {
            throw new BadRequest("the filter picks nothing; give at least one of pipeline, status, before (e.g. {\"before\": \"<now>\"} for all)");
        }
        return new Retention.Filter(pipeline, Set.copyOf(status), before);
    }
}
