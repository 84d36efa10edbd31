package org.deepforge.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Optional;

/** Reads the Python literals that appear as argument defaults ({@code 1}, {@code (1, 1)}, {@code 'zeros'}, {@code None}, {@code True}) as JSON. */
public final class PythonLiteral {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final String text;
    private int at;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /** The literal as JSON (tuples and lists become arrays, None becomes null), or empty if it is not a plain literal. */
    public static Optional<JsonNode> parse(String text) {
        PythonLiteral p = new PythonLiteral(text);
        try {
            JsonNode value = p.value();
            p.spaces();
            return p.at == text.length() ? Optional.of(value) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private JsonNode value() {
        spaces();
        char c = text.charAt(at);
        if (c == '(' || c == '[') {
            return sequence(c == '(' ? ')' : ']');
        }
        if (c == '\'' || c == '"') {
            int end = text.indexOf(c, at + 1);
            String s = text.substring(at + 1, end);
            at = end + 1;
            return F.textNode(s);
        }
        int start = at;
        while (at < text.length() && "()[],".indexOf(text.charAt(at)) < 0 && !Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        String word = text.substring(start, at);
        switch (word) {
            case "None": return F.nullNode();
            case "True": return F.booleanNode(true);
            case "False": return F.booleanNode(false);
            default:
                if (word.matches("[-+]?\\d+")) {
                    return F.numberNode(Long.parseLong(word));
                }
                return F.numberNode(Double.parseDouble(word));
        }
    }

    private JsonNode sequence(char close) {
        at++;
        ArrayNode out = F.arrayNode();
        spaces();
        while (text.charAt(at) != close) {
            out.add(value());
            spaces();
            if (text.charAt(at) == ',') {
                at++;
                spaces();
            }
        }
        at++;
        return out;
    }

    private void spaces() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }
}
