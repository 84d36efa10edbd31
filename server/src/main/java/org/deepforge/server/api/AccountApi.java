package org.deepforge.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.server.auth.Audit;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Caller;
import org.deepforge.server.auth.LoginLimiter;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.auth.Sessions;
import org.deepforge.server.auth.TokenScope;
import org.deepforge.server.auth.Tokens;
import org.deepforge.server.auth.User;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;

/** Signing up, in and out, one's own password and personal API tokens. */
public final class AccountApi {
    private final Authz authz;
    private final Audit audit;
    private final LoginLimiter limiter;
    private final boolean signup;

    public AccountApi(Authz authz, Audit audit, LoginLimiter limiter, boolean signup) {
        this.authz = authz;
        this.audit = audit;
        this.limiter = limiter;
        this.signup = signup;
    }

    /** What the sign-in page needs to know before anyone is signed in. */
    public void options(Context ctx) {
        ctx.json(Json.MAPPER.createObjectNode().put("mode", authz.localMode() ? "local" : "accounts")
                .put("signup", signup && !authz.localMode()));
    }

    public void me(Context ctx) throws Exception {
        Caller c = Requests.caller(ctx);
        Principal p = c.principal();
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", p.id()).put("name", p.name()).put("email", p.email())
                .put("mode", authz.localMode() ? "local" : "accounts").put("admin", authz.isAdmin(p))
                .put("via", c.via().name().toLowerCase(java.util.Locale.ROOT));
        c.csrf().ifPresent(t -> o.put("csrf", t));
        c.scope().ifPresent(s -> o.put("scope", s.id()));
        ctx.json(o);
    }

    private void requireAccounts() {
        if (authz.localMode()) {
            throw new BadRequest("this server runs in local mode (one local user, no sign-in); start it with --accounts to use accounts");
        }
    }

    public void signup(Context ctx) throws Exception {
        requireAccounts();
        if (!signup) {
            throw new BadRequest(403, "sign-up is disabled on this server; ask an administrator for an account");
        }
        ObjectNode body = Bodies.object(ctx);
        String name = Bodies.requiredText(body, "name").strip();
        String password = Bodies.requiredText(body, "password");
        User user;
        try {
            user = authz.accounts().create(name, Bodies.optionalText(body, "email").orElse(""), password, false);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        audit.record(user.name(), "signup", user.name(), "", ctx.ip());
        startSession(ctx, user, 201);
    }

    public void login(Context ctx) throws Exception {
        requireAccounts();
        ObjectNode body = Bodies.object(ctx);
        String name = Bodies.requiredText(body, "name").strip();
        String password = Bodies.requiredText(body, "password");
        String address = ctx.ip();
        Optional<Duration> wait = limiter.blocked(name, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
            audit.record(name, "login.blocked", name, "rate limited", address);
            throw new BadRequest(429, "too many failed sign-ins; try again in " + seconds + " seconds");
        }
        Optional<User> user = authz.accounts().verify(name, password);
        if (user.isEmpty()) {
            limiter.failed(name, address);
            audit.record(name, "login.failed", name, "", address);
            throw new BadRequest(401, "wrong user name or password (or the account is disabled)");
        }
        limiter.succeeded(name, address);
        audit.record(user.get().name(), "login", user.get().name(), "", address);
        startSession(ctx, user.get(), 200);
    }

    /** A new session id on every sign-in, and the one the browser presented (if any) ends: no fixation. */
    private void startSession(Context ctx, User user, int status) throws Exception {
        Optional<String> old = Authz.cookie(ctx.header("Cookie"), Sessions.COOKIE);
        if (old.isPresent()) {
            authz.sessions().delete(old.get());
        }
        String id = authz.sessions().create(user.id(), ctx.ip());
        setCookie(ctx, id, (int) Duration.ofDays(7).toSeconds());
        Caller caller = new Caller(user.principal(), Caller.Via.SESSION, Optional.of(id), Optional.empty(), Optional.empty());
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", user.id()).put("name", user.name()).put("email", user.email())
                .put("mode", "accounts").put("admin", user.admin()).put("via", "session");
        o.put("csrf", caller.csrf().orElseThrow());
        ctx.status(status).json(o);
    }

    private static void setCookie(Context ctx, String value, int maxAge) {
        boolean secure = "https".equalsIgnoreCase(ctx.scheme());
        ctx.header("Set-Cookie", Sessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : ""));
    }

