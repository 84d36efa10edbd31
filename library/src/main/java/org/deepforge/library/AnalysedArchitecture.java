package org.deepforge.library;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An architecture with its analysis, kept while the user edits it so that the next edit can be
 * analysed from it ({@link ArchitectureKind#analyzeEdit}). A kind may keep more of what it worked out
 * (its parsed graph, each layer's result) in a type of its own; to everyone else it is these two.
 */
public interface AnalysedArchitecture {
    JsonNode architecture();

    ArchitectureAnalysis analysis();

    /** Just the two, for a kind that keeps nothing more. */
    static AnalysedArchitecture of(JsonNode architecture, ArchitectureAnalysis analysis) {
        record Plain(JsonNode architecture, ArchitectureAnalysis analysis) implements AnalysedArchitecture {}
        return new Plain(architecture, analysis);
    }
}
