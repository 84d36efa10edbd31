package org.deepforge.exec.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;

/**
 * The compute and storage adapters a server offers, each registered with one line from its declaration
 * ({@link AdapterKind}). A choice (a run request's {@code compute} or {@code storage}, or an artifact's storage
 * record) is opened here: the adapter it names, its options checked against the schema, the credentials it
 * names looked up, then the kind's factory. Every refusal is an IllegalArgumentException saying what to fix.
 */
public final class Adapters {
    /** Finds a user's stored credentials: the fields of the secret {@code name}, which must be of {@code kind}. */
    @FunctionalInterface
    public interface Credentials {
        /** Throws IllegalArgumentException when the user has no such secret or it is of another kind. */
        Map<String, String> fields(SecretKind kind, String name) throws Exception;
    }

    /** The choice that names the server's own credentials (its environment variables) instead of a stored secret. */
    public static final String ENVIRONMENT = "env";

    private final Map<String, AdapterKind<ComputeAdapter>> computes = new LinkedHashMap<>();
    private final Map<String, AdapterKind<StorageAdapter>> storages = new LinkedHashMap<>();
    private final Map<String, String> environment;

    /** With the server's environment, for choices of {@value #ENVIRONMENT} credentials. */
    public Adapters() {
        this(System.getenv());
    }

    public Adapters(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public Adapters compute(AdapterKind<ComputeAdapter> kind) {
        add(computes, kind);
        return this;
    }

    public Adapters storage(AdapterKind<StorageAdapter> kind) {
        add(storages, kind);
        return this;
    }

    private <A> void add(Map<String, AdapterKind<A>> kinds, AdapterKind<A> kind) {
        if (kinds.putIfAbsent(kind.name(), kind) != null) {
            throw new IllegalArgumentException("two adapters are named \"" + kind.name() + "\"");
        }
        kind.secret().ifPresent(s -> secretKind(s.kind()).filter(known -> !known.equals(s)).ifPresent(known -> {
            throw new IllegalArgumentException("secret kind \"" + s.kind() + "\" is declared twice with different fields");
        }));
    }

    public Optional<AdapterKind<ComputeAdapter>> computeKind(String name) {
        return Optional.ofNullable(computes.get(name));
    }

    public Optional<AdapterKind<StorageAdapter>> storageKind(String name) {
        return Optional.ofNullable(storages.get(name));
    }

    /** The shared compute adapter of this name, e.g. for its status page. */
    public Optional<ComputeAdapter> computeAdapter(String name) {
        return computeKind(name).map(AdapterKind::factory)
                .flatMap(f -> f instanceof AdapterKind.Shared<ComputeAdapter> shared ? Optional.of(shared.adapter()) : Optional.empty());
    }

    /** Every kind of credentials the adapters need, once each. */
    public List<SecretKind> secretKinds() {
        Map<String, SecretKind> out = new LinkedHashMap<>();
        for (AdapterKind<?> k : all()) {
            k.secret().ifPresent(s -> out.putIfAbsent(s.kind(), s));
        }
        return List.copyOf(out.values());
    }

    public Optional<SecretKind> secretKind(String kind) {
        return secretKinds().stream().filter(s -> s.kind().equals(kind)).findFirst();
    }

    private List<AdapterKind<?>> all() {
        List<AdapterKind<?>> all = new java.util.ArrayList<>(computes.values());
        all.addAll(storages.values());
        return all;
    }

    /** The compute adapter a choice names, with its options checked. */
    public ComputeAdapter openCompute(JsonNode choice, Credentials credentials) {
        return open("compute", computes, choice, credentials);
    }

    /** The storage a choice (or an artifact's storage record) names, opened with the credentials it names. */
    public StorageAdapter openStorage(JsonNode choice, Credentials credentials) {
        return open("storage", storages, choice, credentials);
    }

    private <A> A open(String what, Map<String, AdapterKind<A>> kinds, JsonNode choice, Credentials credentials) {
        if (!choice.isObject()) {
            throw new IllegalArgumentException("\"" + what + "\" is an object naming an adapter, e.g. {\"adapter\": \"local\"}");
        }
        String name = choice.path("adapter").asText("local");
        AdapterKind<A> kind = kinds.get(name);
        if (kind == null) {
            throw new IllegalArgumentException(what + " adapter \"" + name + "\" is not available on this server; choose one of "
                    + String.join(", ", kinds.keySet()));
        }
        kind.options().check(kind.title() + " (" + what + " adapter \"" + name + "\")", choice);
        try {
            return kind.factory().open(choice, credentials(kind, choice, credentials));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private Map<String, String> credentials(AdapterKind<?> kind, JsonNode choice, Credentials lookup) throws Exception {
        if (kind.secret().isEmpty()) {
            return Map.of();
        }
        SecretKind secret = kind.secret().get();
        String option = kind.secretOption().orElseThrow();
        String name = choice.path(option).asText("").strip();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("choose the credentials for the " + kind.title() + " (\"" + option + "\"): the name of "
                    + "your stored " + secret.title() + " (Storage → Add… in the run dialog, or PUT /api/v1/secrets/{name})"
                    + (secret.fromEnvironment() ? ", or \"" + ENVIRONMENT + "\" for the server's " + variables(secret) : ""));
        }
        if (name.equals(ENVIRONMENT) && secret.fromEnvironment()) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (SecretKind.Field f : secret.fields()) {
                String value = environment.get(f.env().orElseThrow());
                if (value == null || value.isBlank()) {
                    throw new IllegalArgumentException("\"" + ENVIRONMENT + "\" credentials need " + variables(secret) + " in the "
                            + "server's environment; " + f.env().get() + " is not set (store credentials under a name instead)");
                }
                fields.put(f.name(), value);
            }
            return fields;
        }
        return lookup.fields(secret, name);
    }

    private static String variables(SecretKind secret) {
        return String.join(" and ", secret.fields().stream().map(f -> f.env().orElse("")).toList());
    }

    /** For the run dialog: every compute adapter with its option schema. */
    public ArrayNode computeList() {
        return list(computes.values());
    }

    /** For the run dialog: every storage adapter with its option schema and the fields of the credentials it needs. */
    public ArrayNode storageList() {
        return list(storages.values());
    }

    /** For the secret form: every kind of credentials with its fields. */
    public ArrayNode secretList() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        secretKinds().forEach(s -> out.add(s.toJson()));
        return out;
    }

    private static ArrayNode list(Collection<? extends AdapterKind<?>> kinds) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        kinds.forEach(k -> out.add(k.toJson()));
        return out;
    }
}
