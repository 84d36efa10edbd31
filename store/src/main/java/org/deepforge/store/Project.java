package org.deepforge.store;

import java.time.Instant;

/** A project as listed: its id (also its repository's name), name and description from project.json. */
public record Project(String id, String name, String description, String defaultBranch, Instant created) {}
