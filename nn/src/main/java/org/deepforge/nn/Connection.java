package org.deepforge.nn;

/** A wire from output {@code output} of layer {@code from} to input {@code input} of layer {@code to}. */
public record Connection(String id, String from, int output, String to, int input) {}
