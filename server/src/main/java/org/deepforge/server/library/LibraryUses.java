package org.deepforge.server.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.library.Library;
import org.deepforge.model.Json;

/**
 * What in a project uses a library (docs/libraries.md): an architecture of one of its kinds, a pipeline node whose
 * operation is one of the library's own, an operation of the project's own (no library's built-in) whose code imports
 * one of the manifest's {@code imports}. Imports are read by the analysis process with Python's own grammar.
 */
final class LibraryUses {
    private final Function<String, List<String>> imports;
    private final Map<String, List<String>> seen = new HashMap<>();

    /** {@code imports}: code → the top-level modules it imports. One instance per request (it remembers answers). */
    LibraryUses(Function<String, List<String>> imports) {
        this.imports = imports;
    }

    /**
     * Whether the project's operation {@code name} is the library's own: marked {@code "library": id}, or (a project
     * made before libraries) unmarked with exactly the code of the library's built-in of that name.
     */
    static boolean owns(String id, Optional<Library> library, String name, JsonNode operation) {
        JsonNode mark = operation.get("library");
        if (mark != null) {
            return mark.asText().equals(id);
        }
        return library.map(l -> l.operations().get(name)).map(builtin -> builtin.path("code").equals(operation.path("code"))).orElse(false);
    }

    /** Each use as {@code {"kind": "architecture"|"node"|"operation", "name", …}}; empty when nothing uses it. */
    ArrayNode of(JsonNode model, String id, Optional<Library> library) {
        ArrayNode uses = Json.MAPPER.createArrayNode();
        Set<String> kinds = new TreeSet<>();
        library.ifPresent(l -> l.kinds().stream().map(ArchitectureKind::id).forEach(kinds::add));
        model.path("architectures").fields().forEachRemaining(a -> {
            String kind = a.getValue().path("kind").isTextual() ? a.getValue().get("kind").asText() : ArchitectureKind.DEFAULT;
            if (kinds.contains(kind)) {
                uses.addObject().put("kind", "architecture").put("id", a.getKey()).put("name", a.getValue().path("name").asText(a.getKey()))
                        .put("architectureKind", kind);
            }
        });
        Set<String> own = new TreeSet<>();
        model.path("operations").fields().forEachRemaining(o -> {
            if (owns(id, library, o.getKey(), o.getValue())) {
                own.add(o.getKey());
            }
        });
        model.path("pipelines").fields().forEachRemaining(p -> p.getValue().path("nodes").fields().forEachRemaining(n -> {
            String operation = n.getValue().path("operation").asText("");
            if (own.contains(operation)) {
                uses.addObject().put("kind", "node").put("name", operation).put("pipeline", p.getKey())
                        .put("pipelineName", p.getValue().path("name").asText(p.getKey())).put("node", n.getKey());
            }
        }));
        List<String> wanted = library.map(l -> l.manifest().imports()).orElse(List.of());
        if (!wanted.isEmpty()) {
            model.path("operations").fields().forEachRemaining(o -> {
                // another library's built-in answers to its own library (PyTorch's ReduceDimensions imports sklearn)
                if (!own.contains(o.getKey()) && !o.getValue().hasNonNull("library")) {
                    String code = o.getValue().path("code").asText("");
                    List<String> found = new ArrayList<>(seen.computeIfAbsent(code, imports));
                    found.retainAll(wanted);
                    if (!found.isEmpty()) {
                        ObjectNode use = uses.addObject().put("kind", "operation").put("name", o.getKey());
                        found.forEach(use.putArray("imports")::add);
                    }
                }
            });
        }
        return uses;
    }

    /** One line for people: "operation Scale imports testlib; pipeline "Train" node n1 runs Normalize". */
    static String describe(ArrayNode uses) {
        List<String> parts = new ArrayList<>();
        for (JsonNode use : uses) {
            parts.add(switch (use.path("kind").asText()) {
                case "architecture" -> "architecture \"" + use.path("name").asText() + "\" is of kind " + use.path("architectureKind").asText();
                case "node" -> "pipeline \"" + use.path("pipelineName").asText() + "\" node " + use.path("node").asText() + " runs "
                        + use.path("name").asText();
                default -> "operation " + use.path("name").asText() + " imports " + String.join(", ",
                        Json.MAPPER.convertValue(use.path("imports"), String[].class));
            });
        }
        return String.join("; ", parts);
    }

    /** The modules an answer of the analysis process's {@code imports} request names. */
    static List<String> modules(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.path("modules").forEach(m -> out.add(m.asText()));
        return out;
    }
}
