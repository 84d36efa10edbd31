package org.deepforge.library;

/**
 * Generated code for an architecture: {@code name} is the class (or factory function) in {@code code}
 * that a job calls with no arguments to build the referenced object.
 */
public record GeneratedModule(String name, String code) {}
