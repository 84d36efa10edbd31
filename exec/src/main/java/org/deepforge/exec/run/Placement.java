package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.storage.StorageAdapter;

/**
 * Where one execution runs its jobs and keeps its artifacts: the compute adapter with the execution's
 * configuration of it (partition, time limit, …) and the storage adapter, credentials already resolved.
 */
public record Placement(ComputeAdapter compute, JsonNode computeConfig, StorageAdapter storage, Reader reader) {
    public Placement {
        computeConfig = computeConfig == null || computeConfig.isMissingNode() ? org.deepforge.model.Json.MAPPER.createObjectNode() : computeConfig;
    }

    /** Finds the storage that holds an artifact, from its {@code storage} record (adapter, key and where). */
    @FunctionalInterface
    public interface Reader {
        StorageAdapter storageOf(JsonNode record) throws java.io.IOException;
    }

    /** Artifacts are read from {@code storage} when they were stored by an adapter of the same name. */
    public Placement(ComputeAdapter compute, JsonNode computeConfig, StorageAdapter storage) {
        this(compute, computeConfig, storage, record -> {
            if (storage != null && record.path("adapter").asText("local").equals(storage.name())) {
                return storage;
            }
            throw new java.io.IOException("the artifact is kept in \"" + record.path("adapter").asText() + "\" storage, which this "
                    + "execution cannot read");
        });
    }

    /** Resolves an execution's {@code compute} and {@code storage} choices (its metadata) for the user who ran it. */
    @FunctionalInterface
    public interface Resolver {
        /** Throws {@link IllegalArgumentException} with what to fix when a choice names nothing usable. */
        Placement resolve(JsonNode execution);
    }
}
