package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A durable new commit on a branch; {@code patch} turns the parent's model view into this commit's. */
public record CommitEvent(String project, String branch, String commit, String parent, String author,
                          String message, JsonNode patch, Instant time) {}
