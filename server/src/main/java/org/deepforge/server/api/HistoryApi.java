package org.deepforge.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.server.http.Bodies;
import org.deepforge.store.Branch;
import org.deepforge.store.CommitInfo;
import org.deepforge.store.ModelDiff;
import org.deepforge.store.Tag;
import org.deepforge.store.VersionControl;

/** Branches, tags, history, diff, merge and revert. */
public final class HistoryApi {
    private final VersionControl vc;

    public HistoryApi(VersionControl vc) {
        this.vc = vc;
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

    public void tags(Context ctx) throws Exception {
        ctx.json(vc.tags(ctx.pathParam("project")));
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
            ObjectNode o = list.addObject();
            o.put("id", c.id());
            ArrayNode parents = o.putArray("parents");
            c.parents().forEach(parents::add);
            o.putObject("author").put("name", c.authorName()).put("email", c.authorEmail());
            o.put("time", c.time().toString());
            o.put("message", c.message());
            ArrayNode paths = o.putArray("paths");
            c.paths().forEach(paths::add);
        }
        if (page.next().isPresent()) {
            out.put("next", page.next().get());
        } else {
            out.putNull("next");
        }
        ctx.json(out);
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
        d.entities().forEach(e -> entities.addObject().put("kind", e.kind()).put("id", e.id()).put("status", e.status()));
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
        ctx.json(out);
    }

    public void merge(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        VersionControl.Outcome o = vc.merge(ctx.pathParam("project"), Bodies.requiredText(body, "from"),
                Bodies.requiredText(body, "into"), Requests.author(ctx), Bodies.optionalText(body, "message").orElse(""));
        ctx.json(Json.MAPPER.createObjectNode().put("commit", o.commit()).put("upToDate", o.upToDate()));
    }

    public void revert(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        VersionControl.Outcome o = vc.revert(ctx.pathParam("project"), Bodies.requiredText(body, "commit"),
                Bodies.requiredText(body, "branch"), Requests.author(ctx));
        ctx.json(Json.MAPPER.createObjectNode().put("commit", o.commit()).put("upToDate", o.upToDate()));
    }
}
