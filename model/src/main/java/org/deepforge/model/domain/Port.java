package org.deepforge.model.domain;

/** One end of a connection: a port of a node in the same pipeline. */
public record Port(String node, String port) {}
