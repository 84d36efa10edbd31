package org.deepforge.server.api;

import io.javalin.http.Context;
import org.deepforge.server.auth.Principal;
import org.deepforge.store.Author;

/** What the authorisation filter attached to a request. */
public final class Requests {
    public static final String PRINCIPAL = "deepforge.principal";

    private Requests() {}

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("route has no principal: it must not be PUBLIC");
        }
        return p;
    }

    public static Author author(Context ctx) {
        Principal p = principal(ctx);
        return new Author(p.id(), p.name(), p.email());
    }
}
