package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A layer type's shape rule with how many inputs it takes (inputs {@code 0…minInputs-1} must be
 * connected, at most {@code maxInputs}) and its own argument defaults.
 */
record Rule(int minInputs, int maxInputs, Map<String, JsonNode> defaults, ShapeRule body) {
    static final int MANY = Integer.MAX_VALUE;
}
