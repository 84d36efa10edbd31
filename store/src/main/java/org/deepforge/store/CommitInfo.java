package org.deepforge.store;

import java.time.Instant;
import java.util.List;

/** One commit of a project's history with the repository paths it changed against its first parent. */
public record CommitInfo(String id, List<String> parents, String authorName, String authorEmail, Instant time,
                         String message, List<String> paths) {}
