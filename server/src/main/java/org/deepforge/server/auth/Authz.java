package org.deepforge.server.auth;

import java.sql.SQLException;
import java.util.Optional;

/**
 * The single authorisation point every HTTP request and WebSocket subscription passes. In local mode
 * (bound to loopback, no accounts) every caller is the one local user, who owns every project.
 * Login and API tokens plug in at {@link #authenticate}.
 */
public final class Authz {
    public static final Principal LOCAL = new Principal("local", "Local user", "local@localhost");

    private final Accounts accounts;
    private final boolean localMode;

    public Authz(Accounts accounts, boolean localMode) throws SQLException {
        this.accounts = accounts;
        this.localMode = localMode;
        if (localMode) {
            accounts.ensureUser(LOCAL);
        }
    }

    public boolean localMode() {
        return localMode;
    }

    /** Who is calling; empty when nobody is signed in. Request headers/cookies come in as a lookup. */
    public Optional<Principal> authenticate(java.util.function.Function<String, String> header) {
        return localMode ? Optional.of(LOCAL) : Optional.empty();
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

    public Optional<Role> roleOf(Principal user, String project) throws SQLException {
        if (localMode && user.id().equals(LOCAL.id())) {
            return Optional.of(Role.OWNER);
        }
        return accounts.role(project, user.id());
    }

    public boolean canRead(Principal user, String project) throws SQLException {
        return roleOf(user, project).isPresent();
    }

    public Accounts accounts() {
        return accounts;
    }
}
