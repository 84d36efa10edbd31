package org.deepforge.exec.run;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.deepforge.store.StoreException;

/**
 * Times as the run database stores them: ISO-8601 UTC with exactly six fractional digits, so that text order is time
 * order (an {@link Instant#toString()} drops trailing zero digits, and "…:05Z" would sort after "…:05.1Z").
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    /** {@code t} as the run database (and any other text column compared with it) stores times. */
    public static String format(Instant t) {
        return FORMAT.format(t);
    }

    static String now() {
        return format(Instant.now());
    }

    /**
     * The instant a time filter's query parameter {@code name} gives: an ISO-8601 instant or offset date-time, or a date
     * (UTC), meaning its start or, with {@code endOfDay} (an exclusive upper bound), the start of the next day. Empty
     * when {@code value} is null or blank; a 400 naming the parameter when it is neither.
     */
    public static Optional<Instant> parse(String name, String value, boolean endOfDay) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String s = value.strip();
        try {
            if (s.length() == 10) {
                LocalDate day = LocalDate.parse(s);
                return Optional.of((endOfDay ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeException e) {
            throw new RunException(StoreException.Kind.BAD_REQUEST, "query parameter \"" + name
                    + "\" is an ISO-8601 date (2026-01-31) or instant (2026-01-31T12:00:00Z), not \"" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "\"");
        }
    }
}
