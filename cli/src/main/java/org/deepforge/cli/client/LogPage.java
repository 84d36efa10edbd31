package org.deepforge.cli.client;

import java.util.List;

/** Console lines {@code from} (inclusive) to {@code next} (exclusive) of one job; ask again from {@code next} for more. */
public record LogPage(long from, long next, List<String> lines) {}
