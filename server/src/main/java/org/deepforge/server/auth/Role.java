package org.deepforge.server.auth;

import java.util.Locale;

/** A user's rights on one project, weakest first: each role includes the rights of those before it. */
public enum Role {
    READER, WRITER, OWNER;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
