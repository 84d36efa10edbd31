package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deepforge.nn.PythonLiteral;

/** The shape rules by layer type; each family of layers registers its rules here. */
final class Rules {
    private static final Rules ALL = build();

    private final Map<String, Rule> rules = new HashMap<>();

    private Rules() {}

    static Rules all() {
        return ALL;
    }

    Optional<Rule> find(String type) {
        return Optional.ofNullable(rules.get(type));
    }

    Set<String> types() {
        return rules.keySet();
    }

    /** Registers a rule taking one input. {@code defaults} reads like a Python signature: {@code "stride=1, bias=True"}. */
    void add(String type, String defaults, ShapeRule body) {
        add(type, 1, 1, defaults, body);
    }

    void add(String type, int minInputs, int maxInputs, String defaults, ShapeRule body) {
        rules.put(type, new Rule(minInputs, maxInputs, parseDefaults(defaults), body));
    }

    private static Rules build() {
        Rules r = new Rules();
        LanguageRules.register(r);
        ConvolutionRules.register(r);
        PoolingRules.register(r);
        LinearRules.register(r);
        NormalizationRules.register(r);
        ActivationRules.register(r);
        RecurrentRules.register(r);
        AttentionRules.register(r);
        ResamplingRules.register(r);
        PaddingRules.register(r);
        ReshapeRules.register(r);
        return r;
    }

    /** {@code "stride=1, padding=(0, 0), mode='nearest'"} → name → JSON value. */
    static Map<String, JsonNode> parseDefaults(String defaults) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        int depth = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i <= defaults.length(); i++) {
            char c = i < defaults.length() ? defaults.charAt(i) : ',';
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && (c == '(' || c == '[')) {
                depth++;
            } else if (!quoted && (c == ')' || c == ']')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                String part = defaults.substring(start, i).trim();
                start = i + 1;
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                String name = part.substring(0, eq).trim();
                String value = part.substring(eq + 1).trim();
                out.put(name, PythonLiteral.parse(value)
                        .orElseThrow(() -> new IllegalArgumentException("bad default " + part)));
            }
        }
        return Map.copyOf(out);
    }
}
