package org.deepforge.model.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node of a pipeline. In the model view its kind is the one key it has among {@code operation},
 * {@code input}, {@code output} and {@code pipeline}; {@link PipelineJson} reads it into one of these.
 */
public sealed interface Node permits Node.Operation, Node.Input, Node.Output, Node.SubPipeline {
    /** The node's id, unique within its pipeline. */
    String id();

    /**
     * An instance of an operation: {@code attributes} are its attribute values as written (a JSON
     * object, read-only by convention), {@code references} map a reference name to an architecture id.
     */
    record Operation(String id, String operation, JsonNode attributes, Map<String, String> references) implements Node {
        public Operation {
            attributes = attributes.deepCopy();
            references = Collections.unmodifiableMap(new LinkedHashMap<>(references));
        }
    }

    /** Feeds an artifact into the pipeline on its one output port {@code data}; {@code artifact} is empty until chosen. */
    record Input(String id, String artifact, String name) implements Node {
        /** The port a sub-pipeline node shows for this node: its name, else its id. */
        public String portName() {
            return name.isBlank() ? id : name;
        }
    }

    /** Saves what flows into its one input port {@code data} as an artifact named {@code saveName} (empty until given). */
    record Output(String id, String saveName) implements Node {
        /** The port a sub-pipeline node shows for this node: its save name, else its id. */
        public String portName() {
            return saveName.isBlank() ? id : saveName;
        }
    }

    /** Another pipeline of the project used as one node. */
    record SubPipeline(String id, String pipeline) implements Node {}

    /** How the node is named in messages: {@code Train (n2)}, {@code Input (i1)}. */
    default String label() {
        if (this instanceof Operation o) {
            return o.operation() + " (" + id() + ")";
        } else if (this instanceof Input) {
            return "Input (" + id() + ")";
        } else if (this instanceof Output) {
            return "Output (" + id() + ")";
        }
        return "pipeline " + ((SubPipeline) this).pipeline() + " (" + id() + ")";
    }
}
