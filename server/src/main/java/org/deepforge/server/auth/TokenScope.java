package org.deepforge.server.auth;

import java.util.Locale;

/** What a personal API token may do: read (GETs and project reads) or write (whatever its owner may). */
public enum TokenScope {
    READ, WRITE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TokenScope parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
