package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deepforge.exec.session.Sessions;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;
import org.deepforge.model.PythonNames;
import org.deepforge.nn.TrainingCatalog;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.http.Bodies;
import org.deepforge.server.session.SessionJson;
import org.deepforge.server.session.SessionSaves;
import org.deepforge.server.session.SessionTrainings;
import org.deepforge.server.session.SessionWorkspace;

/**
 * Interactive sessions (docs/sessions.md): start, list, share, stop; cells typed in the console; the explorer, the
 * trainer, loading and saving. Requests are checked here and handed to the session services; the route table
 * authorises every {session} route (its owner, or a writer of its project when shared; everyone else 404).
 */
public final class SessionsApi {
    /** Most bytes of a console cell's code (UTF-8). */
    static final int MAX_CODE = 1 << 20;
    /** Most bytes of an explorer expression (UTF-8). */
    static final int MAX_EXPRESSION = 10 * 1024;
    /** Most characters of a column name the explorer scatters. */
    static final int MAX_COLUMN = 200;
    private static final Set<String> PLOTS = Set.of("auto", "line", "image", "scatter");

    private final Sessions sessions;
    private final SessionWorkspace workspace;
    private final SessionSaves saves;
    private final SessionTrainings trainings;
    private final TrainingCatalog catalog;
    private final Authz authz;

    public SessionsApi(Sessions sessions, SessionWorkspace workspace, SessionSaves saves, SessionTrainings trainings, TrainingCatalog catalog,
                       Authz authz) {
        this.sessions = sessions;
        this.workspace = workspace;
        this.saves = saves;
        this.trainings = trainings;
        this.catalog = catalog;
        this.authz = authz;
    }

    /** POST …/sessions {@code {"compute"?: {"adapter", "config"?}, "branch"?}} → 201 Session; 429 at the caller's limit. */
    public void start(Context ctx) throws Exception {
        ObjectNode body = Bodies.optionalObject(ctx);
        only(body, "compute", "branch");
        JsonNode compute = body.has("compute") ? body.get("compute") : Json.MAPPER.createObjectNode().put("adapter", "local");
        if (!compute.isObject() || !compute.path("adapter").isTextual()) {
            throw new BadRequest("\"compute\" is an object naming a compute adapter, e.g. {\"adapter\": \"local\", \"config\": {}}");
        }
        onlyIn((ObjectNode) compute, "compute.", "adapter", "config");
        JsonNode config = compute.has("config") ? compute.get("config") : Json.MAPPER.createObjectNode();
        if (!config.isObject()) {
            throw new BadRequest("\"compute.config\" is an object with the adapter's options (GET /api/v1/compute/adapters lists them)");
        }
        Sessions.Info info = workspace.start(ctx.pathParam("project"), Requests.principal(ctx).id(), Bodies.optionalText(body, "branch"),
                compute.get("adapter").asText(), config);
        ctx.status(201).json(SessionJson.session(info));
    }

    /** The project's live sessions the caller may use. */
    public void list(Context ctx) throws Exception {
        Principal who = Requests.principal(ctx);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        for (Sessions.Info s : sessions.list(ctx.pathParam("project"))) {
            if (authz.mayUseSession(who, SessionWorkspace.grant(s))) {
                items.add(SessionJson.session(s));
            }
        }
        ctx.json(out);
    }

    public void get(Context ctx) {
        ctx.json(SessionJson.session(workspace.session(id(ctx))));
    }

    /** Stops the session; 204 once its processes are gone. */
    public void stop(Context ctx) {
        sessions.stop(id(ctx));
        ctx.status(204);
    }

    public void interrupt(Context ctx) {
        workspace.live(id(ctx));
        try {
            sessions.interrupt(id(ctx));
        } catch (IllegalStateException e) {
            throw new BadRequest(409, e.getMessage());
        }
        ctx.status(202).json(SessionJson.session(workspace.session(id(ctx))));
    }

    public void restart(Context ctx) {
        workspace.live(id(ctx));
        try {
            sessions.restart(id(ctx));
        } catch (IllegalStateException e) {
            throw new BadRequest(409, e.getMessage());
        }
        ctx.status(202).json(SessionJson.session(workspace.session(id(ctx))));
    }

