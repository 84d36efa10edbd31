package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One constructor argument of a catalog entry.
 *
 * @param type         int, float, bool, str, choice, int_or_none, float_or_none, int_or_float, list, dict or any
 * @param defaultValue the default as JSON; empty when required or when the default is no JSON literal ({@code np.nan},
 *                     a function): then any value given differs from it
 * @param choices      the allowed values of a {@code choice}
 */
record ArgumentSpec(String name, String type, boolean required, Optional<JsonNode> defaultValue, List<JsonNode> choices) {
    ArgumentSpec {
        choices = List.copyOf(choices);
    }
}
