package org.deepforge.library;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One kind of architecture a library draws in the graph editor: PyTorch's neural networks
 * ({@code "pytorch"}), scikit-learn's estimator pipelines ({@code "sklearn-pipeline"}). An architecture in
 * a project names its kind in {@code "kind"}; an architecture without one is {@link #DEFAULT}.
 */
public interface ArchitectureKind {
    /** The kind of an architecture that names none (every architecture written before libraries). */
    String DEFAULT = "pytorch";

    /** Unique among all libraries: {@code [a-z][a-z0-9-]{0,39}}. */
    String id();

    /** For people: "Neural network (PyTorch)". */
    String name();

    String description();

    /**
     * The palette: a JSON object {@code {"language": [spec…], "layers": [spec…], …}} where a spec is
     * {@code {"name", "category", "doc", "arguments": [{"name", "type", "required", "default"?, "doc"?, "choices"?}],
     * "inputs", "max_inputs", "outputs", "inputNames"}} (docs/libraries.md "Catalogs"). Served as it is.
     */
    byte[] catalog();

    /** What "New architecture" of this kind starts with: {@code {"layers": {...}, "connections": {...}}}. */
    JsonNode template();

    /**
     * Shapes, inferred arguments and errors as the user draws; never throws for a bad drawing (errors
     * are part of the answer). Shapes are lists with {@code null} for the batch (samples) dimension.
     */
    ArchitectureAnalysis analyze(JsonNode architecture);

    /** {@link #analyze} of an architecture the user goes on editing, kept with what the kind needs for {@link #analyzeEdit}. */
    default AnalysedArchitecture analyzeForEdits(JsonNode architecture) {
        return AnalysedArchitecture.of(architecture, analyze(architecture));
    }

    /**
     * The analysis of {@code edited}: {@code base}'s architecture with the JSON merge patch {@code patch}
     * applied. The answer must equal {@code analyze(edited)}; a kind may get there by reworking only the
     * part of {@code base} that the patch changed ({@code base} may come from another kind: then it
     * cannot). By default the whole architecture is analysed again.
     */
    default AnalysedArchitecture analyzeEdit(AnalysedArchitecture base, JsonNode patch, JsonNode edited) {
        return analyzeForEdits(edited);
    }

    /**
     * The architecture as an importable Python module whose {@link GeneratedModule#name()} called with no
     * arguments builds the object a job's reference receives.
     *
     * @throws CodeGenerationException (422) saying what to fix when the architecture has errors
     */
    GeneratedModule generate(JsonNode architecture);
}