    public void logout(Context ctx) throws Exception {
        Caller c = Requests.caller(ctx);
        if (c.session().isPresent()) {
            authz.sessions().delete(c.session().get());
            audit.record(c.principal().name(), "logout", c.principal().name(), "", ctx.ip());
        }
        setCookie(ctx, "", 0);
        authz.changed();
        ctx.status(204);
    }

    public void changePassword(Context ctx) throws Exception {
        requireAccounts();
        Caller c = Requests.caller(ctx);
        ObjectNode body = Bodies.object(ctx);
        String old = Bodies.requiredText(body, "old");
        String password = Bodies.requiredText(body, "password");
        Optional<User> user = authz.accounts().verify(c.principal().name(), old);
        if (user.isEmpty() || !user.get().id().equals(c.principal().id())) {
            audit.record(c.principal().name(), "password.failed", c.principal().name(), "wrong old password", ctx.ip());
            throw new BadRequest(403, "the old password is not right");
        }
        try {
            authz.accounts().setPassword(user.get().id(), password);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        // every other session of the user ends; the caller's own browser gets a fresh one
        authz.sessions().deleteAll(user.get().id());
        audit.record(c.principal().name(), "password.changed", c.principal().name(), "", ctx.ip());
        authz.changed();
        if (c.via() == Caller.Via.SESSION) {
            startSession(ctx, user.get(), 200);
        } else {
            ctx.status(204);
        }
    }

    public void tokens(Context ctx) throws Exception {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Tokens.Token t : authz.tokens().list(Requests.principal(ctx).id())) {
            out.add(json(t));
        }
        ctx.json(out);
    }

    public void createToken(Context ctx) throws Exception {
        requireAccounts();
        Principal me = Requests.principal(ctx);
        ObjectNode body = Bodies.object(ctx);
        String name = Bodies.requiredText(body, "name").strip();
        if (name.isEmpty() || name.length() > 100) {
            throw new BadRequest("\"name\" must have 1 to 100 characters");
        }
        org.deepforge.model.Names.problem(name).ifPresent(problem -> {
            throw new BadRequest("the token name " + problem);
        });
        TokenScope scope;
        String s = Bodies.optionalText(body, "scope").orElse("read");
        try {
            scope = TokenScope.parse(s);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("\"scope\" must be \"read\" or \"write\", not \"" + s + "\"");
        }
        Optional<Instant> expires = Optional.empty();
        if (body.hasNonNull("expiresInDays")) {
            if (!body.get("expiresInDays").canConvertToInt() || body.get("expiresInDays").asInt() < 1
                    || body.get("expiresInDays").asInt() > 3650) {
                throw new BadRequest("\"expiresInDays\" must be a whole number from 1 to 3650");
            }
            expires = Optional.of(Instant.now().plus(Duration.ofDays(body.get("expiresInDays").asInt())));
        } else if (body.hasNonNull("expires")) {
            try {
                expires = Optional.of(Instant.parse(Bodies.requiredText(body, "expires")));
            } catch (DateTimeParseException e) {
                throw new BadRequest("\"expires\" must be an ISO-8601 instant such as 2030-01-31T00:00:00Z");
            }
            if (!expires.get().isAfter(Instant.now())) {
                throw new BadRequest("\"expires\" must be in the future");
            }
        }
        Caller c = Requests.caller(ctx);
        if (c.scope().isPresent() && c.scope().get() == TokenScope.READ && scope == TokenScope.WRITE) {
            throw new BadRequest(403, "a read-only token cannot create a write token");
        }
        Tokens.Created created = authz.tokens().create(me.id(), name, scope, expires);
        audit.record(me.name(), "token.created", created.token().id(), name + " (" + scope.id() + ")", ctx.ip());
        ObjectNode o = json(created.token());
        o.put("token", created.secret());
        ctx.status(201).json(o);
    }

    public void revokeToken(Context ctx) throws Exception {
        Principal me = Requests.principal(ctx);
        String id = ctx.pathParam("token");
        if (!authz.tokens().revoke(me.id(), id)) {
            throw new BadRequest(404, "you have no live token \"" + id + "\"");
        }
        audit.record(me.name(), "token.revoked", id, "", ctx.ip());
        authz.changed();
        ctx.status(204);
    }

    static ObjectNode json(Tokens.Token t) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", t.id()).put("name", t.name()).put("scope", t.scope().id())
                .put("created", t.created());
        o.put("expires", t.expires().orElse(null));
        o.put("lastUsed", t.lastUsed().orElse(null));
        o.put("revoked", t.revoked().orElse(null));
        return o;
    }
}
