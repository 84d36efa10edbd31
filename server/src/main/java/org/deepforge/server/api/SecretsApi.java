package org.deepforge.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.deepforge.model.Json;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.server.secrets.SecretStore;

/** The caller's own adapter credentials: stored and replaced, listed by name, deleted; never read back. */
public final class SecretsApi {
    private final SecretStore secrets;

    public SecretsApi(SecretStore secrets) {
        this.secrets = secrets;
    }

    public void list(Context ctx) throws Exception {
        ctx.json(secrets.list(Requests.principal(ctx).id()));
    }

    /** For the secret form: every kind of credentials the adapters need, with its fields (name, label, hidden or not). */
    public void kinds(Context ctx) {
        ctx.json(secrets.kinds());
    }

    public void put(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        String name = ctx.pathParam("name");
        String kind = Bodies.requiredText(body, "kind");
        try {
            secrets.put(Requests.principal(ctx).id(), name, kind, body);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        ctx.json(Json.MAPPER.createObjectNode().put("name", name).put("kind", kind).put("stored", true));
    }

    public void delete(Context ctx) throws Exception {
        if (!secrets.delete(Requests.principal(ctx).id(), ctx.pathParam("name"))) {
            throw new BadRequest(404, "you have no secret named \"" + ctx.pathParam("name") + "\"");
        }
        ctx.status(204);
    }
}
