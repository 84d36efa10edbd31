package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deepforge.model.Json;
import org.deepforge.server.auth.Access;

/**
 * The OpenAPI 3.1 document of the route table: methods, paths and access come from {@link Routes}, summaries and
 * schemas from the entries in {@code openapi/routes.yaml} (one per "METHOD path"; the file's header says their form).
 */
public final class OpenApi {
    static final String ENTRIES = "/openapi/routes.yaml";
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");
    private static final Map<Access, String> ACCESS = Map.of(
            Access.PUBLIC, "Public: no credentials needed.",
            Access.USER, "Needs a signed-in caller.",
            Access.ADMIN, "Needs an administrator.",
            Access.PROJECT_READ, "Needs the reader role on the project.",
            Access.PROJECT_WRITE, "Needs the writer role on the project.",
            Access.PROJECT_OWNER, "Needs the owner role on the project.");

    private final JsonNode entries;
    private final Supplier<List<Route>> routes;
    private volatile ObjectNode document;

    /** {@code routes}: the table this document describes (asked for on first use, as the table serves the document too). */
    public OpenApi(Supplier<List<Route>> routes) {
        this.entries = read();
        this.routes = routes;
    }

    /** Serves the document. */
    public void serve(Context ctx) {
        ctx.json(document());
    }

    /** The document (built once). */
    public ObjectNode document() {
        ObjectNode d = document;
        if (d == null) {
            d = build(routes.get());
            document = d;
        }
        return d.deepCopy();
    }

    /**
     * What is wrong between the table and the entries: a route without an entry, an entry without a route, an entry
     * without a summary or a success response, a path parameter without a description. Empty when they agree.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> byKey = byKey();
        Set<String> keys = new LinkedHashSet<>();
        for (Route r : routes.get()) {
            String key = key(r);
            keys.add(key);
            JsonNode e = byKey.get(key);
            if (e == null) {
                problems.add(key + " has no entry in " + ENTRIES + " (add its summary and response schemas there)");
                continue;
            }
            if (e.path("summary").asText("").isBlank()) {
                problems.add(key + " has no summary in " + ENTRIES);
            }
            boolean success = false;
            for (var it = e.path("responses").fieldNames(); it.hasNext(); ) {
                success |= it.next().startsWith("2");
            }
            if (!success) {
                problems.add(key + " has no 2xx response in " + ENTRIES);
            }
            Matcher m = PATH_PARAM.matcher(r.path());
            while (m.find()) {
                if (!entries.path("parameters").has(m.group(1))) {
                    problems.add(key + ": path parameter {" + m.group(1) + "} has no description under parameters in " + ENTRIES);
                }
            }
        }
        for (String key : byKey.keySet()) {
            if (!keys.contains(key)) {
                problems.add(ENTRIES + " has an entry for " + key + ", which is not in Routes.java (remove it or fix its key)");
            }
        }
        return problems;
    }

    /** "GET /api/v1/health": how a route is named in the entries file. */
    public static String key(Route r) {
        return r.method().name().toUpperCase(Locale.ROOT) + " " + r.path();
    }

