package org.deepforge.nn.codegen;

import java.util.Set;

/** Which layer types are the language's own nodes and which torch layers return tuples. */
final class LayerKinds {
    static final String INPUT = "Input";
    static final String OUTPUT = "Output";
    static final String SHARED = "Shared";
    static final String PARAMETER = "Parameter";

    private static final Set<String> LANGUAGE = Set.of(
            INPUT, OUTPUT, SHARED, "Concatenate", "Add", "Multiply", "Mean", "Reshape", "Split",
            "Permute", "ReduceMean", "Expand", "Select", PARAMETER);
    private static final Set<String> RECURRENT = Set.of("RNN", "LSTM", "GRU");

    private LayerKinds() {}

    /** Whether the type is a node of the language rather than a {@code torch.nn} class. */
    static boolean isLanguage(String type) {
        return LANGUAGE.contains(type);
    }

    /** {@code RNN}, {@code LSTM}, {@code GRU}: they return {@code (output, hidden)}. */
    static boolean isRecurrent(String type) {
        return RECURRENT.contains(type);
    }

    /** {@code MultiheadAttention}: returns {@code (output, weights)}. */
    static boolean isAttention(String type) {
        return type.equals("MultiheadAttention");
    }
}
