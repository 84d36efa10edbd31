package org.deepforge.store;

/** A tag and the commit it names. */
public record Tag(String name, String commit) {}
