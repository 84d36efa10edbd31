package org.deepforge.server;

import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import org.deepforge.server.api.GitApi;
import org.deepforge.server.api.Route;
import org.deepforge.server.auth.Access;
import org.deepforge.server.auth.Audit;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Caller;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.auth.TokenScope;
import org.deepforge.server.http.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request passes before its handler: security headers, no credentials in URLs, who the
 * caller is, CSRF for cookie sessions, token scopes, and the route's access level through {@link Authz};
 * for the WebSocket, the same before the upgrade.
 */
final class Guard {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private final Authz authz;
    private final Audit audit;
    /** What authorising a session route needs to know of the session named by its {session} parameter. */
    private final java.util.function.Function<String, Optional<Authz.SessionGrant>> sessions;
    /** When each token's use was last written to the audit log (at most every few minutes per token). */
    private final java.util.Map<String, java.time.Instant> tokenUseAudited = new java.util.concurrent.ConcurrentHashMap<>();

    Guard(Authz authz, Audit audit, java.util.function.Function<String, Optional<Authz.SessionGrant>> sessions) {
        this.authz = authz;
        this.audit = audit;
        this.sessions = sessions;
    }

    /** A servlet filter on the WebSocket path: Javalin upgrades even when one of its before-handlers failed. */
    jakarta.servlet.Filter upgradeFilter() {
        return (req, res, chain) -> {
            var request = (jakarta.servlet.http.HttpServletRequest) req;
            var response = (jakarta.servlet.http.HttpServletResponse) res;
            String refusal = refuseUpgrade(request);
            if (refusal != null) {
                response.setStatus(Integer.parseInt(refusal.substring(0, 3)));
                response.setContentType("application/json");
                response.getWriter().write(org.deepforge.model.Json.compact(Errors.body(refusal.substring(4))));
                return;
            }
            chain.doFilter(req, res);
        };
    }

