package org.deepforge.exec.adapter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.deepforge.model.Json;

/**
 * A kind of credentials an adapter needs (e.g. an S3 key pair): what the secret form asks for and what the
 * secret store keeps, sealed, per user. Every field is required. A field may name the server's environment
 * variable that holds it, so that a choice of {@code "env"} uses the server's own credentials.
 */
public record SecretKind(String kind, String title, List<Field> fields) {
    /** One value of the secret: {@code label} is shown in the form, {@code secret} values are typed hidden and never shown. */
    public record Field(String name, String label, boolean secret, Optional<String> env) {
        public Field(String name, String label, boolean secret) {
            this(name, label, secret, Optional.empty());
        }

        /** The same field, also read from the server's environment variable {@code variable} for {@code "env"}. */
        public Field fromEnvironment(String variable) {
            return new Field(name, label, secret, Optional.of(variable));
        }
    }

    public SecretKind {
        fields = List.copyOf(fields);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a secret kind needs at least one field");
        }
    }

    public List<String> fieldNames() {
        return fields.stream().map(Field::name).toList();
    }

    /** Whether every field can be read from the server's environment (so {@code "env"} is a valid choice). */
    public boolean fromEnvironment() {
        return fields.stream().allMatch(f -> f.env().isPresent());
    }

    /**
     * For the secret form and the run dialog: the kind, its title, its fields (never values) and, when {@code "env"}
     * may be chosen instead of a stored secret, the names of the server's variables it reads.
     */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode().put("kind", kind).put("title", title);
        var list = o.putArray("fields");
        fields.forEach(f -> list.addObject().put("name", f.name()).put("label", f.label()).put("secret", f.secret()));
        if (fromEnvironment()) {
            var variables = o.putArray("environment");
            fields.forEach(f -> variables.add(f.env().orElseThrow()));
        }
        return o;
    }
}
