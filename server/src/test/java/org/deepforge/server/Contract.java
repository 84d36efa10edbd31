package org.deepforge.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.deepforge.model.Json;
import org.deepforge.server.api.OpenApi;

/**
 * The OpenAPI document as the tests' oracle: every answer a test receives must be one the document describes — a
 * status listed for its route (or its 4XX/5XX range) and a body of the listed type that validates against the schema.
 * Answers to requests that match no route are checked only for the error shape.
 */
public final class Contract {
    private static Contract shared;

    private final JsonNode document;
    private final List<Operation> operations = new ArrayList<>();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012());
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    /** Routes ("METHOD template") whose success answer some test has checked. */
    private final Set<String> succeeded = ConcurrentHashMap.newKeySet();

    private record Operation(String method, String template, Pattern pattern, int parameters, JsonNode responses) {}

    Contract(JsonNode document) {
        this.document = document;
        document.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            String template = p.getKey();
            Pattern pattern = Pattern.compile(Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q"));
            int parameters = template.split("\\{", -1).length - 1;
            operations.add(new Operation(m.getKey().toUpperCase(Locale.ROOT), template, pattern, parameters, m.getValue().path("responses")));
        }));
        // a literal segment wins over a parameter (POST /projects/import is not POST /projects/{project})
        operations.sort(Comparator.comparingInt(Operation::parameters));
    }

    /**
     * The document of {@code app}'s route table (the same for every server, so built once). When the tests end,
     * target/openapi-unchecked.txt lists the routes whose success answer no test of this run has checked.
     */
    public static synchronized Contract of(App app) {
        if (shared == null) {
            Contract c = new Contract(new OpenApi(app::routes).document());
            Runtime.getRuntime().addShutdownHook(new Thread(c::writeUnchecked));
            shared = c;
        }
        return shared;
    }

    private void writeUnchecked() {
        List<String> unchecked = operations.stream().map(o -> o.method() + " " + o.template())
                .filter(r -> !succeeded.contains(r)).sorted().toList();
        try {
            Files.write(Path.of("target", "openapi-unchecked.txt"), unchecked);
        } catch (IOException e) {
            System.err.println("cannot write target/openapi-unchecked.txt: " + e);
        }
    }

    /** Throws an AssertionError naming the route, the status and what does not match when the answer is not in the document. */
    public void check(String method, String uri, int status, Optional<String> contentType, String body) {
        String path = uri.replaceFirst("[?#].*", "");
        Optional<Operation> op = operations.stream()
                .filter(o -> o.method().equals(method) && o.pattern().matcher(path).matches()).findFirst();
        if (op.isEmpty()) {
            if (path.startsWith("/api/") && status >= 400 && isJson(contentType)) {
                validate(method + " " + path + " (no route)", status, "#/components/schemas/Error", schemaRef("Error"), body);
            }
            return;
        }
        String route = method + " " + op.get().template();
        if (status < 300) {
            succeeded.add(route);
        }
        JsonNode responses = op.get().responses();
        String key = responses.has(Integer.toString(status)) ? Integer.toString(status) : (status / 100) + "XX";
        JsonNode response = responses.get(key);
        if (response == null) {
            List<String> listed = new ArrayList<>();
            responses.fieldNames().forEachRemaining(listed::add);
            throw new AssertionError(route + " answered " + status + ", which the OpenAPI document does not list for it (listed: "
                    + listed + "); add it to openapi/routes.yaml or fix the server. Body: " + abbreviate(body));
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (!body.isEmpty()) {
                throw new AssertionError(route + " answered " + status + " with a body where the document says none: " + abbreviate(body));
            }
            return;
        }
        List<String> media = new ArrayList<>();
        content.fieldNames().forEachRemaining(media::add);
        if (!media.contains("application/json")) {
            String type = contentType.orElse("no content type").toLowerCase(Locale.ROOT);
            if (media.stream().noneMatch(type::startsWith)) {
                throw new AssertionError(route + " answered " + status + " as " + type + " where the document says "
                        + String.join(" or ", media));
            }
            return;
        }
        if (!isJson(contentType)) {
            throw new AssertionError(route + " answered " + status + " as " + contentType.orElse("no content type")
                    + " where the document says application/json: " + abbreviate(body));
        }
        validate(route, status, op.get().template() + " " + method + " " + key, content.path("application/json").path("schema"), body);
    }

    private void validate(String route, int status, String cacheKey, JsonNode schema, String body) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(route + " answered " + status + " with a body that is not JSON: " + abbreviate(body), e);
        }
        Schema compiled = schemas.computeIfAbsent(cacheKey, k -> registry.getSchema(standalone(schema)));
        List<Error> errors = compiled.validate(json);
        if (!errors.isEmpty()) {
            throw new AssertionError(route + " answered " + status + " with a body that does not match the OpenAPI document: "
                    + errors.stream().map(e -> "at " + e.getInstanceLocation() + ": " + e.getMessage()).toList()
                    + "; fix openapi/routes.yaml or the server. Body: " + abbreviate(body));
        }
    }

    /** The schema with the document's components beside it, so its "#/components/schemas/…" references resolve. */
    private JsonNode standalone(JsonNode schema) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.set("components", document.path("components"));
        s.putArray("allOf").add(schema);
        return s;
    }

    private static JsonNode schemaRef(String name) {
        return Json.MAPPER.createObjectNode().put("$ref", "#/components/schemas/" + name);
    }

    private static boolean isJson(Optional<String> contentType) {
        return contentType.map(t -> t.toLowerCase(Locale.ROOT).startsWith("application/json")).orElse(false);
    }

    private static String abbreviate(String body) {
        return body.length() > 2000 ? body.substring(0, 2000) + "…" : body;
    }
}
