package org.deepforge.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.TreeMap;
import org.deepforge.model.Json;
import org.deepforge.library.Libraries;
import org.deepforge.library.Library;
import org.deepforge.ops.Operations;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.store.ChangeResult;

/** A project's operations, interface edits, live parsing, pipeline problems and the libraries' built-in operations. */
public final class OperationsApi {
    private final Operations operations;
    private final Libraries libraries;

    public OperationsApi(Operations operations, Libraries libraries) {
        this.operations = operations;
        this.libraries = libraries;
    }

    public void create(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        String name = Bodies.requiredText(body, "name");
        ChangeResult r = operations.create(ctx.pathParam("project"), ctx.pathParam("branch"), name,
                Bodies.optionalText(body, "from"), Requests.author(ctx));
        ctx.status(201).json(Json.MAPPER.createObjectNode().put("commit", r.commit()).put("name", name));
    }

    public void rename(Context ctx) throws Exception {
        String to = Bodies.requiredText(Bodies.object(ctx), "to");
        ChangeResult r = operations.rename(ctx.pathParam("project"), ctx.pathParam("branch"), ctx.pathParam("name"), to, Requests.author(ctx));
        ctx.json(Json.MAPPER.createObjectNode().put("commit", r.commit()).put("name", to));
    }

    public void delete(Context ctx) throws Exception {
        ChangeResult r = operations.delete(ctx.pathParam("project"), ctx.pathParam("branch"), ctx.pathParam("name"), Requests.author(ctx));
        ctx.json(Json.MAPPER.createObjectNode().put("commit", r.commit()));
    }

    public void editInterface(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        if (!body.path("edit").isObject() || !body.path("edit").path("action").isTextual()) {
            throw new BadRequest("\"edit\" is required: an object like {\"action\": \"add_input\", \"name\": \"data\"} (see docs/operations.md)");
        }
        Operations.Edited e = operations.editInterface(ctx.pathParam("project"), ctx.pathParam("branch"), ctx.pathParam("name"),
                Bodies.optionalText(body, "base"), body.get("edit"), Requests.author(ctx));
        ObjectNode out = Json.MAPPER.createObjectNode().put("commit", e.commit()).put("code", e.code());
        out.set("interface", e.iface());
        ctx.json(out);
    }

    public void requirements(Context ctx) throws Exception {
        ctx.json(operations.requirements(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("ref")).orElse(""),
                ctx.pathParam("name")));
    }

    public void parse(Context ctx) {
        ObjectNode body = Bodies.object(ctx);
        ctx.json(operations.parse(Bodies.requiredText(body, "code"), Bodies.optionalText(body, "name").orElse(null)));
    }

    public void problems(Context ctx) throws Exception {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("problems");
        operations.problems(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("ref")).orElse(""), ctx.pathParam("pipeline"))
                .forEach(i -> list.add(i.toJson()));
        ctx.json(out);
    }

    /** The libraries' built-in operations (newest versions): name, library, description, category, requirements. */
    public void catalog(Context ctx) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Library library : libraries.latest()) {
            new TreeMap<>(library.operations()).forEach((name, op) -> {
                ObjectNode o = out.addObject().put("name", name).put("library", library.manifest().id());
                o.put("description", op.path("description").asText(""));
                o.put("category", op.path("category").asText(""));
                o.set("requirements", op.path("requirements"));
            });
        }
        ctx.json(out);
    }
}