    /** PUT …/sharing {@code {"shared": true}}: whether the project's writers may use the session too (its owner only). */
    public void sharing(Context ctx) {
        ObjectNode body = Bodies.object(ctx);
        only(body, "shared");
        if (!body.path("shared").isBoolean()) {
            throw new BadRequest("\"shared\" is required: true lets the project's writers use this session, false makes it yours alone");
        }
        Sessions.Info info = workspace.session(id(ctx));
        if (!info.owner().equals(Requests.principal(ctx).id())) {
            throw new BadRequest(403, "only the session's owner (" + info.owner() + ") may change whether it is shared");
        }
        ctx.json(SessionJson.session(sessions.share(id(ctx), body.get("shared").asBoolean())));
    }

    /** POST …/cells {@code {"code": "…"}} → 202 Cell (queued). */
    public void execute(Context ctx) {
        ObjectNode body = Bodies.object(ctx);
        only(body, "code");
        String code = Bodies.requiredText(body, "code");
        int bytes = code.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_CODE) {
            throw new BadRequest(413, "\"code\" is " + bytes + " bytes; a cell may have at most " + MAX_CODE + " (1 MiB): load large data as an artifact");
        }
        ctx.status(202).json(SessionJson.cell(workspace.execute(id(ctx), code, "console")));
    }

    /** GET …/cells?after=&limit= → {@code {"items": [Cell], "next": <index> | null}}. */
    public void cells(Context ctx) {
        int after = Bodies.offsetQuery(ctx, "after");
        int limit = Bodies.limitQuery(ctx, "limit", 100, 1000);
        workspace.session(id(ctx));
        List<Sessions.Cell> page = sessions.cells(id(ctx), after, limit);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        page.forEach(c -> items.add(SessionJson.cell(c)));
        if (page.size() == limit) {
            out.put("next", page.get(page.size() - 1).index());
        } else {
            out.putNull("next");
        }
        ctx.json(out);
    }

    public void cell(Context ctx) {
        Sessions.Cell cell = sessions.cell(id(ctx), ctx.pathParam("cell"))
                .orElseThrow(() -> new BadRequest(404, "session " + id(ctx) + " has no cell \"" + Bodies.clip(ctx.pathParam("cell")) + "\""));
        ctx.json(SessionJson.cell(cell));
    }

    /** POST …/artifacts {@code {"artifact": "<id>", "variable": "x"}} → 202 Cell ({@code df.load}). */
    public void load(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        only(body, "artifact", "variable");
        String artifact = Bodies.requiredText(body, "artifact");
        if (!Ids.isId(artifact)) {
            throw new BadRequest("\"artifact\" is the id of one of the project's artifacts, not \"" + Bodies.clip(artifact) + "\"");
        }
        String variable = variable(body, "variable");
        ctx.status(202).json(SessionJson.cell(workspace.load(id(ctx), Requests.principal(ctx).id(), artifact, variable)));
    }

    /**
     * POST …/explore {@code {"expression": "x[0, :, :, 2]", "plot"?: "auto", "color"?: "<expression>", "columns"?: ["a", "b"]}}
     * → 202 Cell; {@code columns} (of a table) are scattered.
     */
    public void explore(Context ctx) {
        ObjectNode body = Bodies.object(ctx);
        only(body, "expression", "plot", "color", "columns");
        String expression = expression(body, "expression").orElseThrow(() -> new BadRequest("\"expression\" is required, e.g. \"x[0, :, :, 2]\""));
        Optional<String> plot = Bodies.optionalText(body, "plot");
        if (plot.isPresent() && !PLOTS.contains(plot.get())) {
            throw new BadRequest("\"plot\" is one of auto, line, image, scatter, not \"" + Bodies.clip(plot.get()) + "\"");
        }
        Optional<List<String>> columns = columns(body);
        if (columns.isPresent() && plot.isPresent() && !plot.get().equals("scatter")) {
            throw new BadRequest("\"columns\" are scattered: leave \"plot\" out or make it \"scatter\", not \"" + plot.get() + "\"");
        }
        Optional<String> chosen = columns.isPresent() ? Optional.of("scatter") : plot;
        ctx.status(202).json(SessionJson.cell(workspace.explore(id(ctx), expression, chosen, expression(body, "color"), columns)));
    }

    /** POST …/trainings with a trainer configuration (without {@code training}) → 202 {@code {"training", "cell": Cell}}. */
    public void train(Context ctx) throws Exception {
        ObjectNode config = Bodies.object(ctx);
        if (config.has("training")) {
            throw new BadRequest("leave \"training\" out: the server gives each training its id");
        }
        try {
            catalog.validate(config);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        var training = workspace.train(id(ctx), config);
        ObjectNode out = Json.MAPPER.createObjectNode().put("training", training.id());
        out.set("cell", SessionJson.cell(sessions.cell(id(ctx), training.cell()).orElseThrow()));
        ctx.status(202).json(out);
    }

    public void trainings(Context ctx) {
        workspace.session(id(ctx));
        ctx.json(trainings.list(id(ctx)));
    }

    /**
     * POST …/saves {@code {"name", "variable"}} or {@code {"name", "training"}}, {@code "branch"?} → 201
     * {@code {"artifact": {"id", "name", "type", "sha256", "size"}, "commit"}} once the session saved it and it is stored.
     */
    public void save(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        only(body, "name", "variable", "training", "branch");
        String name = Bodies.requiredText(body, "name").strip();
        ArtifactsApi.checkName(name);
        if (body.has("variable") == body.has("training")) {
            throw new BadRequest("say what to save: either \"variable\" (a variable of the session) or \"training\" (a training's id, for its model)");
        }
        Optional<String> variable = body.has("variable") ? Optional.of(variable(body, "variable")) : Optional.empty();
        Optional<String> training = Bodies.optionalText(body, "training");
        if (training.isPresent() && !Ids.isId(training.get())) {
            throw new BadRequest("\"training\" is the id of one of the session's trainings, not \"" + Bodies.clip(training.get()) + "\"");
        }
        SessionSaves.Saved saved = saves.save(id(ctx), name, variable, training, Bodies.optionalText(body, "branch"), Requests.author(ctx));
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.putObject("artifact").put("id", saved.id()).put("name", saved.name()).put("type", saved.type()).put("sha256", saved.sha256())
                .put("size", saved.size());
        out.put("commit", saved.commit());
        ctx.status(201).json(out);
    }

    /** GET /api/v1/catalogs/training: the losses and optimizers the trainer offers. */
    public void trainingCatalog(Context ctx) {
        ctx.json(catalog.toJson());
    }

    private static String id(Context ctx) {
        return ctx.pathParam("session");
    }

    /** A variable name: a Python identifier that is not a keyword. */
    private static String variable(ObjectNode body, String field) {
        String v = Bodies.requiredText(body, field);
        if (!Ids.isIdentifier(v) || PythonNames.isKeyword(v)) {
            throw new BadRequest("\"" + field + "\" must be a Python variable name (letters, digits and _, not starting with a digit, "
                    + "at most 64 characters, not a keyword), not \"" + Bodies.clip(v) + "\"");
        }
        return v;
    }

    /** An optional Python expression of at most {@link #MAX_EXPRESSION} bytes. */
    private static Optional<String> expression(ObjectNode body, String field) {
        Optional<String> e = Bodies.optionalText(body, field);
        if (e.isPresent()) {
            int bytes = e.get().getBytes(StandardCharsets.UTF_8).length;
            if (e.get().isBlank()) {
                throw new BadRequest("\"" + field + "\" is empty; give a Python expression such as \"x[0, :, :, 2]\"");
            }
            if (bytes > MAX_EXPRESSION) {
                throw new BadRequest(413, "\"" + field + "\" is " + bytes + " bytes; an expression may have at most " + MAX_EXPRESSION);
            }
        }
        return e;
    }

    /** Optional: two or three distinct, non-empty column names of a table, at most {@link #MAX_COLUMN} characters each. */
    private static Optional<List<String>> columns(ObjectNode body) {
        if (!body.has("columns")) {
            return Optional.empty();
        }
        JsonNode node = body.get("columns");
        String usage = "\"columns\" is a list of two or three distinct column names of the table (x, y and optionally z), e.g. [\"a\", \"b\"]";
        if (!node.isArray() || node.size() < 2 || node.size() > 3) {
            throw new BadRequest(usage);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isEmpty() || n.asText().codePointCount(0, n.asText().length()) > MAX_COLUMN) {
                throw new BadRequest("\"columns\" holds column names of 1 to " + MAX_COLUMN + " characters, not " + Bodies.clip(Json.compact(n)));
            }
            if (names.contains(n.asText())) {
                throw new BadRequest("\"columns\" names \"" + Bodies.clip(n.asText()) + "\" twice; pick distinct columns");
            }
            names.add(n.asText());
        }
        return Optional.of(List.copyOf(names));
    }

    private static void only(ObjectNode body, String... fields) {
        onlyIn(body, "", fields);
    }

    /** Refuses fields the route does not know (a typo would otherwise be ignored silently). */
    private static void onlyIn(ObjectNode body, String prefix, String... fields) {
        Set<String> known = Set.of(fields);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new BadRequest("unknown field \"" + prefix + Bodies.clip(f) + "\"; this request takes " + String.join(", ", fields));
            }
        }
    }
}
