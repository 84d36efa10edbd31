package org.deepforge.server.auth;

/** An account as the admin and the user see it (never with its password hash). */
public record User(String id, String name, String email, String created, boolean disabled, boolean admin) {
    public Principal principal() {
        return new Principal(id, name, email);
    }
}
