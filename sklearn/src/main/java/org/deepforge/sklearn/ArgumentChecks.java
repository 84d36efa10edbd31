package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.library.LayerError;

/** A step's arguments against its catalog entry: known names, required ones present, values of the documented type. */
final class ArgumentChecks {
    private ArgumentChecks() {}

    static List<LayerError> check(Step step) {
        List<LayerError> errors = new ArrayList<>();
        Map<String, ArgumentSpec> specs = step.spec().argumentsByName();
        for (Map.Entry<String, JsonNode> given : step.arguments().entrySet()) {
            ArgumentSpec spec = specs.get(given.getKey());
            if (spec == null) {
                errors.add(LayerError.on(step.id(), step.label() + " has no argument \"" + given.getKey() + "\"; "
                        + (specs.isEmpty() ? "it takes none" : "its arguments are " + String.join(", ", specs.keySet()))));
            } else {
                problem(spec, given.getValue()).ifPresent(p -> errors.add(LayerError.on(step.id(), step.label() + ": " + p)));
            }
        }
        specs.values().stream().filter(a -> a.required() && !step.arguments().containsKey(a.name())).forEach(a ->
                errors.add(LayerError.on(step.id(), step.label() + ": argument \"" + a.name() + "\" is required; set it")));
        return errors;
    }

    /** What is wrong with {@code value} as {@code spec}'s value, if anything. */
    private static Optional<String> problem(ArgumentSpec spec, JsonNode value) {
        if (spec.type().equals("choice")) {
            return spec.choices().contains(value) ? Optional.empty() : Optional.of(spec.name() + " must be one of "
                    + String.join(", ", spec.choices().stream().map(JsonNode::toString).toList()) + ", not " + value);
        }
        boolean ok = switch (spec.type()) {
            case "int" -> isInt(value);
            case "int_or_none" -> isInt(value) || value.isNull();
            case "float", "int_or_float" -> value.isNumber();
            case "float_or_none" -> value.isNumber() || value.isNull();
            case "bool" -> value.isBoolean();
            case "str" -> value.isTextual();
            case "list" -> value.isArray();
            case "dict" -> value.isObject();
            default -> true;
        };
        return ok ? Optional.empty() : Optional.of(spec.name() + " must be " + expected(spec.type()) + ", not " + value);
    }

    private static boolean isInt(JsonNode value) {
        return value.isIntegralNumber();
    }

    private static String expected(String type) {
        return switch (type) {
            case "int" -> "a whole number";
            case "int_or_none" -> "a whole number or null";
            case "float", "int_or_float" -> "a number";
            case "float_or_none" -> "a number or null";
            case "bool" -> "true or false";
            case "str" -> "a string";
            case "list" -> "a list";
            case "dict" -> "an object";
            default -> "a value";
        };
    }
}
