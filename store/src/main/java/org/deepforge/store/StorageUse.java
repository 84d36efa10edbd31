package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;

/** An artifact record that refers to stored data: at which ref ("branch main", "tag v1", …), its id, name and storage record. */
public record StorageUse(String ref, String artifact, String name, JsonNode storage) {}
