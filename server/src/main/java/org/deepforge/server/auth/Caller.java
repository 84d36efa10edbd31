package org.deepforge.server.auth;

import java.util.Optional;

/**
 * Who a request comes from and how it proved it: the local user (local mode), a browser session
 * (cookie; state-changing requests also need the session's CSRF token) or a personal API token.
 */
public record Caller(Principal principal, Via via, Optional<String> session, Optional<TokenScope> scope,
                     Optional<String> tokenId) {
    public enum Via { LOCAL, SESSION, TOKEN }

    public static Caller local(Principal p) {
        return new Caller(p, Via.LOCAL, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The CSRF token of a cookie session: derived from the session id, so it is never stored. */
    public Optional<String> csrf() {
        return session.map(s -> Secrets.sha256("csrf:" + s));
    }
}
