package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.Json;

/**
 * The palette of the kind {@code sklearn-pipeline}: {@code org/deepforge/sklearn/estimators.json}, generated from
 * scikit-learn by {@code python/tools/generate_sklearn_catalog.py}, parsed once into specs.
 */
final class EstimatorCatalog {
    private static final String RESOURCE = "/org/deepforge/sklearn/estimators.json";

    private final byte[] json;
    private final String sklearnVersion;
    private final Map<String, EstimatorSpec> specs;

    private EstimatorCatalog(byte[] json) throws IOException {
        this.json = json;
        JsonNode root = Json.MAPPER.readTree(json);
        this.sklearnVersion = root.path("sklearn").asText("");
        Map<String, EstimatorSpec> all = new HashMap<>();
        for (String section : List.of("layers", "language")) {
            for (JsonNode entry : root.path(section)) {
                EstimatorSpec spec = spec(entry);
                all.put(spec.name(), spec);
            }
        }
        this.specs = Map.copyOf(all);
    }

    static EstimatorCatalog bundled() {
        try (InputStream in = EstimatorCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the estimator catalog " + RESOURCE + " is missing from the build");
            }
            return new EstimatorCatalog(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] json() {
        return json.clone();
    }

    /** The scikit-learn version the catalog was generated from ("1.2.1"). */
    String sklearnVersion() {
        return sklearnVersion;
    }

    Optional<EstimatorSpec> find(String type) {
        return Optional.ofNullable(specs.get(type));
    }

    private static EstimatorSpec spec(JsonNode entry) {
        List<ArgumentSpec> arguments = new ArrayList<>();
        for (JsonNode a : entry.path("arguments")) {
            boolean required = a.path("required").asBoolean(false);
            Optional<JsonNode> defaultValue = required || !a.has("default") || a.has("defaultText")
                    ? Optional.empty() : Optional.of(a.get("default"));
            List<JsonNode> choices = new ArrayList<>();
            a.path("choices").forEach(choices::add);
            arguments.add(new ArgumentSpec(a.path("name").asText(), a.path("type").asText("any"), required, defaultValue, choices));
        }
        JsonNode max = entry.path("max_inputs");
        return new EstimatorSpec(entry.path("name").asText(),
                Optional.ofNullable(entry.path("module").textValue()), entry.path("role").asText("transformer"), arguments,
                entry.path("inputs").asInt(1), max.isNull() ? Optional.empty() : Optional.of(max.asInt(1)),
                entry.path("outputs").asInt(1));
    }
}
