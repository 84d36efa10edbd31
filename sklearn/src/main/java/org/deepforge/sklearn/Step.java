package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A layer of a drawing whose type the catalog knows: one estimator or language node. */
record Step(String id, EstimatorSpec spec, Optional<String> name, Map<String, JsonNode> arguments) {
    Step {
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** How messages name it: {@code PCA "pca"} (the step name, else the layer id). */
    String label() {
        return spec.name() + " \"" + name.orElse(id) + "\"";
    }
}
