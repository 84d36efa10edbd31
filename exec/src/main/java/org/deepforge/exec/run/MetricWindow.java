package org.deepforge.exec.run;

import java.util.OptionalInt;
import java.util.OptionalLong;
import org.deepforge.store.StoreException;

/**
 * Which part of a job's metric series a read returns: the steps from {@code from} to {@code to} (both inclusive; each
 * defaults to the series' own first or last step), and with {@code points} about that many points per series (the
 * minimum and maximum of each of {@code points / 2} step buckets, plus the first and last point), else every point.
 */
public record MetricWindow(OptionalInt points, OptionalLong from, OptionalLong to) {
    public static final int MIN_POINTS = 2;
    public static final int MAX_POINTS = 100_000;
    public static final MetricWindow ALL = new MetricWindow(OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty());

    public MetricWindow {
        if (points.isPresent() && (points.getAsInt() < MIN_POINTS || points.getAsInt() > MAX_POINTS)) {
            throw StoreException.badRequest("points must be from " + MIN_POINTS + " to " + MAX_POINTS + ", not " + points.getAsInt());
        }
        if (from.isPresent() && to.isPresent() && from.getAsLong() > to.getAsLong()) {
            throw StoreException.badRequest("from (" + from.getAsLong() + ") must not be after to (" + to.getAsLong() + ")");
        }
    }
}
