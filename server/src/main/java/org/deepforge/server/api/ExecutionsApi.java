package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.deepforge.exec.run.ExecutionFilter;
import org.deepforge.exec.run.ExecutionPage;
import org.deepforge.exec.run.MetricWindow;
import org.deepforge.exec.run.RunService;
import org.deepforge.exec.run.RunSpec;
import org.deepforge.model.Json;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.server.run.Placements;

/** Running pipelines: start, rerun, list, read, follow the console, cancel — requests translated into {@link RunService} calls. */
public final class ExecutionsApi {
    private final RunService runs;
    private final Placements placements;

    public ExecutionsApi(RunService runs, Placements placements) {
        this.runs = runs;
        this.placements = placements;
    }

    /** For the route table: the project an execution belongs to. */
    public Optional<String> projectOf(Context ctx) throws Exception {
        return runs.projectOf(ctx.pathParam("execution"));
    }

    public void run(Context ctx) throws Exception {
        ObjectNode body = Bodies.optionalObject(ctx);
        JsonNode compute = body.has("compute") ? body.get("compute") : RunSpec.local();
        JsonNode storage = body.has("storage") ? body.get("storage") : RunSpec.local();
        if (!compute.isObject() || !storage.isObject()) {
            throw new BadRequest("\"compute\" and \"storage\" are objects naming an adapter, e.g. {\"adapter\": \"local\"}");
        }
        ctx.status(201).json(runs.run(new RunService.Request(ctx.pathParam("project"), ctx.pathParam("pipeline"),
                Bodies.optionalText(body, "branch"), Bodies.optionalText(body, "name"), Requests.principal(ctx).id(), compute, storage,
                cache(body), seed(body))).toJson());
    }

    /**
     * {@code "seed"}: a whole number from 0 to 2^32-1 that seeds every job (see docs/jobs.md); when absent or null, the
     * seed of the pipeline's latest execution (drawn for its first).
     */
    static java.util.OptionalLong seed(ObjectNode body) {
        JsonNode seed = body.get("seed");
        if (seed == null || seed.isNull()) {
            return java.util.OptionalLong.empty();
        }
        if (!seed.canConvertToLong() || !seed.isIntegralNumber() || seed.asLong() < 0 || seed.asLong() > RunSpec.MAX_SEED) {
            throw new BadRequest("\"seed\" is a whole number from 0 to " + RunSpec.MAX_SEED + " (or leave it out to draw one), not " + seed);
        }
        return java.util.OptionalLong.of(seed.asLong());
    }

    /** {@code "ignoreCache": true} runs every job afresh; {@code "ignoreCacheJobs": [node, ...]} only those. */
    private static RunSpec.CachePolicy cache(ObjectNode body) {
        Set<String> jobs = new LinkedHashSet<>();
        if (body.path("ignoreCacheJobs").isArray()) {
            body.get("ignoreCacheJobs").forEach(j -> jobs.add(j.asText()));
        }
        return new RunSpec.CachePolicy(body.path("ignoreCache").asBoolean(false), jobs);
    }

    /** The compute adapters this server offers, with the JSON Schema of their configuration. */
    public void computeAdapters(Context ctx) {
        ctx.json(placements.computeList());
    }

    /** What a compute adapter can say about its cluster (nodes, partitions, the caller's queued jobs). */
    public void computeStatus(Context ctx) throws Exception {
        var adapter = placements.computeAdapter(ctx.pathParam("adapter"))
                .orElseThrow(() -> new BadRequest(404, "no compute adapter \"" + ctx.pathParam("adapter") + "\""));
        ctx.json(adapter.status());
    }

    /** The storage adapters this server offers, with the JSON Schema of their configuration. */
    public void storageAdapters(Context ctx) {
        ctx.json(placements.storageList());
    }

    /**
     * A page of the project's executions, newest first: {@code {"items": [...], "next": <cursor> | null}}, filtered by
     * {@code pipeline}, {@code status}, {@code user}, {@code since}, {@code until} (see {@link ExecutionFilter#parse}).
     */
    public void list(Context ctx) throws Exception {
        ExecutionPage page = runs.list(ctx.pathParam("project"), ExecutionFilter.parse(ctx::queryParam),
                Optional.ofNullable(ctx.queryParam("cursor")).filter(c -> !c.isBlank()).map(ExecutionPage.Cursor::of),
                Bodies.limitQuery(ctx, "limit", 50, ExecutionPage.MAX_LIMIT));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        page.items().forEach(e -> items.add(e.toJson()));
        out.put("next", page.next().map(ExecutionPage.Cursor::token).orElse(null));
        ctx.json(out);
    }

