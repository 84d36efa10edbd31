package org.deepforge.server.auth;

/** The user a request acts for. */
public record Principal(String id, String name, String email) {}
