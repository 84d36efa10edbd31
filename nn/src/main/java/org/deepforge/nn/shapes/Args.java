package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.deepforge.model.Json;
import org.deepforge.nn.LayerCatalog;

/**
 * A layer's arguments as a rule reads them: the user's value, else the catalog default, else the
 * rule's own default; typed getters fail with a message naming the argument and the expected type.
 * Arguments worked out from the input are recorded as {@link #inferred()}.
 */
final class Args {
    private final String type;
    private final JsonNode user;
    private final LayerCatalog catalog;
    private final Map<String, JsonNode> ruleDefaults;
    private final Map<String, JsonNode> inferred = new LinkedHashMap<>();

    Args(String type, JsonNode user, LayerCatalog catalog, Map<String, JsonNode> ruleDefaults) {
        this.type = type;
        this.user = user;
        this.catalog = catalog;
        this.ruleDefaults = ruleDefaults;
    }

    /** The value in force, if any; JSON null stands for None. */
    Optional<JsonNode> raw(String name) {
        JsonNode v = user.get(name);
        if (v != null) {
            return Optional.of(v);
        }
        Optional<JsonNode> d = catalog.defaultOf(type, name);
        return d.isPresent() ? d : Optional.ofNullable(ruleDefaults.get(name));
    }

    /** Whether the user gave the argument a value other than None. */
    boolean isSet(String name) {
        JsonNode v = user.get(name);
        return v != null && !v.isNull();
    }

    /** Whether the value in force is None (or there is none). */
    boolean isNone(String name) {
        return raw(name).map(JsonNode::isNull).orElse(true);
    }

    JsonNode required(String name) {
        return raw(name).filter(v -> !v.isNull()).orElseThrow(() -> new ShapeException("needs " + name));
    }

    int integer(String name) {
        JsonNode v = required(name);
        if (!isInt(v)) {
            throw wrongType(name, "a whole number", v);
        }
        return v.asInt();
    }

    /** An integer ≥ {@code min}. */
    int integer(String name, int min) {
        int v = integer(name);
        if (v < min) {
            throw new ShapeException(name + " must be at least " + min + " (it is " + v + ")");
        }
        return v;
    }

    OptionalInt optionalInteger(String name) {
        return isNone(name) ? OptionalInt.empty() : OptionalInt.of(integer(name));
    }

    double number(String name) {
        JsonNode v = required(name);
        if (!v.isNumber()) {
            throw wrongType(name, "a number", v);
        }
        return v.asDouble();
    }

    boolean flag(String name) {
        JsonNode v = required(name);
        if (!v.isBoolean()) {
            throw wrongType(name, "True or False", v);
        }
        return v.asBoolean();
    }

    String text(String name, String... allowed) {
        JsonNode v = required(name);
        if (!v.isTextual() || (allowed.length > 0 && !List.of(allowed).contains(v.asText()))) {
            throw wrongType(name, allowed.length == 0 ? "text" : "one of '" + String.join("', '", allowed) + "'", v);
        }
        return v.asText();
    }

    /** An integer, or a tuple of {@code n} integers, expanded to {@code n} entries. */
    int[] ints(String name, int n) {
        JsonNode v = required(name);
        int[] out = new int[n];
        if (isInt(v)) {
            Arrays.fill(out, v.asInt());
            return out;
        }
        if (v.isArray() && v.size() == n) {
            for (int i = 0; i < n; i++) {
                if (!isInt(v.get(i))) {
                    throw wrongType(name, intsType(n), v);
                }
                out[i] = v.get(i).asInt();
            }
            return out;
        }
        throw wrongType(name, intsType(n), v);
    }

    /** Like {@link #ints} but every entry at least {@code min}. */
    int[] ints(String name, int n, int min) {
        int[] v = ints(name, n);
        for (int x : v) {
            if (x < min) {
                throw new ShapeException(name + " must be at least " + min + " (it is " + Json.compact(required(name)) + ")");
            }
        }
        return v;
    }

    /** A list of integers of any length (a single integer counts as a list of one). */
    int[] intList(String name) {
        JsonNode v = required(name);
        if (isInt(v)) {
            return new int[] {v.asInt()};
        }
        if (!v.isArray()) {
            throw wrongType(name, "a whole number or a list of whole numbers", v);
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!isInt(v.get(i))) {
                throw wrongType(name, "a whole number or a list of whole numbers", v);
            }
            out[i] = v.get(i).asInt();
        }
        return out;
    }

    /**
     * An argument that may be left out because the input tells it: the user's value if set (the rule
     * then checks it), else {@code actual}, recorded as inferred.
     */
    int infer(String name, int actual) {
        if (isSet(name)) {
            return integer(name);
        }
        inferred.put(name, JsonNodeFactory.instance.numberNode(actual));
        return actual;
    }

    void recordInferred(String name, JsonNode value) {
        inferred.put(name, value);
    }

    Map<String, JsonNode> inferred() {
        return Collections.unmodifiableMap(inferred);
    }

    ShapeException wrongType(String name, String expected, JsonNode got) {
        return new ShapeException(name + " must be " + expected + ", not " + Json.compact(got));
    }

    private static String intsType(int n) {
        return n == 1 ? "a whole number" : "a whole number or a tuple of " + n + " whole numbers";
    }

    private static boolean isInt(JsonNode v) {
        return v.isIntegralNumber() && v.canConvertToInt();
    }
}
