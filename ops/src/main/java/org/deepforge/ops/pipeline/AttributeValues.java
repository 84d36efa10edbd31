package org.deepforge.ops.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.model.Json;

/** Checks an attribute value against its declared type, bounds and choices. */
public final class AttributeValues {
    private AttributeValues() {}

    /** Empty when {@code value} suits the attribute {@code spec}; else what is wrong, phrased to follow the name. */
    public static Optional<String> check(JsonNode spec, JsonNode value) {
        String type = spec.path("type").asText("any");
        if (value.isNull()) {
            return Optional.empty();
        }
        boolean ok = switch (type) {
            case "int" -> value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
            case "float" -> value.isNumber();
            case "bool" -> value.isBoolean();
            case "str" -> value.isTextual();
            case "list" -> value.isArray();
            case "dict" -> value.isObject();
            case "choice" -> contains(spec.path("choices"), value);
            default -> true;
        };
        if (!ok) {
            if (type.equals("choice")) {
                List<String> choices = new ArrayList<>();
                spec.path("choices").forEach(c -> choices.add(Json.compact(c)));
                return Optional.of("must be one of " + String.join(", ", choices) + ", not " + Json.compact(value));
            }
            return Optional.of("must be " + article(type) + ", not " + Json.compact(value));
        }
        if (value.isNumber()) {
            JsonNode min = spec.get("min");
            JsonNode max = spec.get("max");
            if (min != null && min.isNumber() && value.asDouble() < min.asDouble()) {
                return Optional.of("must be at least " + min.asText() + ", not " + value.asText());
            }
            if (max != null && max.isNumber() && value.asDouble() > max.asDouble()) {
                return Optional.of("must be at most " + max.asText() + ", not " + value.asText());
            }
        }
        return Optional.empty();
    }

    private static boolean contains(JsonNode choices, JsonNode value) {
        for (JsonNode c : choices) {
            if (c.equals(value) || (c.isNumber() && value.isNumber() && c.asDouble() == value.asDouble())) {
                return true;
            }
        }
        return false;
    }

    private static String article(String type) {
        return switch (type) {
            case "int" -> "a whole number";
            case "float" -> "a number";
            case "bool" -> "true or false";
            case "str" -> "a string";
            case "list" -> "a list";
            case "dict" -> "an object";
            default -> type;
        };
    }
}
