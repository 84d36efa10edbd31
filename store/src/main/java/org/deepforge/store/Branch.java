package org.deepforge.store;

/** A branch and the commit it points at. */
public record Branch(String name, String head) {}
