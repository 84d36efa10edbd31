package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;

/** The model view at a commit. The node is shared and must not be modified. */
public record ModelAt(String commit, JsonNode model) {}
