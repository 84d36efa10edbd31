package org.deepforge.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.server.auth.Audit;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.auth.Role;
import org.deepforge.server.auth.User;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;

/** /projects/{project}/members and visibility: owners share a project with users by name. */
public final class MembersApi {
    private final Authz authz;
    private final Audit audit;

    public MembersApi(Authz authz, Audit audit) {
        this.authz = authz;
        this.audit = audit;
    }

    public void list(Context ctx) throws Exception {
        String project = ctx.pathParam("project");
        ObjectNode out = Json.MAPPER.createObjectNode().put("public", authz.accounts().isPublic(project));
        ArrayNode members = out.putArray("members");
        for (Map.Entry<User, Role> e : authz.accounts().members(project).entrySet()) {
            members.addObject().put("user", e.getKey().name()).put("id", e.getKey().id()).put("role", e.getValue().id());
        }
        ctx.json(out);
    }

    public void put(Context ctx) throws Exception {
        String project = ctx.pathParam("project");
        ObjectNode body = Bodies.object(ctx);
        String r = Bodies.requiredText(body, "role");
        Role role;
        try {
            role = Role.parse(r);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("\"role\" must be \"reader\", \"writer\" or \"owner\", not \"" + r + "\"");
        }
        User user = user(ctx);
        Principal me = Requests.principal(ctx);
        if (user.id().equals(me.id()) && role != Role.OWNER) {
            lastOwnerGuard(project, user);
        }
        authz.accounts().grant(project, user.id(), role);
        audit.record(me.name(), "role.granted", project + ":" + user.name(), role.id(), ctx.ip());
        authz.changed();
        list(ctx);
    }

    public void delete(Context ctx) throws Exception {
        String project = ctx.pathParam("project");
        User user = user(ctx);
        lastOwnerGuard(project, user);
        if (!authz.accounts().revoke(project, user.id())) {
            throw new BadRequest(404, user.name() + " is not a member of this project");
        }
        audit.record(Requests.principal(ctx).name(), "role.revoked", project + ":" + user.name(), "", ctx.ip());
        authz.changed();
        ctx.status(204);
    }

    public void visibility(Context ctx) throws Exception {
        String project = ctx.pathParam("project");
        ObjectNode body = Bodies.object(ctx);
        if (!body.path("public").isBoolean()) {
            throw new BadRequest("send {\"public\": true} or {\"public\": false}");
        }
        boolean open = body.get("public").asBoolean();
        authz.accounts().setPublic(project, open);
        audit.record(Requests.principal(ctx).name(), open ? "project.public" : "project.private", project, "", ctx.ip());
        authz.changed();
        list(ctx);
    }

    /** A project keeps at least one owner, so that someone can still share and delete it. */
    private void lastOwnerGuard(String project, User user) throws Exception {
        Map<User, Role> members = authz.accounts().members(project);
        if (members.get(user) == Role.OWNER && members.values().stream().filter(r -> r == Role.OWNER).count() == 1) {
            throw new BadRequest(409, user.name() + " is the project's only owner; make someone else owner first");
        }
    }

    private User user(Context ctx) throws Exception {
        String name = ctx.pathParam("user");
        Optional<User> user = authz.accounts().byName(name);
        if (user.isEmpty() || user.get().id().equals(Authz.LOCAL.id())) {
            throw new BadRequest(404, "no user \"" + name + "\"");
        }
        return user.get();
    }
}
