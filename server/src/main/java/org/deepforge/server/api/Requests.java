package org.deepforge.server.api;

import io.javalin.http.Context;
import org.deepforge.server.auth.Principal;
import org.deepforge.store.Author;

/** What the authorisation filter attached to a request. */
public final class Requests {
    public static final String PRINCIPAL = "deepforge.principal";
    public static final String CALLER = "deepforge.caller";

    private Requests() {}

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("route has no principal: it must not be PUBLIC");
        }
        return p;
    }

    /** How the caller signed in (session, token, local); present on every non-public route. */
    public static org.deepforge.server.auth.Caller caller(Context ctx) {
        org.deepforge.server.auth.Caller c = ctx.attribute(CALLER);
        if (c == null) {
            throw new IllegalStateException("route has no caller: it must not be PUBLIC");
        }
        return c;
    }

    public static java.util.Optional<org.deepforge.server.auth.Caller> optionalCaller(Context ctx) {
        return java.util.Optional.ofNullable(ctx.attribute(CALLER));
    }

    public static Author author(Context ctx) {
        Principal p = principal(ctx);
        return new Author(p.id(), p.name(), p.email());
    }
}
