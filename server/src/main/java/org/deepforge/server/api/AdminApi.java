package org.deepforge.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.OptionalLong;
import org.deepforge.exec.run.Timestamps;
import org.deepforge.model.Json;
import org.deepforge.server.auth.Audit;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.auth.User;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;

/** /admin: users (create, disable, enable, delete) and the audit log; administrators only. */
public final class AdminApi {
    private final Authz authz;
    private final Audit audit;

    public AdminApi(Authz authz, Audit audit) {
        this.authz = authz;
        this.audit = audit;
    }

    public void users(Context ctx) throws Exception {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (User u : authz.accounts().list()) {
            out.add(json(u));
        }
        ctx.json(out);
    }

    public void create(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        String name = Bodies.requiredText(body, "name").strip();
        String password = Bodies.requiredText(body, "password");
        boolean admin = body.path("admin").asBoolean(false);
        User user;
        try {
            user = authz.accounts().create(name, Bodies.optionalText(body, "email").orElse(""), password, admin);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        audit.record(Requests.principal(ctx).name(), "user.created", user.name(), admin ? "admin" : "", ctx.ip());
        ctx.status(201).json(json(user));
    }

    public void disable(Context ctx) throws Exception {
        setDisabled(ctx, true);
    }

    public void enable(Context ctx) throws Exception {
        setDisabled(ctx, false);
    }

    private void setDisabled(Context ctx, boolean disabled) throws Exception {
        User user = find(ctx);
        Principal me = Requests.principal(ctx);
        if (disabled && user.id().equals(me.id())) {
            throw new BadRequest(409, "you cannot disable yourself; another administrator can");
        }
        authz.accounts().setDisabled(user.id(), disabled);
        if (disabled) {
            authz.sessions().deleteAll(user.id());
        }
        audit.record(me.name(), disabled ? "user.disabled" : "user.enabled", user.name(), "", ctx.ip());
        authz.changed();
        ctx.json(json(authz.accounts().user(user.id()).orElseThrow()));
    }

    public void delete(Context ctx) throws Exception {
        User user = find(ctx);
        Principal me = Requests.principal(ctx);
        if (user.id().equals(me.id())) {
            throw new BadRequest(409, "you cannot delete yourself; another administrator can");
        }
        java.util.List<String> orphans = authz.accounts().soleOwnerOf(user.id());
        if (!orphans.isEmpty()) {
            throw new BadRequest(409, user.name() + " is the only owner of project(s) " + String.join(", ", orphans)
                    + "; make someone else owner (or delete the projects) first, or disable the user instead");
        }
        authz.accounts().delete(user.id());
        audit.record(me.name(), "user.deleted", user.name(), "", ctx.ip());
        authz.changed();
        ctx.status(204);
    }

    /** A page of the audit log, newest first: {@code {"items", "next"}}, filtered by {@code user}, {@code action}, {@code since}. */
    public void audit(Context ctx) throws Exception {
        int limit = Bodies.limitQuery(ctx, "limit", 200, Bodies.MAX_LIMIT);
        OptionalLong before = OptionalLong.empty();
        String cursor = ctx.queryParam("cursor");
        if (cursor != null && !cursor.isBlank()) {
            try {
                before = OptionalLong.of(Long.parseLong(cursor.strip()));
            } catch (NumberFormatException e) {
                throw new BadRequest("query parameter \"cursor\" is not a cursor this server gave out; send back a page's \"next\" unchanged");
            }
        }
        Audit.Filter filter = new Audit.Filter(text(ctx, "user"), text(ctx, "action"), Timestamps.parse("since", ctx.queryParam("since"), false));
        Audit.Page page = audit.list(filter, before, limit);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("items", page.items());
        out.put("next", page.next().isPresent() ? Long.toString(page.next().getAsLong()) : null);
        ctx.json(out);
    }

    private static Optional<String> text(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).map(String::strip).filter(v -> !v.isEmpty()).map(v -> {
            if (v.length() > 200) {
                throw new BadRequest("query parameter \"" + name + "\" is " + v.length() + " characters; at most 200");
            }
            return v;
        });
    }

    private User find(Context ctx) throws Exception {
        String key = ctx.pathParam("user");
        return authz.accounts().byName(key).or(() -> {
            try {
                return authz.accounts().user(key);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }).filter(u -> !u.id().equals(Authz.LOCAL.id()))
                .orElseThrow(() -> new BadRequest(404, "no user \"" + key + "\""));
    }

    static ObjectNode json(User u) {
        return Json.MAPPER.createObjectNode().put("id", u.id()).put("name", u.name()).put("email", u.email())
                .put("created", u.created()).put("disabled", u.disabled()).put("admin", u.admin());
    }
}
