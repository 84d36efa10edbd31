package org.deepforge.server.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.adapter.Adapters;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.run.Placement;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.deepforge.server.secrets.SecretStore;

/**
 * How an execution's choices become adapters: the server's {@link Adapters} (declared once each) opened with the
 * stored credentials of the user the execution runs for, so nobody uses another user's keys. Compute adapters
 * are shared (the execution's options travel with each job); storage adapters are opened per choice.
 */
public final class Placements implements Placement.Resolver {
    /** Whether a project may read the data an artifact's storage record names (it owns the key). */
    @FunctionalInterface
    public interface ReadCheck {
        boolean readable(String project, JsonNode record) throws Exception;
    }

    private final Adapters adapters;
    private final SecretStore secrets;
    private volatile ReadCheck readCheck = (project, record) -> true;

    public Placements(Adapters adapters, SecretStore secrets) {
        this.adapters = adapters;
        this.secrets = secrets;
    }

    /** Input nodes of an execution read only artifact data its project owns. */
    public Placements readCheck(ReadCheck check) {
        this.readCheck = check;
        return this;
    }

    public Optional<ComputeAdapter> computeAdapter(String name) {
        return adapters.computeAdapter(name);
    }

    @Override
    public Placement resolve(JsonNode execution) {
        JsonNode compute = execution.path("compute").isObject() ? execution.get("compute") : Json.MAPPER.createObjectNode().put("adapter", "local");
        String user = execution.path("user").asText("local");
        ComputeAdapter adapter = adapters.openCompute(compute, credentials(user));
        StorageAdapter storage = storage(execution.path("storage"), user);
        String project = execution.path("project").asText("");
        return new Placement(adapter, compute, storage, record -> {
            try {
                if (!readCheck.readable(project, record)) {
                    throw new IOException("the artifact's data (" + record.path("key").asText() + ") is not available to this "
                            + "project: the project does not own it (upload the data to this project instead)");
                }
                return storage(record, user);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        });
    }

    /** The storage a choice or an artifact's storage record names (this server's disk if it names none), opened for {@code user}. */
    public StorageAdapter storage(JsonNode config, String user) {
        return adapters.openStorage(config.isMissingNode() || config.isNull() ? Json.MAPPER.createObjectNode().put("adapter", "local")
                : config, credentials(user));
    }

    /** The stored secrets of {@code user}, as the adapters ask for them. */
    private Adapters.Credentials credentials(String user) {
        return (kind, name) -> {
            SecretStore.Secret secret = secrets.get(user, name).orElseThrow(() -> new IllegalArgumentException(
                    "you have no stored credentials named \"" + name + "\"; add them (Storage → Add… in the run dialog, "
                            + "or PUT /api/v1/secrets/" + name + ")"));
            if (!secret.kind().equals(kind.kind())) {
                throw new IllegalArgumentException("the stored secret \"" + name + "\" holds " + secret.kind() + " credentials, not "
                        + kind.kind() + " ones");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            kind.fieldNames().forEach(f -> fields.put(f, secret.field(f)));
            return fields;
        };
    }

    /** For the run dialog: every compute adapter with the JSON Schema of its options. */
    public ArrayNode computeList() {
        return adapters.computeList();
    }

    /** For the run dialog: every storage adapter with the JSON Schema of its options and the credentials it needs. */
    public ArrayNode storageList() {
        return adapters.storageList();
    }
}