    /** {@code ?ids=a,b,…}: two or more executions of the project side by side (see {@link RunService#compare}). */
    /** The types operations' outputs had in their latest successful jobs (information, not declared types). */
    public void observedTypes(Context ctx) throws Exception {
        ctx.json(runs.observedTypes(ctx.pathParam("project")));
    }

    public void compare(Context ctx) throws Exception {
        String ids = ctx.queryParam("ids");
        if (ids == null || ids.isBlank()) {
            throw new BadRequest("say which executions to compare: ?ids=<execution>,<execution>");
        }
        ctx.json(runs.compare(ctx.pathParam("project"), List.of(ids.split(","))));
    }

    public void get(Context ctx) throws Exception {
        ctx.json(runs.get(ctx.pathParam("execution")).toJson());
    }

    public void log(Context ctx) throws Exception {
        int from = Bodies.offsetQuery(ctx, "from");
        ctx.json(runs.log(ctx.pathParam("execution"), ctx.pathParam("job"), from, Bodies.limitQuery(ctx, "limit", 5000, MAX_LOG_LINES)));
    }

    /** Most console lines one log request returns. */
    static final int MAX_LOG_LINES = 20_000;

    /**
     * A job's metric series: every point, or with {@code ?points=N} about N per series (each bucket's minimum and maximum),
     * within {@code ?from=&to=} (steps, inclusive) when given; {@code ?format=csv} streams every point as CSV.
     */
    public void metrics(Context ctx) throws Exception {
        if ("csv".equals(ctx.queryParam("format"))) {
            metricsCsv(ctx);
            return;
        }
        if (ctx.queryParam("format") != null && !"json".equals(ctx.queryParam("format"))) {
            throw new BadRequest("query parameter \"format\" must be json or csv, not \"" + Bodies.clip(ctx.queryParam("format")) + "\"");
        }
        Optional<Long> points = longQuery(ctx, "points");
        if (points.isPresent() && (points.get() < MetricWindow.MIN_POINTS || points.get() > MetricWindow.MAX_POINTS)) {
            throw new BadRequest("query parameter \"points\" must be from " + MetricWindow.MIN_POINTS + " to " + MetricWindow.MAX_POINTS + ", not " + points.get());
        }
        MetricWindow window = new MetricWindow(points.map(p -> OptionalInt.of(p.intValue())).orElse(OptionalInt.empty()),
                longQuery(ctx, "from").map(OptionalLong::of).orElse(OptionalLong.empty()),
                longQuery(ctx, "to").map(OptionalLong::of).orElse(OptionalLong.empty()));
        ctx.json(runs.metrics(ctx.pathParam("execution"), ctx.pathParam("job"), window));
    }

    /** Every metric point of a job as a CSV download ({@code name,step,value,time}), streamed from the run database. */
    public void metricsCsv(Context ctx) throws Exception {
        String execution = ctx.pathParam("execution");
        String job = ctx.pathParam("job");
        runs.metricsCsv(execution, job, () -> {
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"" + (execution + "-" + job).replaceAll("[^A-Za-z0-9._-]", "_") + "-metrics.csv\"");
            return new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 1 << 16);
        });
    }

    private static Optional<Long> longQuery(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw new BadRequest("query parameter \"" + name + "\" must be a whole number, not \"" + Bodies.clip(v) + "\"");
        }
    }

    /** The latest state of each figure a job drew, streamed from the run database (a job may draw many large ones). */
    public void plots(Context ctx) throws Exception {
        runs.plots(ctx.pathParam("execution"), ctx.pathParam("job"), () -> {
            ctx.contentType("application/json");
            return new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 1 << 16);
        });
    }

    /**
     * Runs an execution's pipeline again: {@code "code": "recorded"} (the default) the commit it ran, {@code "current"}
     * the head of its branch (see {@link RunService#rerun}).
     */
    public void rerun(Context ctx) throws Exception {
        ObjectNode body = Bodies.optionalObject(ctx);
        String execution = ctx.pathParam("execution");
        String code = Bodies.optionalText(body, "code").orElse("recorded");
        RunService.Code which = switch (code) {
            case "recorded" -> RunService.Code.RECORDED;
            case "current" -> RunService.Code.CURRENT;
            default -> throw new BadRequest("\"code\" is \"recorded\" (rerun exactly the commit this execution ran) or \"current\" (run the head of "
                    + runs.get(execution).run().branch() + "), not \"" + code + "\"");
        };
        ctx.status(201).json(runs.rerun(execution, which, Requests.principal(ctx).id(), cache(body)).toJson());
    }

    /** The versions an execution could run again with, and what changed between them (see {@link RunService#since}). */
    public void since(Context ctx) throws Exception {
        ctx.json(runs.since(ctx.pathParam("execution")));
    }

    public void cancel(Context ctx) throws Exception {
        ctx.json(runs.cancel(ctx.pathParam("execution")).toJson());
    }
}
