package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.store.Branch;
import org.deepforge.store.CommitInfo;
import org.deepforge.store.ModelDiff;
import org.deepforge.store.Notebook;
import org.deepforge.store.history.ChangeDescriber;
import org.deepforge.store.history.CodeDiff;
import org.deepforge.store.Tag;
import org.deepforge.store.VersionControl;

/** Branches, tags, history, diff, merge and revert. */
public final class HistoryApi {
    private final VersionControl vc;
    private final Notebook notebook;

    public HistoryApi(VersionControl vc, Notebook notebook) {
        this.vc = vc;
        this.notebook = notebook;
    }

    public void branches(Context ctx) throws Exception {
        ctx.json(vc.branches(ctx.pathParam("project")));
    }

    public void createBranch(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        Branch b = vc.createBranch(ctx.pathParam("project"), Bodies.requiredText(body, "name"),
                Bodies.optionalText(body, "from").orElse(""));
        ctx.status(201).json(b);
    }

    public void deleteBranch(Context ctx) throws Exception {
        vc.deleteBranch(ctx.pathParam("project"), ctx.pathParam("branch"));
        ctx.status(204);
    }

    /** A page of tags in name order: users' tags, or with {@code ?kind=run} the one each execution put on its commit. */
    public void tags(Context ctx) throws Exception {
        String kind = Optional.ofNullable(ctx.queryParam("kind")).orElse("user");
        VersionControl.TagKind which = switch (kind) {
            case "user" -> VersionControl.TagKind.USER;
            case "run" -> VersionControl.TagKind.RUN;
            default -> throw new BadRequest("query parameter \"kind\" is user (the default: tags people made) or run (one per execution), not \""
                    + Bodies.clip(kind) + "\"");
        };
        VersionControl.TagPage page = vc.tags(ctx.pathParam("project"), which,
                Optional.ofNullable(ctx.queryParam("cursor")).filter(c -> !c.isEmpty()), Bodies.limitQuery(ctx, "limit", 100, 1000));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("items", Json.MAPPER.valueToTree(page.tags()));
        out.put("next", page.next().orElse(null));
        ctx.json(out);
    }

    public void createTag(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        Tag t = vc.createTag(ctx.pathParam("project"), Bodies.requiredText(body, "name"),
                Bodies.optionalText(body, "ref").orElse(""));
        ctx.status(201).json(t);
    }

    public void deleteTag(Context ctx) throws Exception {
        vc.deleteTag(ctx.pathParam("project"), ctx.pathParam("tag"));
        ctx.status(204);
    }

    public void commits(Context ctx) throws Exception {
        VersionControl.Page page = vc.history(ctx.pathParam("project"),
                Optional.ofNullable(ctx.queryParam("ref")).orElse(""), Bodies.limitQuery(ctx, "limit", 50, 500),
                Optional.ofNullable(ctx.queryParam("after")).filter(s -> !s.isEmpty()));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("commits");
        for (CommitInfo c : page.commits()) {
            commit(list.addObject(), c);
        }
        if (page.next().isPresent()) {
            out.put("next", page.next().get());
        } else {
            out.putNull("next");
        }
        ctx.json(out);
    }

    private static void commit(ObjectNode o, CommitInfo c) {
        o.put("id", c.id());
        ArrayNode parents = o.putArray("parents");
        c.parents().forEach(parents::add);
        o.putObject("author").put("name", c.authorName()).put("email", c.authorEmail());
        o.put("time", c.time().toString());
        o.put("message", c.message());
        ArrayNode paths = o.putArray("paths");
        c.paths().forEach(paths::add);
    }

    /** The history as notebook entries: a person's consecutive edits grouped, checkpoints titling their work. */
    public void history(Context ctx) throws Exception {
        Notebook.Page page = notebook.entries(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("ref")).orElse(""),
                Bodies.limitQuery(ctx, "limit", 30, 200), Optional.ofNullable(ctx.queryParam("after")).filter(s -> !s.isEmpty()));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("entries");
        for (Notebook.Entry e : page.entries()) {
            ObjectNode o = list.addObject();
            o.put("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            o.put("title", e.title());
            ArrayNode changes = o.putArray("changes");
            e.changes().forEach(changes::add);
            o.put("moreChanges", e.moreChanges());
            o.putObject("author").put("name", e.authorName()).put("email", e.authorEmail());
            o.put("start", e.start().toString());
            o.put("end", e.end().toString());
            if (e.from().isPresent()) {
                o.put("from", e.from().get());
            } else {
                o.putNull("from");
            }
            o.put("to", e.to());
            ArrayNode commits = o.putArray("commits");
            e.commits().forEach(c -> commit(commits.addObject(), c));
        }
        if (page.next().isPresent()) {
            out.put("next", page.next().get());
        } else {
            out.putNull("next");
        }
        ctx.json(out);
    }

