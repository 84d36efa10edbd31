package org.deepforge.nn;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog of layer types ({@code org/deepforge/nn/layers.json}): which types exist and the
 * defaults of their arguments. Empty when the file is absent, so callers carry their own defaults too.
 */
public final class LayerCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(LayerCatalog.class);
    private static final String RESOURCE = "/org/deepforge/nn/layers.json";
    private static final LayerCatalog BUNDLED = load();

    private final Map<String, Map<String, JsonNode>> defaults;

    private LayerCatalog(Map<String, Map<String, JsonNode>> defaults) {
        this.defaults = defaults;
    }

    /** The catalog that ships in the jar (empty if it does not). */
    public static LayerCatalog bundled() {
        return BUNDLED;
    }

    /** A catalog from JSON of the form {@code {"layers": [{"name", "arguments": [{"name", "default", "required"}]}], "language": [...]}}. */
    public static LayerCatalog of(JsonNode json) {
        Map<String, Map<String, JsonNode>> all = new HashMap<>();
        for (String section : new String[] {"layers", "language"}) {
            for (JsonNode type : json.path(section)) {
                Map<String, JsonNode> args = new HashMap<>();
                for (JsonNode arg : type.path("arguments")) {
                    defaultOf(arg).ifPresent(d -> args.put(arg.path("name").asText(), d));
                }
                all.put(type.path("name").asText(), Map.copyOf(args));
            }
        }
        return new LayerCatalog(Map.copyOf(all));
    }

    public boolean knows(String type) {
        return defaults.containsKey(type);
    }

    /** The default of an argument, as JSON (None is JSON null); empty where the catalog gives none. */
    public Optional<JsonNode> defaultOf(String type, String argument) {
        return Optional.ofNullable(defaults.getOrDefault(type, Map.of()).get(argument));
    }

    private static Optional<JsonNode> defaultOf(JsonNode arg) {
        if (arg.path("required").asBoolean(false) || !arg.has("default")) {
            return Optional.empty();
        }
        JsonNode d = arg.get("default");
        if (d.isTextual()) {
            // Defaults may be written as Python source ("(1, 1)", "'zeros'"); a plain word stays text.
            return Optional.of(PythonLiteral.parse(d.asText()).orElse(d));
        }
        return Optional.of(d);
    }

    private static LayerCatalog load() {
        try (InputStream in = LayerCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new LayerCatalog(Map.of());
            }
            return of(Json.MAPPER.readTree(in));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the layer catalog {}; using built-in defaults", RESOURCE, e);
            return new LayerCatalog(Map.of());
        }
    }
}
