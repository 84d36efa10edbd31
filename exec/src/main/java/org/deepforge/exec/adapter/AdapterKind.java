package org.deepforge.exec.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;

/**
 * Everything the server needs to offer one kind of compute or storage adapter, declared once: its name (what
 * a run request and an artifact's storage record say), its title, the JSON Schema of its options, the kind
 * of stored credentials it needs (if any), whether data already in it can be registered as an artifact
 * ({@code imports}: {@link StorageAdapter#importExisting}) and a factory. The REST listing, the run dialog's form, the secret
 * form and the validation of a choice are all derived from it ({@link Adapters}).
 *
 * @param <A> {@link ComputeAdapter} or {@link StorageAdapter}
 */
public record AdapterKind<A>(String name, String title, OptionSchema options, Optional<SecretKind> secret, boolean imports,
                             Factory<A> factory) {
    /** Makes the adapter for a choice whose options passed the schema, with the credentials the choice names (empty if none). */
    @FunctionalInterface
    public interface Factory<A> {
        /** Throws IllegalArgumentException (or an IOException) saying what to fix when the options are unusable. */
        A open(JsonNode options, Map<String, String> credentials) throws Exception;
    }

    public AdapterKind {
        if (!name.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("an adapter's name is a short lower-case word, not \"" + name + "\"");
        }
        if (secret.isPresent() && options.secretOption(secret.get().kind()).isEmpty()) {
            throw new IllegalArgumentException("adapter " + name + " needs " + secret.get().kind() + " credentials, so one of its "
                    + "options must be marked \"" + OptionSchema.SECRET_KIND + "\": \"" + secret.get().kind() + "\"");
        }
    }

    /** A storage kind that needs no credentials. */
    public static AdapterKind<StorageAdapter> storage(String name, String title, JsonNode schema, Factory<StorageAdapter> factory) {
        return new AdapterKind<>(name, title, new OptionSchema(schema), Optional.empty(), false, factory);
    }

    /** A storage kind whose choices name stored credentials of {@code secret}'s kind. */
    public static AdapterKind<StorageAdapter> storage(String name, String title, JsonNode schema, SecretKind secret,
                                                      Factory<StorageAdapter> factory) {
        return new AdapterKind<>(name, title, new OptionSchema(schema), Optional.of(secret), false, factory);
    }

    /** The same kind, offering to register objects already in it as artifacts (the import dialog lists only these). */
    public AdapterKind<A> importing() {
        return new AdapterKind<>(name, title, options, secret, true, factory);
    }

    /**
     * A compute adapter, shared by every execution (each job gets the execution's options): its options are
     * checked by the schema and then by the adapter's own {@link ComputeAdapter#validate}.
     */
    public static AdapterKind<ComputeAdapter> compute(ComputeAdapter adapter, String title) {
        return new AdapterKind<>(adapter.name(), title, new OptionSchema(adapter.configSchema()), Optional.empty(), false,
                new Shared<>(adapter));
    }

    /** The factory of an adapter made once and shared: it checks the options with the adapter's own validation. */
    public record Shared<A extends ComputeAdapter>(A adapter) implements Factory<A> {
        @Override
        public A open(JsonNode options, Map<String, String> credentials) {
            adapter.validate(options);
            return adapter;
        }
    }

    /** The option that names the stored credentials, if this kind needs some. */
    public Optional<String> secretOption() {
        return secret.flatMap(s -> options.secretOption(s.kind()));
    }

    /** For the REST listing and the dialogs: name, title, option schema, the secret kind's fields, and whether it imports. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode().put("name", name).put("title", title);
        o.set("schema", options.json());
        secret.ifPresent(s -> o.set("secret", s.toJson()));
        if (imports) {
            o.put("imports", true);
        }
        return o;
    }
}
