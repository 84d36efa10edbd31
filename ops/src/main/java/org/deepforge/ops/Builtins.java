package org.deepforge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deepforge.model.Json;

/** The built-in operations every new project starts with (python/builtins/operations). */
public final class Builtins {
    private final ObjectNode operations;

    public Builtins(Path directory) {
        operations = Json.MAPPER.createObjectNode();
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path py : files.filter(p -> p.toString().endsWith(".py")).sorted().toList()) {
                String name = py.getFileName().toString().replaceFirst("\\.py$", "");
                ObjectNode op = operations.putObject(name);
                Path meta = py.resolveSibling(name + ".json");
                if (Files.exists(meta)) {
                    JsonNode m = Json.MAPPER.readTree(meta.toFile());
                    m.fields().forEachRemaining(f -> op.set(f.getKey(), f.getValue()));
                }
                op.put("code", Files.readString(py));
                if (!op.has("requirements")) {
                    op.putArray("requirements");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in operations from " + directory, e);
        }
    }

    /** Content for a new project: {@code {"operations": {...}}}. */
    public JsonNode seed() {
        ObjectNode seed = Json.MAPPER.createObjectNode();
        seed.set("operations", operations.deepCopy());
        return seed;
    }

    /** The catalog: name, description, category and requirements of each built-in operation. */
    public List<JsonNode> catalog() {
        List<JsonNode> out = new ArrayList<>();
        operations.fields().forEachRemaining(e -> {
            ObjectNode o = Json.MAPPER.createObjectNode().put("name", e.getKey());
            o.put("description", e.getValue().path("description").asText(""));
            o.put("category", e.getValue().path("category").asText(""));
            o.set("requirements", e.getValue().path("requirements"));
            out.add(o);
        });
        return out;
    }
}
