package org.deepforge.store.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.deepforge.model.Json;
import org.deepforge.model.ModelView;

/**
 * Maps the model view to the files of a project repository and back:
 * {@code project.json}, {@code <collection>/<id>.json}, and code as {@code .py} files beside their
 * metadata for operations and utils. Files outside this layout are left alone by writers.
 */
public final class TreeCodec {
    private static final String CODE = "code";

    private TreeCodec() {}

    /** Whether entries of {@code collection} keep their code in a .py file. */
    public static boolean hasCode(String collection) {
        return collection.equals(ModelView.OPERATIONS) || collection.equals(ModelView.UTILS);
    }

    /** The files of one collection entry; an absent value maps each of its paths to {@code null} (delete). */
    public static Map<String, byte[]> entryFiles(String collection, String key, JsonNode value) {
        Map<String, byte[]> files = new TreeMap<>();
        String stem = collection + "/" + key;
        if (!hasCode(collection)) {
            files.put(stem + ".json", value == null ? null : Json.fileBytes(value));
            return files;
        }
        if (value == null) {
            files.put(stem + ".py", null);
            files.put(stem + ".json", null);
            return files;
        }
        ObjectNode meta = ((ObjectNode) value).deepCopy();
        JsonNode code = meta.remove(CODE);
        files.put(stem + ".py", code == null ? new byte[0] : code.asText().getBytes(StandardCharsets.UTF_8));
        // utils usually have nothing but code: keep their folder free of empty .json files
        boolean emptyMeta = meta.isEmpty() && collection.equals(ModelView.UTILS);
        files.put(stem + ".json", emptyMeta ? null : Json.fileBytes(meta));
        return files;
    }

    /** Every file of a whole model. */
    public static Map<String, byte[]> files(JsonNode model) {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("project.json", Json.fileBytes(model.get(ModelView.PROJECT)));
        for (String collection : ModelView.COLLECTIONS) {
            JsonNode map = model.path(collection);
            map.fields().forEachRemaining(e -> files.putAll(entryFiles(collection, e.getKey(), e.getValue())));
        }
        files.values().removeIf(Objects::isNull);
        return files;
    }

    /**
     * The files that change when the model goes from {@code before} to {@code after}: path → new bytes,
     * or {@code null} for a file to delete. Only entries whose JSON differs are touched.
     */
    public static Map<String, byte[]> changedFiles(JsonNode before, JsonNode after) {
        Map<String, byte[]> changes = new TreeMap<>();
        if (!Objects.equals(before.get(ModelView.PROJECT), after.get(ModelView.PROJECT))) {
            changes.put("project.json", Json.fileBytes(after.get(ModelView.PROJECT)));
        }
        for (String collection : ModelView.COLLECTIONS) {
            JsonNode oldMap = before.path(collection);
            JsonNode newMap = after.path(collection);
            oldMap.fieldNames().forEachRemaining(key -> {
                if (!newMap.has(key)) {
                    changes.putAll(entryFiles(collection, key, null));
                }
            });
            newMap.fields().forEachRemaining(e -> {
                if (!Objects.equals(oldMap.get(e.getKey()), e.getValue())) {
                    changes.putAll(entryFiles(collection, e.getKey(), e.getValue()));
                }
            });
        }
        return changes;
    }

    /** Rebuilds the model view from a repository's files (path → bytes). Unknown files are ignored. */
    public static ObjectNode model(Map<String, byte[]> files) throws IOException {
        ObjectNode model = Json.MAPPER.createObjectNode();
        byte[] project = files.get("project.json");
        model.set(ModelView.PROJECT, project == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(project));
        for (String collection : ModelView.COLLECTIONS) {
            model.putObject(collection);
        }
        for (var file : files.entrySet()) {
            String path = file.getKey();
            int slash = path.indexOf('/');
            if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
                continue;
            }
            String collection = path.substring(0, slash);
            String name = path.substring(slash + 1);
            if (!ModelView.COLLECTIONS.contains(collection)) {
                continue;
            }
            ObjectNode map = (ObjectNode) model.get(collection);
            if (name.endsWith(".json")) {
                String key = name.substring(0, name.length() - 5);
                JsonNode value = Json.MAPPER.readTree(file.getValue());
                ObjectNode entry = entry(map, key);
                value.fields().forEachRemaining(e -> entry.set(e.getKey(), e.getValue()));
            } else if (name.endsWith(".py") && hasCode(collection)) {
                String key = name.substring(0, name.length() - 3);
                entry(map, key).put(CODE, new String(file.getValue(), StandardCharsets.UTF_8));
            }
        }
        return model;
    }

    private static ObjectNode entry(ObjectNode map, String key) {
        JsonNode existing = map.get(key);
        return existing instanceof ObjectNode o ? o : map.putObject(key);
    }
}
