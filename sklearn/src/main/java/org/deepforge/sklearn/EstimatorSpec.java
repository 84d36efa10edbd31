package org.deepforge.sklearn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A catalog entry: an estimator ({@code module} is where it is imported from) or a node of the language
 * (Input, Columns, ColumnTransformer, FeatureUnion; no module).
 *
 * @param maxInputs empty: any number (the merge nodes)
 */
record EstimatorSpec(String name, Optional<String> module, String role, List<ArgumentSpec> arguments, int inputs,
                     Optional<Integer> maxInputs, int outputs) {
    static final String INPUT = "Input";
    static final String COLUMNS = "Columns";
    static final String COLUMN_TRANSFORMER = "ColumnTransformer";
    static final String FEATURE_UNION = "FeatureUnion";

    EstimatorSpec {
        arguments = List.copyOf(arguments);
    }

    boolean isPredictor() {
        return role.equals("predictor");
    }

    boolean isMerge() {
        return name.equals(COLUMN_TRANSFORMER) || name.equals(FEATURE_UNION);
    }

    Map<String, ArgumentSpec> argumentsByName() {
        Map<String, ArgumentSpec> out = new LinkedHashMap<>();
        arguments.forEach(a -> out.put(a.name(), a));
        return out;
    }
}
