package org.deepforge.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.store.ChangeResult;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ModelAt;
import org.deepforge.store.ProjectStore;

/** The model view at a ref, and edits to a branch as change sets. */
public final class ModelApi {
    private final ProjectStore store;

    public ModelApi(ProjectStore store) {
        this.store = store;
    }

    public void model(Context ctx) throws Exception {
        String ref = Optional.ofNullable(ctx.queryParam("ref")).orElse("");
        ModelAt at = store.model(ctx.pathParam("project"), ref);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("ref", ref.isEmpty() ? store.get(ctx.pathParam("project")).defaultBranch() : ref);
        out.put("commit", at.commit());
        out.set("model", at.model());
        ctx.json(out);
    }

    public void change(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        if (!body.has("patch")) {
            throw new BadRequest("\"patch\" is required: a JSON array of RFC 6902 operations");
        }
        ChangeSet change = new ChangeSet(Bodies.optionalText(body, "base"),
                Bodies.optionalText(body, "message").orElse(""), body.get("patch"), Requests.author(ctx));
        ChangeResult result = store.apply(ctx.pathParam("project"), ctx.pathParam("branch"), change);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("commit", result.commit());
        out.put("rebased", result.rebased());
        out.put("changed", result.changed());
        ctx.json(out);
    }
}
