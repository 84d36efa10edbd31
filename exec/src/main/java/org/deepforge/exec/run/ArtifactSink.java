package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.domain.Provenance;

/** Records an artifact saved by an Output node (the server commits it to the project). */
@FunctionalInterface
public interface ArtifactSink {
    /** Returns the new artifact's id; {@code location} says where the storage keeps it (no secrets). */
    String save(String execution, String outputNode, String saveName, StorageAdapter.Stored stored, JsonNode location, String type,
                Provenance.Output provenance)
            throws Exception;

    /** For engines that do not keep artifacts (tests of the DAG alone). */
    ArtifactSink NONE = (e, n, s, st, l, t, p) -> {
        throw new IllegalStateException("this engine does not save artifacts");
    };
}
