package org.deepforge.server.auth;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The single authorisation point every HTTP request and WebSocket subscription passes. In local mode
 * (bound to loopback, no accounts) every caller is the one local user, who owns every project. In
 * accounts mode callers prove who they are with a session cookie or a personal API token.
 */
public final class Authz {
    public static final Principal LOCAL = new Principal("local", "Local user", "local@localhost");

    private final Accounts accounts;
    private final boolean localMode;
    private final Sessions sessions;
    private final Tokens tokens;

    public Authz(Accounts accounts, boolean localMode) throws SQLException {
        this.accounts = accounts;
        this.localMode = localMode;
        this.sessions = new Sessions(accounts.database());
        this.tokens = new Tokens(accounts.database());
        if (localMode) {
            accounts.ensureUser(LOCAL);
        }
    }

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Runs {@code listener} whenever rights or credentials change (see {@link #changed()}). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Someone's rights or credentials changed: long-lived connections check theirs again. */
    public void changed() {
        listeners.forEach(Runnable::run);
    }

    public boolean localMode() {
        return localMode;
    }

    public Sessions sessions() {
        return sessions;
    }

    public Tokens tokens() {
        return tokens;
    }

    /** Who is calling; empty when nobody is signed in. Request headers/cookies come in as a lookup. */
    public Optional<Principal> authenticate(Function<String, String> header) throws SQLException {
        return identify(header).map(Caller::principal);
    }

    /**
     * Who is calling and how: a bearer token wins over the session cookie. A bearer token that is not
     * valid (unknown, revoked, expired) is a 401, not an anonymous request, so scripts learn at once.
     */
    public Optional<Caller> identify(Function<String, String> header) throws SQLException {
        return identify(header, false);
    }

    /**
     * As {@link #identify(Function)}; with {@code basic}, HTTP Basic credentials are accepted too: the user's
     * name and a personal API token as the password. Only git's paths take them (git sends nothing else),
     * since browsers replay Basic credentials on their own, as they do cookies, but without a CSRF check.
     */
    public Optional<Caller> identify(Function<String, String> header, boolean basic) throws SQLException {
        if (localMode) {
            return Optional.of(Caller.local(LOCAL));
        }
        String authorization = header.apply("Authorization");
        if (authorization != null && !authorization.isBlank()) {
            Optional<Tokens.Verified> v;
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                v = tokens.verify(authorization.substring(7).strip());
            } else if (basic && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                v = basic(authorization.substring(6).strip());
            } else if (basic) {
                throw new AuthException(401, "the Authorization header must be \"Basic\" with your user name and a personal API "
                        + "token as the password, or \"Bearer <token>\"");
            } else {
                throw new AuthException(401, "the Authorization header must be \"Bearer <token>\" with a personal API token");
            }
            if (v.isEmpty()) {
                throw new AuthException(401, "the API token is not valid (unknown, revoked or expired); create a new one on your account page");
            }
            return Optional.of(new Caller(v.get().user().principal(), Caller.Via.TOKEN, Optional.empty(),
                    Optional.of(v.get().token().scope()), Optional.of(v.get().token().id())));
        }
        Optional<String> session = cookie(header.apply("Cookie"), Sessions.COOKIE);
        if (session.isPresent()) {
            Optional<User> user = sessions.user(session.get());
            if (user.isPresent()) {
                return Optional.of(new Caller(user.get().principal(), Caller.Via.SESSION, session, Optional.empty(), Optional.empty()));
            }
        }
        return Optional.empty();
    }

    /**
     * The token of Basic credentials "name:token": the name must be its owner's (so a token pasted under the
     * wrong account fails visibly, not as someone else), compared as sign-in compares names.
     */
    private Optional<Tokens.Verified> basic(String credentials) throws SQLException {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AuthException(401, "the Basic credentials are not valid base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new AuthException(401, "the Basic credentials need a user name and, as the password, a personal API token");
        }
        String name = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        if (!secret.startsWith(Tokens.PREFIX)) {
            throw new AuthException(401, "the password must be a personal API token (" + Tokens.PREFIX
                    + "…, made on your account page), never your account's password");
        }
        Optional<Tokens.Verified> v = tokens.verify(secret);
        if (v.isPresent() && !v.get().user().name().equalsIgnoreCase(name)) {
            throw new AuthException(401, "this API token belongs to another user; give its owner's name as the user name");
        }
        return v;
    }

    /** The value of one cookie in a Cookie request header. */
    public static Optional<String> cookie(String header, String name) {
        if (header == null) {
            return Optional.empty();
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equals(name)) {
                String v = p.substring(eq + 1).strip();
                if (!v.isEmpty()) {
                    return Optional.of(v);
                }
            }
        }
        return Optional.empty();
    }