    /** Content-Security-Policy and friends on every response: the UI runs only its own scripts and is never framed. */
    static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        // style-src needs 'unsafe-inline': CodeMirror and React Flow inject <style> elements at run time
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
                + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
        if (ctx.path().startsWith("/api/")) {
            ctx.header("Cache-Control", "no-store");
        }
    }

    /** Why a WebSocket upgrade is refused ("401 message"), or null to let it through. */
    private String refuseUpgrade(jakarta.servlet.http.HttpServletRequest request) {
        if (request.getParameter("token") != null || request.getParameter("access_token") != null) {
            return "400 do not put credentials in the URL; send the header Authorization: Bearer <token>";
        }
        try {
            if (authz.identify(request::getHeader).isEmpty()) {
                return "401 sign in first (session cookie or Authorization: Bearer <token>)";
            }
        } catch (org.deepforge.server.auth.AuthException e) {
            return e.status() + " " + e.getMessage();
        } catch (java.sql.SQLException e) {
            LOG.error("authenticating a WebSocket upgrade", e);
            return "500 internal error";
        }
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        // a browser's WebSocket carries the session cookie whatever page opened it: accept only our own pages
        if (origin != null && request.getHeader("Authorization") == null
                && (host == null || !(origin.equals("http://" + host) || origin.equals("https://" + host)))) {
            return "403 cross-origin WebSocket refused";
        }
        return null;
    }

    /** Secrets in URLs end up in logs, histories and Referer headers: refuse them outright. */
    static void refuseQueryTokens(Context ctx) {
        for (String name : List.of("token", "access_token", "api_key", "session")) {
            if (ctx.queryParam(name) != null) {
                throw new org.deepforge.server.http.BadRequest("do not put credentials in the URL (query parameter \""
                        + name + "\"); send them as the header Authorization: Bearer <token>, and revoke this token: it may "
                        + "now be in logs");
            }
        }
    }

    private static final java.util.Set<String> SAFE_METHODS = java.util.Set.of("GET", "HEAD", "OPTIONS");

    void authorise(Route route, Context ctx) throws Exception {
        boolean git = route.path().startsWith(GitApi.PREFIX);
        try {
            authorise(route, ctx, git);
        } catch (org.deepforge.server.auth.AuthException e) {
            if (git && e.status() == 401) {
                // git sends credentials (from the URL or a credential helper) only once asked for them this way
                ctx.header("WWW-Authenticate", "Basic realm=\"DeepForge\", charset=\"UTF-8\"");
            }
            throw e;
        }
    }

    private void authorise(Route route, Context ctx, boolean git) throws Exception {
        refuseQueryTokens(ctx);
        Optional<Caller> caller = authz.identify(ctx::header, git);
        Optional<Principal> who = caller.map(Caller::principal);
        if (caller.isPresent()) {
            Caller c = caller.get();
            // cookies ride along on cross-site requests; the per-session token in a header cannot
            if (c.via() == Caller.Via.SESSION && !SAFE_METHODS.contains(ctx.method().name())) {
                String sent = ctx.header("X-CSRF-Token");
                if (!org.deepforge.server.auth.Secrets.constantTimeEquals(sent, c.csrf().orElseThrow())) {
                    throw new org.deepforge.server.auth.AuthException(403, "missing or wrong X-CSRF-Token header "
                            + "(state-changing requests with a session cookie need the csrf value from GET /api/v1/me)");
                }
            }
            if (c.scope().isPresent() && c.scope().get() == TokenScope.READ) {
                boolean readOnly = route.access() == Access.PUBLIC || route.access() == Access.PROJECT_READ
                        || ((route.access() == Access.USER || route.access() == Access.SESSION) && SAFE_METHODS.contains(ctx.method().name()));
                if (!readOnly) {
                    throw new org.deepforge.server.auth.AuthException(403, "this API token is read-only; "
                            + "create a write token for " + ctx.method() + " " + route.path());
                }
            }
            if (c.tokenId().isPresent()) {
                java.time.Instant now = java.time.Instant.now();
                java.time.Instant last = tokenUseAudited.get(c.tokenId().get());
                if (last == null || last.isBefore(now.minusSeconds(600))) {
                    tokenUseAudited.put(c.tokenId().get(), now);
                    audit.record(c.principal().name(), "token.used", c.tokenId().get(), ctx.method() + " " + ctx.path(), ctx.ip());
                }
            }
        }
        if (route.access() != Access.PUBLIC && who.isEmpty()) {
            // before any lookup, so that an anonymous caller learns nothing about which ids exist
            throw new org.deepforge.server.auth.AuthException(401, "sign in first");
        }
        if (route.access() == Access.SESSION) {
            String session = ctx.pathParam("session");
            authz.checkSession(who, session, sessions.apply(session));
        } else {
            checkProject(route, ctx, who);
        }
        who.ifPresent(p -> ctx.attribute(org.deepforge.server.api.Requests.PRINCIPAL, p));
        caller.ifPresent(c -> ctx.attribute(org.deepforge.server.api.Requests.CALLER, c));
    }

    private void checkProject(Route route, Context ctx, Optional<Principal> who) throws Exception {
        Optional<String> project = Optional.empty();
        if (route.access().name().startsWith("PROJECT_")) {
            project = route.projectOf().project(ctx);
            if (project.isEmpty()) {
                // worded like the "no project" refusal: a stranger cannot tell a missing id from a forbidden one
                throw new org.deepforge.server.http.BadRequest(404, "nothing found at " + ctx.path());
            }
        }
        try {
            authz.check(who, route.access(), project);
        } catch (org.deepforge.server.auth.AuthException e) {
            if (e.status() == 404 && !route.path().contains("{project}")) {
                // the project came from an execution id: name neither, so a stranger's answer equals a missing id's
                throw new org.deepforge.server.http.BadRequest(404, "nothing found at " + ctx.path());
            }
            throw e;
        }
    }
}
