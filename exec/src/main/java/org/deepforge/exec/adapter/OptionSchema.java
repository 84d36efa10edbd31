package org.deepforge.exec.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import java.util.ArrayList;
import java.util.List;

/**
 * An adapter's options as JSON Schema (draft 2020-12), checked with networknt's json-schema-validator. A
 * property marked {@code "x-secret-kind": "<kind>"} names one of the user's stored secrets of that kind.
 * Failures read as what to fix: which option, what is wrong with it, and what the option is for.
 */
public final class OptionSchema {
    /** The keyword that marks the option naming a stored secret; the run dialog offers the user's secrets of that kind. */
    public static final String SECRET_KIND = "x-secret-kind";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            Dialect.builder(Dialects.getDraft202012()).keyword(new AnnotationKeyword(SECRET_KIND)).build());

    private final JsonNode json;
    private final Schema schema;

    public OptionSchema(JsonNode json) {
        if (!json.isObject() || !json.path("type").asText().equals("object")) {
            throw new IllegalArgumentException("an adapter's option schema is a JSON Schema of type object, not " + json);
        }
        this.json = json.deepCopy();
        this.schema = REGISTRY.getSchema(this.json);
    }

    public JsonNode json() {
        return json.deepCopy();
    }

    /** The option that names a stored secret of {@code kind}, if the schema has one. */
    public java.util.Optional<String> secretOption(String kind) {
        for (var it = json.path("properties").fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().path(SECRET_KIND).asText("").equals(kind)) {
                return java.util.Optional.of(e.getKey());
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Checks {@code config} against the schema; throws IllegalArgumentException naming each wrong option,
     * e.g. {@code Slurm cluster: "cpus": must have a minimum value of 1 (CPUs for the job …)}, prefixed with {@code what} (the adapter's title).
     */
    public void check(String what, JsonNode config) {
        List<Error> errors = schema.validate(config);
        if (errors.isEmpty()) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Error e : errors) {
            String path = e.getInstanceLocation().toString().replaceFirst("^[$]", "").replaceFirst("^/", "").replace('/', '.');
            if (e.getKeyword().equals("required") && e.getProperty() != null) {
                String field = path.isEmpty() ? e.getProperty() : path + "." + e.getProperty();
                problems.add("\"" + field + "\" is missing" + about(field));
            } else if (e.getKeyword().equals("additionalProperties") && e.getProperty() != null) {
                String field = path.isEmpty() ? e.getProperty() : path + "." + e.getProperty();
                problems.add("\"" + field + "\" is not an option here; remove it" + known(path));
            } else {
                problems.add((path.isEmpty() ? "the options" : "\"" + path + "\"") + ": " + e.getMessage() + about(path));
            }
        }
        throw new IllegalArgumentException(what + ": " + String.join("; ", problems));
    }

    /** What the option at {@code path} is for, from its title and description. */
    private String about(String path) {
        JsonNode field = property(path);
        String title = field.path("title").asText("");
        String description = field.path("description").asText("");
        String text = title.isEmpty() ? description : description.isEmpty() ? title : title + ": " + description;
        return text.isEmpty() ? "" : " (" + text + ")";
    }

    private String known(String path) {
        JsonNode node = path.isEmpty() ? json : property(path);
        List<String> names = new ArrayList<>();
        node.path("properties").fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "" : " (options: " + String.join(", ", names) + ")";
    }

    private JsonNode property(String path) {
        JsonNode node = json;
        for (String part : path.split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            node = part.matches("\\d+") && node.has("items") ? node.path("items") : node.path("properties").path(part);
        }
        return node;
    }
}
