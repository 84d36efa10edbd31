package org.deepforge.nn.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON values written as Python literals: True/False/None, tuples or lists, quoted strings, numbers as repr. */
final class PythonLiteral {
    private PythonLiteral() {}

    /** A JSON value as Python; arrays become tuples, as torch writes sizes. */
    static String of(JsonNode value) {
        return of(value, true);
    }

    /** A JSON value as Python; arrays become lists. */
    static String list(JsonNode value) {
        return of(value, false);
    }

    private static String of(JsonNode value, boolean tuples) {
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
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(of(v, tuples)));
            String joined = String.join(", ", items);
            if (!tuples) {
                return "[" + joined + "]";
            }
            return items.size() == 1 ? "(" + joined + ",)" : "(" + joined + ")";
        }
        List<String> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            entries.add(string(e.getKey()) + ": " + of(e.getValue(), tuples));
        }
        return "{" + String.join(", ", entries) + "}";
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
        BigDecimal mantissa = v.movePointLeft(exponent).stripTrailingZeros();
        String m = mantissa.toPlainString();
        String sign = exponent < 0 ? "-" : "+";
        String e = String.valueOf(Math.abs(exponent));
        return m + "e" + sign + (e.length() < 2 ? "0" + e : e);
    }

    /** A single-quoted Python string. */
    static String string(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('\'').toString();
    }
}
