package org.deepforge.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The schema of the model view, v1: the whole project as one JSON object whose collections are maps
 * keyed by stable ids. See ARCHITECTURE.md; fields beyond these may be added freely.
 */
public final class ModelView {
    public static final String PROJECT = "project";
    public static final String PIPELINES = "pipelines";
    public static final String OPERATIONS = "operations";
    public static final String ARCHITECTURES = "architectures";
    public static final String ARTIFACTS = "artifacts";
    public static final String UTILS = "utils";

    /** The id-keyed collections, in file-layout order. */
    public static final List<String> COLLECTIONS = List.of(PIPELINES, OPERATIONS, ARCHITECTURES, ARTIFACTS, UTILS);

    /** Collections whose keys are Python identifiers (they name classes and modules), not random ids. */
    private static final List<String> NAMED = List.of(OPERATIONS, UTILS);

    /** Largest accepted text of one code field (characters). */
    public static final int MAX_CODE_CHARS = 2_000_000;

    private ModelView() {}

    /** An empty model for a new project. */
    public static ObjectNode empty(String name, String description) {
        ObjectNode model = Json.MAPPER.createObjectNode();
        ObjectNode project = model.putObject(PROJECT);
        project.put("name", name);
        project.put("description", description);
        COLLECTIONS.forEach(model::putObject);
        return model;
    }

    /** Checks the shape of a whole model view; throws with a message naming the first problem. */
    public static void validate(JsonNode model) {
        validate(model, null);
    }

    /**
     * Like {@link #validate(JsonNode)}, but entries identical to those of {@code known} (a model already
     * checked; may be null) are not checked again, so an edit costs in proportion to what it changed.
     */
    public static void validate(JsonNode model, JsonNode known) {
        if (model == null || !model.isObject()) {
            throw new InvalidModelException("", "the model must be a JSON object");
        }
        for (Iterator<String> it = model.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals(PROJECT) && !COLLECTIONS.contains(key)) {
                throw new InvalidModelException("/" + key, "unknown top-level field \"" + key
                        + "\"; the model has project, " + String.join(", ", COLLECTIONS));
            }
        }
        JsonNode project = model.get(PROJECT);
        if (project == null || !project.isObject()) {
            throw new InvalidModelException("/project", "\"project\" must be an object with a name");
        }
        JsonNode name = project.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new InvalidModelException("/project/name", "the project needs a non-empty name");
        }
        validateName(name.asText(), "/project/name");
        validateLibraries(project.get("libraries"));
        for (String collection : COLLECTIONS) {
            JsonNode map = model.get(collection);
            if (map == null) {
                continue;
            }
            if (!map.isObject()) {
                throw new InvalidModelException("/" + collection, "\"" + collection + "\" must be an object keyed by id");
            }
            JsonNode knownMap = known == null ? null : known.get(collection);
            if (map == knownMap) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = map.fields(); fields.hasNext(); ) {
                var entry = fields.next();
                if (knownMap != null && knownMap.get(entry.getKey()) == entry.getValue()) {
                    continue;
                }
                validateEntry(collection, entry.getKey(), entry.getValue());
            }
        }
    }

    /** Checks a human-readable name (project, pipeline, architecture, artifact): length and no invisible characters ({@link Names}). */
    /** {@code project.libraries}: library ids (docs/libraries.md) to versions such as "1.0.0". */
    private static void validateLibraries(JsonNode libraries) {
        if (libraries == null) {
            return;
        }
        if (!libraries.isObject()) {
            throw new InvalidModelException("/project/libraries", "\"libraries\" must be an object of library ids to versions,"
                    + " e.g. {\"pytorch\": \"1.0.0\"}");
        }
        libraries.fields().forEachRemaining(e -> {
            String path = "/project/libraries/" + e.getKey().replace("~", "~0").replace("/", "~1");
            if (!e.getKey().matches("[a-z][a-z0-9-]{0,39}")) {
                throw new InvalidModelException(path, "\"" + e.getKey() + "\" is not a library id (a-z, 0-9 and '-', starting"
                        + " with a letter); add libraries on the project's Libraries page");
            }
            if (!e.getValue().isTextual() || !e.getValue().asText().matches("\\d{1,9}(\\.\\d{1,9}){0,3}")) {
                throw new InvalidModelException(path, "the version of library " + e.getKey() + " must be dotted numbers such as"
                        + " \"1.0.0\", not " + e.getValue());
            }
        });
    }

    public static void validateName(String name, String path) {
        if (name.length() > 200) {
            throw new InvalidModelException(path, "the name is " + name.length() + " characters long; use at most 200");
        }
        Names.problem(name).ifPresent(problem -> {
            throw new InvalidModelException(path, "the name " + problem);
        });
    }

    private static void validateEntry(String collection, String key, JsonNode value) {
        String path = "/" + collection + "/" + key;
        if (NAMED.contains(collection)) {
            if (!Ids.isIdentifier(key) || PythonNames.isKeyword(key)) {
                throw new InvalidModelException(path, "\"" + key + "\" is not a valid name for " + collection
                        + ": use a Python identifier (letters, digits, _; not starting with a digit; not a keyword)");
            }
        } else if (!Ids.isId(key)) {
            throw new InvalidModelException(path, "\"" + key + "\" is not a valid id: use 1-64 of A-Z a-z 0-9 _ -");
        }
        if (!value.isObject()) {
            throw new InvalidModelException(path, "each entry of " + collection + " must be a JSON object");
        }
        if (NAMED.contains(collection)) {
            JsonNode code = value.get("code");
            if (code == null || !code.isTextual()) {
                throw new InvalidModelException(path + "/code", "\"code\" must be a string of Python source");
            }
            if (code.asText().length() > MAX_CODE_CHARS) {
                throw new InvalidModelException(path + "/code", "the code is " + code.asText().length()
                        + " characters; the limit is " + MAX_CODE_CHARS);
            }
        }
        JsonNode name = value.get("name");
        if (name != null) {
            if (!name.isTextual()) {
                throw new InvalidModelException(path + "/name", "\"name\" must be a string");
            }
            validateName(name.asText(), path + "/name");
        }
    }
}
