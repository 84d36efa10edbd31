package org.deepforge.exec.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Times as the run database stores them: ISO-8601 UTC with exactly six fractional digits, so that text order is time
 * order (an {@link Instant#toString()} drops trailing zero digits, and "…:05Z" would sort after "…:05.1Z").
 */
final class Timestamps {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    static String format(Instant t) {
        return FORMAT.format(t);
    }

    static String now() {
        return format(Instant.now());
    }
}
