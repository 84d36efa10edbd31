package org.deepforge.server.api;

import io.javalin.http.Context;
import org.deepforge.model.Json;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Principal;

/** Who the caller is and how the server runs. */
public final class SessionApi {
    private final Authz authz;

    public SessionApi(Authz authz) {
        this.authz = authz;
    }

    public void me(Context ctx) {
        Principal p = Requests.principal(ctx);
        ctx.json(Json.MAPPER.createObjectNode().put("id", p.id()).put("name", p.name()).put("email", p.email())
                .put("mode", authz.localMode() ? "local" : "accounts"));
    }
}
