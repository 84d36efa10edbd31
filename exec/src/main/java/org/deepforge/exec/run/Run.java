package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import org.deepforge.model.domain.Pipeline;

/** One execution being run. Guarded by the engine's lock. */
final class Run {
    final String id;
    /** The model view at the commit the run started from (operations' code, artifacts, architectures, utils). */
    final JsonNode model;
    /** The pipeline's id. */
    final String pipeline;
    /** Its jobs and the rules between them. */
    final JobGraph graph;
    String commit;
    /** Cache entries are shared only within a scope (a project): no results leak between projects. */
    String scope = "";
    /** Where it runs and keeps its artifacts. */
    final Placement placement;
    /** The seed its jobs are seeded from; none for runs started without one (the engine's own tests). */
    java.util.OptionalLong seed = java.util.OptionalLong.empty();
    boolean cancelled;
    boolean done;

    Run(String id, JsonNode model, Pipeline pipeline, Placement placement) {
        this.id = id;
        this.model = model;
        this.pipeline = pipeline.id();
        this.placement = placement;
        this.graph = JobGraph.plan(pipeline, placement.storage() != null);
    }
}
