package org.deepforge.exec.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** JSON values written as Python literals in generated code. */
public final class PythonLiterals {
    private PythonLiterals() {}

    public static String of(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "None";
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? "True" : "False";
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            if (Double.isNaN(d)) {
                return "float(\"nan\")";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "float(\"inf\")" : "-float(\"inf\")";
            }
            return v.asText();
        }
        if (v.isTextual()) {
            return string(v.asText());
        }
        List<String> parts = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(e -> parts.add(of(e)));
            return "[" + String.join(", ", parts) + "]";
        }
        v.fields().forEachRemaining(e -> parts.add(string(e.getKey()) + ": " + of(e.getValue())));
        return "{" + String.join(", ", parts) + "}";
    }

    /** A double-quoted Python string literal. */
    public static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
