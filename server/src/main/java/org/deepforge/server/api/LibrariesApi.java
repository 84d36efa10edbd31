package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.library.Libraries;
import org.deepforge.library.Library;
import org.deepforge.model.Json;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.server.library.ProjectLibraries;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;

/** Libraries (docs/libraries.md): the server's, their kinds' catalogs, and a project's (add, remove, upgrade). */
public final class LibrariesApi {
    private final ProjectStore store;
    private final ProjectLibraries projects;
    private final Libraries libraries;

    public LibrariesApi(ProjectStore store, ProjectLibraries projects) {
        this.store = store;
        this.projects = projects;
        this.libraries = projects.libraries();
    }

    /** GET /libraries: each library's newest version, with every installed version. */
    public void list(Context ctx) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Library library : libraries.latest()) {
            var m = library.manifest();
            ObjectNode o = out.addObject().put("id", m.id()).put("name", m.name()).put("version", m.version()).put("description", m.description());
            libraries.versions(m.id()).forEach(o.putArray("versions")::add);
            ArrayNode kinds = o.putArray("kinds");
            for (ArchitectureKind kind : library.kinds()) {
                kinds.addObject().put("id", kind.id()).put("name", kind.name()).put("description", kind.description()).set("template", kind.template());
            }
            library.operations().keySet().stream().sorted().forEach(o.putArray("operations")::add);
            library.examples().keySet().stream().sorted().forEach(o.putArray("examples")::add);
            m.requirements().forEach(o.putArray("requirements")::add);
        }
        ctx.json(out);
    }

    /** GET /libraries/{library}/kinds/{kind}/catalog. */
    public void catalog(Context ctx) {
        String id = ctx.pathParam("library");
        Library library = libraries.latest(id).orElseThrow(() -> StoreException.notFound("there is no library \"" + id
                + "\" on this server (" + String.join(", ", libraries.ids()) + ")"));
        String kindId = ctx.pathParam("kind");
        ArchitectureKind kind = library.kinds().stream().filter(k -> k.id().equals(kindId)).findFirst().orElseThrow(() ->
                StoreException.notFound(id + " has no architecture kind \"" + kindId + "\"; its kinds: "
                        + String.join(", ", library.kinds().stream().map(ArchitectureKind::id).toList())));
        ctx.contentType("application/json").result(kind.catalog());
    }

    /** GET /projects/{p}/libraries?branch=. */
    public void ofProject(Context ctx) throws Exception {
        ctx.json(projects.describe(store.model(ctx.pathParam("project"), branch(ctx)).model()));
    }

    /** POST /projects/{p}/libraries?branch= {"id", "version"?}. */
    public void add(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        String id = Bodies.requiredText(body, "id");
        ctx.status(201).json(json(projects.add(ctx.pathParam("project"), branch(ctx), id, version(body), Requests.author(ctx))));
    }

    /** DELETE /projects/{p}/libraries/{library}?branch=. */
    public void remove(Context ctx) throws Exception {
        ctx.json(json(projects.remove(ctx.pathParam("project"), branch(ctx), ctx.pathParam("library"), Requests.author(ctx))));
    }

    /** POST /projects/{p}/libraries/{library}/upgrade?branch= {"version"?}. */
    public void upgrade(Context ctx) throws Exception {
        ObjectNode body = Bodies.optionalObject(ctx);
        ProjectLibraries.Outcome o = projects.upgrade(ctx.pathParam("project"), branch(ctx), ctx.pathParam("library"), version(body),
                Requests.author(ctx));
        ctx.json(Json.MAPPER.createObjectNode().put("commit", o.commit()).put("id", o.id()).put("version", o.version()));
    }

    private static ObjectNode json(ProjectLibraries.Outcome o) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("commit", o.commit()).put("id", o.id()).put("version", o.version());
        o.operations().forEach(out.putArray("operations")::add);
        o.kept().forEach(out.putArray("kept")::add);
        return out;
    }

    private static Optional<String> version(ObjectNode body) {
        JsonNode v = body.get("version");
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BadRequest("\"version\" is a library version such as \"1.0.0\"");
        }
        return Optional.of(v.asText());
    }

    private String branch(Context ctx) throws Exception {
        return Optional.ofNullable(ctx.queryParam("branch")).filter(b -> !b.isBlank()).orElse(store.get(ctx.pathParam("project")).defaultBranch());
    }
}