    private Map<String, JsonNode> byKey() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode tag : entries.path("tags")) {
            tag.path("routes").fields().forEachRemaining(e -> out.put(e.getKey(), tag(e.getValue(), tag.path("name").asText())));
        }
        return out;
    }

    private static JsonNode tag(JsonNode entry, String tag) {
        return ((ObjectNode) entry.deepCopy()).put("x-tag", tag);
    }

    private ObjectNode build(List<Route> table) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("openapi", "3.1.0");
        d.putObject("info").put("title", "DeepForge API").put("version", "1")
                .put("description", "The REST API of a DeepForge server; docs/api.md explains it in prose. Errors are "
                        + "{\"error\": \"what is wrong and what to fix\"} with a 4xx status.");
        d.putArray("servers").addObject().put("url", "/").put("description", "this server");
        ObjectNode components = d.putObject("components");
        components.set("schemas", refs(entries.path("schemas").deepCopy()));
        ObjectNode schemes = components.putObject("securitySchemes");
        schemes.putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "an API token (dft_…) from POST /api/v1/me/tokens");
        schemes.putObject("session").put("type", "apiKey").put("in", "cookie").put("name", "deepforge_session")
                .put("description", "the browser's session from POST /api/v1/auth/login; state-changing requests also send X-CSRF-Token");
        d.putArray("security").add(security("bearer")).add(security("session"));
        ArrayNode tags = d.putArray("tags");
        for (JsonNode tag : entries.path("tags")) {
            tags.addObject().put("name", tag.path("name").asText());
        }
        Map<String, JsonNode> byKey = byKey();
        ObjectNode paths = d.putObject("paths");
        for (Route r : table) {
            JsonNode e = byKey.get(key(r));
            ObjectNode path = paths.has(r.path()) ? (ObjectNode) paths.get(r.path()) : paths.putObject(r.path());
            path.set(r.method().name().toLowerCase(Locale.ROOT), operation(r, e == null ? Json.MAPPER.createObjectNode() : e));
        }
        return d;
    }

    private static ObjectNode security(String scheme) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putArray(scheme);
        return o;
    }

    private ObjectNode operation(Route r, JsonNode e) {
        ObjectNode op = Json.MAPPER.createObjectNode();
        if (e.has("x-tag")) {
            op.putArray("tags").add(e.get("x-tag").asText());
        }
        op.put("summary", e.path("summary").asText(""));
        String description = e.path("description").asText("");
        op.put("description", (description.isEmpty() ? "" : description + "\n\n") + ACCESS.get(r.access()));
        op.put("operationId", operationId(r));
        op.put("x-access", r.access().name());
        if (r.access() == Access.PUBLIC) {
            op.putArray("security");
        }
        ArrayNode params = Json.MAPPER.createArrayNode();
        Matcher m = PATH_PARAM.matcher(r.path());
        while (m.find()) {
            params.addObject().put("name", m.group(1)).put("in", "path").put("required", true)
                    .put("description", entries.path("parameters").path(m.group(1)).asText(""))
                    .putObject("schema").put("type", "string");
        }
        e.path("query").fields().forEachRemaining(q -> {
            ObjectNode schema = (ObjectNode) refs(q.getValue().deepCopy());
            ObjectNode p = params.addObject().put("name", q.getKey()).put("in", "query").put("required", false);
            if (schema.has("description")) {
                p.set("description", schema.remove("description"));
            }
            p.set("schema", schema);
        });
        if (!params.isEmpty()) {
            op.set("parameters", params);
        }
        if (e.has("body") || e.has("upload")) {
            ObjectNode body = op.putObject("requestBody").put("required", !e.path("bodyOptional").asBoolean(false));
            if (e.has("upload")) {
                body.putObject("content").putObject(e.get("upload").asText()).putObject("schema").put("type", "string")
                        .put("contentMediaType", e.get("upload").asText());
            } else {
                body.putObject("content").putObject("application/json").set("schema", refs(e.get("body").deepCopy()));
            }
        }
        ObjectNode responses = op.putObject("responses");
        e.path("responses").fields().forEachRemaining(s -> responses.set(s.getKey(), response(s.getKey(), s.getValue())));
        ObjectNode error = Json.MAPPER.createObjectNode();
        error.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/Error");
        responses.set("4XX", error.deepCopy().put("description", "the request is refused; error says what to fix"));
        responses.set("5XX", error.deepCopy().put("description", "an unexpected failure; id names it in the server log"));
        return op;
    }

    private ObjectNode response(String status, JsonNode spec) {
        ObjectNode r = Json.MAPPER.createObjectNode().put("description", status.startsWith("2") ? "success" : "refused");
        if (spec.isNull()) {
            return r;
        }
        if (spec.has("media")) {
            ObjectNode content = r.putObject("content");
            JsonNode media = spec.get("media");
            for (JsonNode type : media.isArray() ? media : Json.MAPPER.createArrayNode().add(media)) {
                content.putObject(type.asText()).putObject("schema").put("type", "string").put("contentMediaType", type.asText());
            }
        } else {
            r.putObject("content").putObject("application/json").set("schema", refs(spec.deepCopy()));
        }
        return r;
    }

    /** The method and the path's words, parameters as By…: {@code getProjectsByProjectArtifacts}. */
    private static String operationId(Route r) {
        StringBuilder id = new StringBuilder(r.method().name().toLowerCase(Locale.ROOT));
        for (String part : r.path().replaceFirst("^/api/v1/", "").split("[/.-]")) {
            String word = part.startsWith("{") ? "By" + capital(part.substring(1, part.length() - 1)) : capital(part);
            id.append(word);
        }
        return id.toString();
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Expands the file's short "$ref: Name" into "#/components/schemas/Name", everywhere in {@code schema}. */
    private static JsonNode refs(JsonNode schema) {
        if (schema.isObject()) {
            ObjectNode o = (ObjectNode) schema;
            JsonNode ref = o.get("$ref");
            if (ref != null && ref.isTextual() && !ref.asText().startsWith("#")) {
                o.put("$ref", "#/components/schemas/" + ref.asText());
            }
            o.fields().forEachRemaining(f -> refs(f.getValue()));
        } else if (schema.isArray()) {
            schema.forEach(OpenApi::refs);
        }
        return schema;
    }

    private static JsonNode read() {
        try (InputStream in = OpenApi.class.getResourceAsStream(ENTRIES)) {
            if (in == null) {
                throw new IllegalStateException(ENTRIES + " is not on the classpath");
            }
            return new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ENTRIES, e);
        }
    }
}
