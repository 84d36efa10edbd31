package org.deepforge.server.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.run.Placement;
import org.deepforge.exec.storage.LocalStorage;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;

/**
 * The compute and storage adapters this server offers, and how an execution's choices become adapters:
 * compute adapters are shared (the execution's configuration travels with each job); storage adapters
 * are made per choice with the credentials of the user the execution runs for.
 */
public final class Placements implements Placement.Resolver {
    /** Makes a storage adapter from a choice (or an artifact's storage record) for a user; IllegalArgumentException if unusable. */
    @FunctionalInterface
    public interface StorageFactory {
        StorageAdapter open(JsonNode config, String user) throws Exception;
    }

    /** Whether a project may read the data an artifact's storage record names (it owns the key). */
    @FunctionalInterface
    public interface ReadCheck {
        boolean readable(String project, JsonNode record) throws Exception;
    }

    /** A storage kind offered in the run dialog. */
    public record StorageKind(String title, JsonNode schema, StorageFactory factory) {}

    private final Map<String, ComputeAdapter> computes = new LinkedHashMap<>();
    private final Map<String, StorageKind> storages = new LinkedHashMap<>();
    private final LocalStorage local;
    private volatile ReadCheck readCheck = (project, record) -> true;

    public Placements(ComputeAdapter localCompute, LocalStorage local) {
        this.local = local;
        computes.put(localCompute.name(), localCompute);
        storages.put("local", new StorageKind("This server's disk (content-addressed)", local.configSchema(), (c, u) -> local));
    }

    public Placements compute(ComputeAdapter adapter) {
        computes.put(adapter.name(), adapter);
        return this;
    }

    public Placements storage(String name, StorageKind kind) {
        storages.put(name, kind);
        return this;
    }

    /** Input nodes of an execution read only artifact data its project owns. */
    public Placements readCheck(ReadCheck check) {
        this.readCheck = check;
        return this;
    }

    public LocalStorage local() {
        return local;
    }

    public java.util.Optional<ComputeAdapter> computeAdapter(String name) {
        return java.util.Optional.ofNullable(computes.get(name));
    }

    @Override
    public Placement resolve(JsonNode execution) {
        JsonNode compute = execution.path("compute").isObject() ? execution.get("compute") : Json.MAPPER.createObjectNode().put("adapter", "local");
        String name = compute.path("adapter").asText("local");
        ComputeAdapter adapter = computes.get(name);
        if (adapter == null) {
            throw new IllegalArgumentException("compute adapter \"" + name + "\" is not available on this server; choose one of "
                    + String.join(", ", computes.keySet()));
        }
        adapter.validate(compute);
        String user = execution.path("user").asText("local");
        StorageAdapter storage = storage(execution.path("storage"), user);
        String project = execution.path("project").asText("");
        return new Placement(adapter, compute, storage, record -> {
            try {
                if (!readCheck.readable(project, record)) {
                    throw new java.io.IOException("the artifact's data (" + record.path("key").asText() + ") is not available to this "
                            + "project: the project does not own it (upload the data to this project instead)");
                }
                return storage(record, user);
            } catch (IllegalArgumentException e) {
                throw new java.io.IOException(e.getMessage(), e);
            } catch (java.io.IOException e) {
                throw e;
            } catch (Exception e) {
                throw new java.io.IOException(e.getMessage(), e);
            }
        });
    }

    /** The storage a choice or an artifact's storage record names, opened for {@code user}. */
    public StorageAdapter storage(JsonNode config, String user) {
        String name = config.path("adapter").asText("local");
        StorageKind kind = storages.get(name);
        if (kind == null) {
            throw new IllegalArgumentException("storage adapter \"" + name + "\" is not available on this server; choose one of "
                    + String.join(", ", storages.keySet()));
        }
        try {
            return kind.factory().open(config, user);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** For the run dialog: every compute adapter with the JSON Schema of its configuration. */
    public ArrayNode computeList() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        computes.values().forEach(c -> {
            JsonNode schema = c.configSchema();
            out.addObject().put("name", c.name()).put("title", schema.path("title").asText(c.name())).set("schema", schema);
        });
        return out;
    }

    /** For the run dialog: every storage adapter with the JSON Schema of its configuration. */
    public ArrayNode storageList() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        storages.forEach((name, kind) -> {
            ObjectNode o = out.addObject().put("name", name).put("title", kind.title());
            o.set("schema", kind.schema());
        });
        return out;
    }
}
