package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deepforge.model.PythonNames;

/** Pieces of generated Python: JSON values as literals, strings, the factory function's name. */
final class PythonSource {
    private PythonSource() {}

    /** A JSON value as Python: None/True/False, numbers as repr writes them, double-quoted strings, lists, dicts. */
    static String literal(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "None";
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "True" : "False";
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
            return number(value.decimalValue());
        }
        if (value.isTextual()) {
            return string(value.textValue());
        }
        List<String> items = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(v -> items.add(literal(v)));
            return "[" + String.join(", ", items) + "]";
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            items.add(string(e.getKey()) + ": " + literal(e.getValue()));
        }
        return "{" + String.join(", ", items) + "}";
    }

    /** A float the way Python's repr writes it: {@code 0.5}, {@code 1.0}, {@code 1e-05}, {@code 1e+20}. */
    static String number(BigDecimal d) {
        BigDecimal v = d.stripTrailingZeros();
        if (v.signum() == 0) {
            return "0.0";
        }
        int exponent = v.precision() - v.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = v.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String mantissa = v.movePointLeft(exponent).stripTrailingZeros().toPlainString();
        String e = String.valueOf(Math.abs(exponent));
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }

    /** A double-quoted Python string. */
    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    /** {@code "Digits v2"} → {@code digits_v2}; {@code make_pipeline} when the name gives no identifier. */
    static String functionName(String name) {
        String snake = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (snake.isEmpty()) {
            return "make_pipeline";
        }
        if (Character.isDigit(snake.charAt(0)) || PythonNames.isKeyword(snake)) {
            return "pipeline_" + snake;
        }
        return snake;
    }
}
