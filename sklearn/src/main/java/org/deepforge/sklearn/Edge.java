package org.deepforge.sklearn;

/** A connection: output {@code output} of layer {@code from} feeds input {@code input} of layer {@code to}. */
record Edge(String id, String from, int output, String to, int input) {}
