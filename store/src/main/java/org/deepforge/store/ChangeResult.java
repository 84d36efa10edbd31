package org.deepforge.store;

/** The outcome of an accepted change set: the new head, whether it was rebased, whether anything changed. */
public record ChangeResult(String commit, boolean rebased, boolean changed) {}