    /** Writes a checkpoint: the user's own message for the work so far on the branch (an empty commit). */
    public void checkpoint(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        var r = notebook.checkpoint(ctx.pathParam("project"), ctx.pathParam("branch"), Requests.author(ctx),
                Bodies.optionalText(body, "message").orElse(""));
        ctx.status(201).json(Json.MAPPER.createObjectNode().put("commit", r.commit()));
    }

    public void diff(Context ctx) throws Exception {
        String from = Optional.ofNullable(ctx.queryParam("from")).orElse("");
        String to = Optional.ofNullable(ctx.queryParam("to")).orElse("");
        if (from.isEmpty() || to.isEmpty()) {
            throw new org.deepforge.server.http.BadRequest("give both ?from= and ?to= (a branch, tag or commit each)");
        }
        ModelDiff d = vc.diff(ctx.pathParam("project"), from, to);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("from", d.from());
        out.put("to", d.to());
        ArrayNode entities = out.putArray("entities");
        d.entities().forEach(e -> entities.addObject().put("kind", e.kind()).put("id", e.id()).put("status", e.status()).put("name", e.name()));
        ArrayNode changes = out.putArray("changes");
        for (ModelDiff.FieldChange c : d.changes()) {
            ObjectNode o = changes.addObject().put("op", c.op()).put("path", c.path());
            if (!c.from().isMissingNode()) {
                o.set("from", c.from());
            }
            if (!c.to().isMissingNode()) {
                o.set("to", c.to());
            }
        }
        ArrayNode named = out.putArray("named");
        for (ChangeDescriber.Change c : d.named()) {
            ObjectNode o = named.addObject().put("kind", c.kind()).put("path", c.path()).put("label", c.label()).put("text", c.text());
            if (!c.from().isMissingNode()) {
                o.set("from", c.from());
            }
            if (!c.to().isMissingNode()) {
                o.set("to", c.to());
            }
        }
        ArrayNode code = out.putArray("code");
        for (ModelDiff.Code c : d.code()) {
            ObjectNode o = code.addObject().put("path", c.path()).put("label", c.label()).put("status", c.status());
            new CodeDiff.Result(c.hunks(), c.added(), c.removed()).toJson(o);
        }
        ctx.json(out);
    }

    public void merge(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        java.util.List<VersionControl.Resolution> resolutions = new java.util.ArrayList<>();
        JsonNode given = body.path("resolutions");
        if (!given.isMissingNode() && !given.isArray()) {
            throw new org.deepforge.server.http.BadRequest("\"resolutions\" is a list of {\"path\", \"take\": \"ours\" | \"theirs\"} or {\"path\", \"value\"}");
        }
        for (JsonNode r : given) {
            if (!r.path("path").isTextual() || !(r.has("value") || r.path("take").isTextual())) {
                throw new org.deepforge.server.http.BadRequest("each resolution names the conflict's \"path\" and either \"take\": \"ours\" | \"theirs\" or a \"value\"");
            }
            resolutions.add(new VersionControl.Resolution(r.path("path").asText(),
                    r.path("take").isTextual() ? Optional.of(r.path("take").asText()) : Optional.empty(),
                    r.has("value") ? Optional.of(r.get("value")) : Optional.empty()));
        }
        VersionControl.Outcome o = vc.merge(ctx.pathParam("project"), Bodies.requiredText(body, "from"),
                Bodies.requiredText(body, "into"), Requests.author(ctx), Bodies.optionalText(body, "message").orElse(""), resolutions);
        ctx.json(Json.MAPPER.createObjectNode().put("commit", o.commit()).put("upToDate", o.upToDate()));
    }

    public void revert(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        VersionControl.Outcome o = vc.revert(ctx.pathParam("project"), Bodies.requiredText(body, "commit"),
                Bodies.requiredText(body, "branch"), Requests.author(ctx));
        ctx.json(Json.MAPPER.createObjectNode().put("commit", o.commit()).put("upToDate", o.upToDate()));
    }
}
