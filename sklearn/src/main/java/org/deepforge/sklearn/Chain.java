package org.deepforge.sklearn;

import java.util.List;

/**
 * A pipeline as nested sequences: what {@code sklearn.pipeline.Pipeline} holds. A {@link Merge} is a FeatureUnion or
 * ColumnTransformer with one chain per branch (a ColumnTransformer's branches start with their Columns step).
 */
record Chain(List<Element> elements) {
    Chain {
        elements = List.copyOf(elements);
    }

    sealed interface Element permits Single, Merge {
        Step step();
    }

    record Single(Step step) implements Element {}

    record Merge(Step step, List<Chain> branches) implements Element {
        Merge {
            branches = List.copyOf(branches);
        }
    }
}