    /** Checks that {@code who} may do what {@code access} requires on {@code project}; throws otherwise. */
    public void check(Optional<Principal> who, Access access, Optional<String> project) throws SQLException {
        if (access == Access.PUBLIC) {
            return;
        }
        Principal user = who.orElseThrow(() -> new AuthException(401, "sign in first"));
        if (access == Access.USER) {
            return;
        }
        if (access == Access.ADMIN) {
            if (!isAdmin(user)) {
                throw new AuthException(403, "only an administrator may do this");
            }
            return;
        }
        if (access == Access.SESSION) {
            throw new IllegalStateException("sessions are checked with checkSession");
        }
        String id = project.orElseThrow(() -> new IllegalStateException("route needs a {project} parameter"));
        Optional<Role> role = roleOf(user, id);
        if (role.isEmpty()) {
            // the same answer as for a project that does not exist: do not reveal which ids are taken
            throw new AuthException(404, "no project \"" + id + "\"");
        }
        if (!role.get().includes(access.role())) {
            throw new AuthException(403, "you are a " + role.get().id() + " of project " + id + "; this needs "
                    + access.role().id() + " rights, which the project's owner can give you");
        }
    }

    /** An interactive session as authorisation sees it: its project, its owner and whether the owner shares it. */
    public record SessionGrant(String project, String owner, boolean shared) {}

    /**
     * Checks that {@code who} may use the session {@code id} ({@code session}: what it is, empty when there is none): its
     * owner, or a writer of its project when the owner shares it, and either only while a writer of the project (a
     * session runs code and saves artifacts into it). Everyone else gets the 404 of a session that does not exist.
     */
    public void checkSession(Optional<Principal> who, String id, Optional<SessionGrant> session) throws SQLException {
        Principal user = who.orElseThrow(() -> new AuthException(401, "sign in first"));
        if (session.isEmpty() || !mayUseSession(user, session.get())) {
            throw new AuthException(404, "no session \"" + id + "\"");
        }
    }

    public boolean mayUseSession(Principal user, SessionGrant session) throws SQLException {
        boolean writer = roleOf(user, session.project()).map(r -> r.includes(Role.WRITER)).orElse(false);
        return writer && (user.id().equals(session.owner()) || session.shared());
    }

    public boolean isAdmin(Principal user) throws SQLException {
        if (localMode) {
            return user.id().equals(LOCAL.id());
        }
        return accounts.user(user.id()).map(u -> u.admin() && !u.disabled()).orElse(false);
    }

    /** The user's role on the project; a public project gives every signed-in user at least reader rights. */
    public Optional<Role> roleOf(Principal user, String project) throws SQLException {
        if (localMode && user.id().equals(LOCAL.id())) {
            return Optional.of(Role.OWNER);
        }
        Optional<Role> role = accounts.role(project, user.id());
        if (role.isEmpty() && accounts.isPublic(project)) {
            return Optional.of(Role.READER);
        }
        return role;
    }

    public boolean canRead(Principal user, String project) throws SQLException {
        return roleOf(user, project).isPresent();
    }

    public Accounts accounts() {
        return accounts;
    }
}
