package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.run.Executions;
import org.deepforge.model.Json;
import org.deepforge.ops.Operations;
import org.deepforge.ops.pipeline.Issue;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.store.ModelAt;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;
import org.deepforge.store.VersionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Running pipelines: start, list, read, follow the console, cancel. */
public final class ExecutionsApi {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionsApi.class);
    private final ProjectStore store;
    private final VersionControl vc;
    private final Operations operations;
    private final Executions executions;
    private final org.deepforge.server.run.Placements placements;

    public ExecutionsApi(ProjectStore store, VersionControl vc, Operations operations, Executions executions,
                         org.deepforge.server.run.Placements placements) {
        this.placements = placements;
        this.store = store;
        this.vc = vc;
        this.operations = operations;
        this.executions = executions;
    }

    /** For the route table: the project an execution belongs to. */
    public Optional<String> projectOf(Context ctx) throws Exception {
        return executions.get(ctx.pathParam("execution")).map(e -> e.path("project").asText());
    }

    public void run(Context ctx) throws Exception {
        String project = ctx.pathParam("project");
        String pipeline = ctx.pathParam("pipeline");
        ObjectNode body = Bodies.optionalObject(ctx);
        String branch = Bodies.optionalText(body, "branch").orElse(store.get(project).defaultBranch());
        ModelAt at = store.model(project, branch);
        JsonNode p = at.model().path("pipelines").path(pipeline);
        if (p.isMissingNode()) {
            throw StoreException.notFound("branch " + branch + " has no pipeline " + pipeline);
        }
        List<Issue> problems = operations.problems(project, at.commit(), pipeline).stream().filter(Issue::blocksRun).toList();
        if (!problems.isEmpty()) {
            ObjectNode detail = Json.MAPPER.createObjectNode();
            ArrayNode list = detail.putArray("problems");
            problems.forEach(i -> list.add(i.toJson()));
            throw new StoreException(StoreException.Kind.BAD_REQUEST, "the pipeline has " + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + " to fix before it can run; first: " + problems.get(0).message(), detail);
        }
        checkRequirements(project, at, p);
        JsonNode compute = body.has("compute") ? body.get("compute") : Json.MAPPER.createObjectNode().put("adapter", "local");
        JsonNode storage = body.has("storage") ? body.get("storage") : Json.MAPPER.createObjectNode().put("adapter", "local");
        if (!compute.isObject() || !storage.isObject()) {
            throw new BadRequest("\"compute\" and \"storage\" are objects naming an adapter, e.g. {\"adapter\": \"local\"}");
        }
        try {
            // a wrong key, a missing bucket or an unreachable endpoint is said now, not by a failed job later
            placements.storage(storage, Requests.principal(ctx).id()).check();
        } catch (IllegalArgumentException | org.deepforge.exec.storage.StorageException e) {
            throw new BadRequest(e.getMessage());
        }
        String id = Executions.newId();
        String tag = "runs/" + id;
        try {
            vc.createTag(project, tag, at.commit());
        } catch (StoreException e) {
            LOG.warn("could not tag {} for execution {}: {}", at.commit(), id, e.getMessage());
            tag = null;
        }
        ObjectNode meta = Json.MAPPER.createObjectNode().put("id", id).put("project", project).put("pipeline", pipeline)
                .put("branch", branch).put("commit", at.commit()).put("tag", tag)
                .put("name", Bodies.optionalText(body, "name").orElse(p.path("name").asText(pipeline)))
                .put("user", Requests.principal(ctx).id());
        meta.set("compute", compute);
        meta.set("storage", storage);
        meta.put("ignoreCache", body.path("ignoreCache").asBoolean(false));
        if (body.path("ignoreCacheJobs").isArray()) {
            meta.set("ignoreCacheJobs", body.get("ignoreCacheJobs"));
        }
        try {
            executions.start(meta, at.model());
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        ctx.status(201).json(executions.get(id).orElseThrow());
    }

    /** Refuses a run whose operations need Python packages this server's interpreter cannot import. */
    private void checkRequirements(String project, ModelAt at, JsonNode pipeline) throws Exception {
        java.util.Set<String> used = new java.util.TreeSet<>();
        pipeline.path("nodes").forEach(n -> {
            if (n.has("operation")) {
                used.add(n.path("operation").asText());
            }
        });
        List<String> missing = new java.util.ArrayList<>();
        for (String op : used) {
            if (at.model().path("operations").path(op).path("requirements").size() == 0) {
                continue;
            }
            JsonNode check = operations.requirements(project, at.commit(), op);
            check.path("missing").forEach(m -> missing.add(op + " needs " + m.asText()));
        }
        if (!missing.isEmpty()) {
            throw new BadRequest("Python packages are missing on this server: " + String.join("; ", missing)
                    + " — install them for the job interpreter, or remove them from the operations' requirements");
        }
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

    public void list(Context ctx) throws Exception {
        ctx.json(executions.list(ctx.pathParam("project")));
    }

    public void get(Context ctx) throws Exception {
        ctx.json(executions.get(ctx.pathParam("execution")).orElseThrow());
    }

    public void log(Context ctx) throws Exception {
        ObjectNode e = executions.get(ctx.pathParam("execution")).orElseThrow();
        String job = ctx.pathParam("job");
        boolean known = false;
        for (JsonNode j : e.path("jobs")) {
            known |= j.path("id").asText().equals(job);
        }
        if (!known) {
            throw StoreException.notFound("execution " + e.path("id").asText() + " has no job " + job);
        }
        int from = Bodies.offsetQuery(ctx, "from");
        ctx.json(executions.log(e.path("id").asText(), job, from, Bodies.limitQuery(ctx, "limit", 5000, MAX_LOG_LINES)));
    }

    /** Most console lines one log request returns. */
    static final int MAX_LOG_LINES = 20_000;

    public void metrics(Context ctx) throws Exception {
        ctx.json(executions.metrics(requireJob(ctx), ctx.pathParam("job")));
    }

    public void plots(Context ctx) throws Exception {
        ctx.json(executions.plots(requireJob(ctx), ctx.pathParam("job")));
    }

    private String requireJob(Context ctx) throws Exception {
        ObjectNode e = executions.get(ctx.pathParam("execution")).orElseThrow();
        for (JsonNode j : e.path("jobs")) {
            if (j.path("id").asText().equals(ctx.pathParam("job"))) {
                return e.path("id").asText();
            }
        }
        throw StoreException.notFound("execution " + e.path("id").asText() + " has no job " + ctx.pathParam("job"));
    }

    /**
     * Runs an execution's pipeline again. {@code "code": "recorded"} (the default) reruns exactly the commit it ran
     * (finished jobs come from the cache, so it resumes from what failed); {@code "code": "current"} runs the
     * branch's head instead, i.e. with the fixes made since.
     */
    public void rerun(Context ctx) throws Exception {
        ObjectNode old = executions.get(ctx.pathParam("execution")).orElseThrow();
        ObjectNode body = Bodies.optionalObject(ctx);
        String project = old.path("project").asText();
        String pipeline = old.path("pipeline").asText();
        String branch = old.path("branch").asText();
        String code = Bodies.optionalText(body, "code").orElse("recorded");
        if (!code.equals("recorded") && !code.equals("current")) {
            throw new BadRequest("\"code\" is \"recorded\" (rerun exactly the commit this execution ran) or \"current\" (run the head of "
                    + branch + "), not \"" + code + "\"");
        }
        boolean current = code.equals("current");
        ModelAt at;
        String id = Executions.newId();
        String tag = old.path("tag").asText(null);
        if (current) {
            try {
                at = store.model(project, branch);
            } catch (StoreException e) {
                throw new BadRequest(409, "branch " + branch + " that this execution ran on is gone; rerun exactly, or run the pipeline from another branch");
            }
            JsonNode p = at.model().path("pipelines").path(pipeline);
            if (p.isMissingNode()) {
                throw new BadRequest(409, "the pipeline \"" + old.path("name").asText(pipeline) + "\" no longer exists on " + branch
                        + "; rerun exactly to run the recorded version");
            }
            List<Issue> problems = operations.problems(project, at.commit(), pipeline);
            if (!problems.isEmpty()) {
                ObjectNode detail = Json.MAPPER.createObjectNode();
                ArrayNode list = detail.putArray("problems");
                problems.forEach(i -> list.add(i.toJson()));
                throw new StoreException(StoreException.Kind.BAD_REQUEST, "the current version of the pipeline has " + problems.size()
                        + (problems.size() == 1 ? " problem" : " problems") + " to fix before it can run; first: " + problems.get(0).message(), detail);
            }
            checkRequirements(project, at, p);
            tag = "runs/" + id;
            try {
                vc.createTag(project, tag, at.commit());
            } catch (StoreException e) {
                LOG.warn("could not tag {} for execution {}: {}", at.commit(), id, e.getMessage());
                tag = null;
            }
        } else {
            at = store.model(project, old.path("commit").asText());
        }
        String base = old.path("name").asText().replaceAll(" \\((rerun|run again with the current code)\\)$", "");
        ObjectNode meta = Json.MAPPER.createObjectNode().put("id", id).put("project", project)
                .put("pipeline", pipeline).put("branch", branch)
                .put("commit", at.commit()).put("tag", tag)
                .put("name", base + (current ? " (run again with the current code)" : " (rerun)")).put("user", Requests.principal(ctx).id());
        meta.set("compute", old.path("compute"));
        meta.set("storage", old.path("storage"));
        meta.put("ignoreCache", body.path("ignoreCache").asBoolean(false));
        if (body.path("ignoreCacheJobs").isArray()) {
            meta.set("ignoreCacheJobs", body.get("ignoreCacheJobs"));
        }
        executions.start(meta, at.model());
        ctx.status(201).json(executions.get(id).orElseThrow());
    }

    /**
     * The two versions an execution could run again with — the commit it ran ("recorded") and its branch's head
     * ("current"), each with its short id and message — and what changed between them in the pipeline and the
     * operations it uses, named as users name them ("Train changed since this run").
     */
    public void since(Context ctx) throws Exception {
        ObjectNode e = executions.get(ctx.pathParam("execution")).orElseThrow();
        String project = e.path("project").asText();
        String pipeline = e.path("pipeline").asText();
        String branch = e.path("branch").asText();
        ObjectNode out = Json.MAPPER.createObjectNode();
        ModelAt recorded = store.model(project, e.path("commit").asText());
        out.set("recorded", version(project, recorded.commit()));
        Optional<ModelAt> head;
        try {
            head = Optional.of(store.model(project, branch));
        } catch (StoreException gone) {
            head = Optional.empty();
        }
        ArrayNode changed = out.putArray("changed");
        if (head.isEmpty()) {
            out.putNull("current");
            ctx.json(out);
            return;
        }
        out.set("current", version(project, head.get().commit()).put("branch", branch));
        JsonNode was = recorded.model();
        JsonNode now = head.get().model();
        java.util.Set<String> used = new java.util.TreeSet<>();
        was.path("pipelines").path(pipeline).path("nodes").forEach(n -> {
            if (n.has("operation")) {
                used.add(n.path("operation").asText());
            }
        });
        java.util.Map<String, List<String>> byOperation = new java.util.TreeMap<>();
        List<String> pipelineChanges = new java.util.ArrayList<>();
        List<String> utilChanges = new java.util.ArrayList<>();
        for (var c : org.deepforge.store.history.ChangeDescriber.describe(was, now)) {
            List<String> t = org.deepforge.store.history.ModelNames.tokens(c.path());
            if (t.size() >= 2 && t.get(0).equals("operations") && used.contains(t.get(1))) {
                byOperation.computeIfAbsent(t.get(1), k -> new java.util.ArrayList<>()).add(c.text());
            } else if (t.size() >= 2 && t.get(0).equals("pipelines") && t.get(1).equals(pipeline)) {
                pipelineChanges.add(c.text());
            } else if (t.size() >= 1 && t.get(0).equals("utils")) {
                utilChanges.add(c.text());
            }
        }
        for (var entry : byOperation.entrySet()) {
            ObjectNode o = changed.addObject().put("kind", "operation").put("name", entry.getKey())
                    .put("summary", entry.getKey() + " changed since this run");
            ArrayNode lines = o.putArray("changes");
            entry.getValue().forEach(lines::add);
        }
        if (!pipelineChanges.isEmpty()) {
            String name = now.path("pipelines").path(pipeline).path("name").asText(was.path("pipelines").path(pipeline).path("name").asText(pipeline));
            ObjectNode o = changed.addObject().put("kind", "pipeline").put("name", name).put("summary", "the pipeline " + name + " changed since this run");
            ArrayNode lines = o.putArray("changes");
            pipelineChanges.forEach(lines::add);
        }
        if (!utilChanges.isEmpty()) {
            ObjectNode o = changed.addObject().put("kind", "utils").put("name", "utils").put("summary", "shared utility code changed since this run");
            ArrayNode lines = o.putArray("changes");
            utilChanges.forEach(lines::add);
        }
        ctx.json(out);
    }

    private ObjectNode version(String project, String commit) throws Exception {
        var page = vc.history(project, commit, 1, Optional.empty());
        ObjectNode o = Json.MAPPER.createObjectNode().put("commit", commit).put("short", commit.substring(0, 7));
        if (!page.commits().isEmpty()) {
            var c = page.commits().get(0);
            o.put("message", c.message().lines().findFirst().orElse("")).put("author", c.authorName()).put("time", c.time().toString());
        }
        return o;
    }

    public void cancel(Context ctx) throws Exception {
        String id = ctx.pathParam("execution");
        executions.cancel(id);
        ctx.json(executions.get(id).orElseThrow());
    }
}
