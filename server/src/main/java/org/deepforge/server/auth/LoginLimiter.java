package org.deepforge.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after a few failed sign-ins for one account (or many from one address)
 * further attempts are refused for a time that doubles with each failure, up to 15 minutes.
 */
public final class LoginLimiter {
    static final int ACCOUNT_FREE = 5;
    static final int ADDRESS_FREE = 20;
    static final Duration MAX_LOCK = Duration.ofMinutes(15);

    private record State(int failures, Instant lockedUntil) {}

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Clock clock;

    public LoginLimiter(Clock clock) {
        this.clock = clock;
    }

    /** How long to wait before trying again, when an attempt for this account or address is refused now. */
    public Optional<Duration> blocked(String account, String address) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (String key : new String[] {"a:" + account.toLowerCase(Locale.ROOT), "i:" + address}) {
            State s = states.get(key);
            if (s != null && s.lockedUntil().isAfter(now)) {
                Duration d = Duration.between(now, s.lockedUntil());
                wait = d.compareTo(wait) > 0 ? d : wait;
            }
        }
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    public void failed(String account, String address) {
        bump("a:" + account.toLowerCase(Locale.ROOT), ACCOUNT_FREE);
        bump("i:" + address, ADDRESS_FREE);
    }

    public void succeeded(String account, String address) {
        states.remove("a:" + account.toLowerCase(Locale.ROOT));
        states.remove("i:" + address);
    }

    private void bump(String key, int free) {
        Instant now = clock.instant();
        states.compute(key, (k, s) -> {
            int failures = (s == null ? 0 : s.failures()) + 1;
            Instant until = now;
            if (failures >= free) {
                long seconds = 1L << Math.min(failures - free, 20);
                until = now.plus(Duration.ofSeconds(Math.min(seconds, MAX_LOCK.toSeconds())));
            }
            return new State(failures, until);
        });
        if (states.size() > 100_000) {
            states.entrySet().removeIf(e -> e.getValue().lockedUntil().isBefore(now.minus(MAX_LOCK)));
        }
    }
}
