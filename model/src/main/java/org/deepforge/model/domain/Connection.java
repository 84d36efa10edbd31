package org.deepforge.model.domain;

/** A value flowing from an output port of one node to an input port of another. */
public record Connection(String id, Port from, Port to) {}
