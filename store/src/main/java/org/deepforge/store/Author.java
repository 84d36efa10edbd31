package org.deepforge.store;

/** Who made a change: the user id, a display name and an e-mail for the git commit. */
public record Author(String id, String name, String email) {}
