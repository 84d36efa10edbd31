package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.session.Sessions;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.server.artifacts.ArtifactData;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.auth.Role;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.server.library.ProjectLibraries;
import org.deepforge.store.Bundles;
import org.deepforge.store.Project;
import org.deepforge.store.ProjectStore;

/** /projects: create, list, rename, delete, export and import whole projects. */
public final class ProjectsApi {
    /** Largest bundle accepted on import (bytes). */
    static final long MAX_BUNDLE = 1L << 30;

    private final ProjectStore store;
    private final Bundles bundles;
    private final Authz authz;

    private final ProjectLibraries libraries;
    private final ArtifactData data;
    private final Sessions sessions;

    public ProjectsApi(ProjectStore store, Bundles bundles, Authz authz, ProjectLibraries libraries, ArtifactData data, Sessions sessions) {
        this.libraries = libraries;
        this.data = data;
        this.sessions = sessions;
        this.store = store;
        this.bundles = bundles;
        this.authz = authz;
    }

    public void list(Context ctx) throws Exception {
        Principal me = Requests.principal(ctx);
        List<ObjectNode> out = new ArrayList<>();
        for (Project p : store.list()) {
            Optional<Role> role = authz.roleOf(me, p.id());
            if (role.isPresent()) {
                out.add(json(p, role.get()));
            }
        }
        ctx.json(out);
    }

    public void create(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        String name = Bodies.requiredText(body, "name").strip();
        if (name.isEmpty()) {
            throw new BadRequest("\"name\" must not be empty");
        }
        boolean empty = body.path("empty").asBoolean(false);
        Project p = store.create(name, Bodies.optionalText(body, "description").orElse(""), libraries.seed(libraryIds(body), empty),
                Requests.author(ctx));
        authz.accounts().grant(p.id(), Requests.principal(ctx).id(), Role.OWNER);
        ctx.status(201).json(json(p, Role.OWNER));
    }

    /** The body's {@code "libraries"}: ids of installed libraries; PyTorch alone when absent. */
    private static List<String> libraryIds(ObjectNode body) {
        JsonNode ids = body.get("libraries");
        if (ids == null || ids.isNull()) {
            return List.of(ArchitectureKind.DEFAULT);
        }
        if (!ids.isArray() || ids.size() > 100) {
            throw new BadRequest("\"libraries\" is a list of library ids, such as [\"pytorch\", \"sklearn\"] (GET /api/v1/libraries lists them)");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                throw new BadRequest("\"libraries\" holds library ids as strings, not " + org.deepforge.model.Json.compact(id));
            }
            out.add(id.asText());
        }
        return out;
    }

    public void get(Context ctx) throws Exception {
        Project p = store.get(ctx.pathParam("project"));
        ctx.json(json(p, authz.roleOf(Requests.principal(ctx), p.id()).orElseThrow()));
    }

    public void update(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        Optional<String> name = Bodies.optionalText(body, "name");
        if (name.isPresent() && name.get().isBlank()) {
            throw new BadRequest("\"name\" must not be empty");
        }
        Project p = store.update(ctx.pathParam("project"), name, Bodies.optionalText(body, "description"), Requests.author(ctx));
        ctx.json(json(p, authz.roleOf(Requests.principal(ctx), p.id()).orElseThrow()));
    }

    public void delete(Context ctx) throws Exception {
        String id = ctx.pathParam("project");
        sessions.stopProject(id); // nothing may go on working in (or saving into) a project that is gone
        store.delete(id);
        authz.accounts().forgetProject(id);
        authz.changed();
        // its artifacts' data goes with it unless another project still uses it
        data.releaseProject(id, Requests.principal(ctx));
        ctx.status(204);
    }

    public void export(Context ctx) throws Exception {
        Project p = store.get(ctx.pathParam("project"));
        String file = p.name().replaceAll("[^A-Za-z0-9._-]+", "-") + ".bundle";
        ctx.contentType("application/x-git-bundle");
        ctx.header("Content-Disposition", "attachment; filename=\"" + file + "\"");
        bundles.export(p.id(), ctx.outputStream());
    }

    public void importBundle(Context ctx) throws Exception {
        long length = ctx.contentLength();
        if (length > MAX_BUNDLE) {
            throw new BadRequest(413, "the bundle is " + length + " bytes; imports may be at most " + MAX_BUNDLE + " bytes");
        }
        if (length == 0) {
            throw new BadRequest("send the bundle file as the request body (application/octet-stream)");
        }
        Optional<String> name = Optional.ofNullable(ctx.queryParam("name")).filter(n -> !n.isBlank());
        try (InputStream in = new LimitedInputStream(ctx.bodyInputStream(), MAX_BUNDLE)) {
            Project p = bundles.importBundle(in, name, Requests.author(ctx));
            authz.accounts().grant(p.id(), Requests.principal(ctx).id(), Role.OWNER);
            // a bundle's artifact records name keys; the new project may read only data its importer can already read
            data.adopt(p.id(), Requests.principal(ctx));
            ctx.status(201).json(json(p, Role.OWNER));
        }
    }

    static ObjectNode json(Project p, Role role) {
        ObjectNode o = org.deepforge.model.Json.MAPPER.createObjectNode();
        o.put("id", p.id());
        o.put("name", p.name());
        o.put("description", p.description());
        o.put("defaultBranch", p.defaultBranch());
        o.put("created", p.created().toString());
        o.put("role", role.id());
        return o;
    }
}
