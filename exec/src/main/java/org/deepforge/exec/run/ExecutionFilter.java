package org.deepforge.exec.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.deepforge.store.StoreException;

/**
 * Which of a project's executions a request means: of one pipeline, in some statuses, started by one user, created
 * from {@code since} (inclusive) until {@code until} (exclusive). Parsed once from query parameters by {@link #parse},
 * so that listing executions and any bulk operation on them read the same parameters the same way.
 */
public record ExecutionFilter(Optional<String> pipeline, Set<JobStatus> statuses, Optional<String> user, Optional<Instant> since,
                              Optional<Instant> until) {
    /** Every execution. */
    public static final ExecutionFilter ALL = new ExecutionFilter(Optional.empty(), Set.of(), Optional.empty(), Optional.empty(), Optional.empty());

    /** The statuses an execution (not a job) can have. */
    static final Set<JobStatus> EXECUTION_STATUSES = Set.copyOf(EnumSet.of(JobStatus.PENDING, JobStatus.RUNNING, JobStatus.SUCCESS,
            JobStatus.FAILED, JobStatus.CANCELLED));

    private static final int MAX_TEXT = 200;

    public ExecutionFilter {
        statuses = Set.copyOf(statuses);
    }

    /** Executions of {@code pipeline} only. */
    public static ExecutionFilter ofPipeline(String pipeline) {
        return new ExecutionFilter(Optional.of(pipeline), Set.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The filter that query parameters {@code pipeline}, {@code status} (comma-separated), {@code user}, {@code since}
     * and {@code until} (ISO-8601 instants, or dates: {@code since} from the start of that day, {@code until} through
     * its end, UTC) describe; {@code query} answers a parameter's value or null. A bad value is a 400 naming the parameter.
     */
    public static ExecutionFilter parse(Function<String, String> query) {
        Optional<Instant> since = time(query, "since", false);
        Optional<Instant> until = time(query, "until", true);
        if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
            throw bad("query parameter \"since\" (" + since.get() + ") must be before \"until\" (" + until.get() + ")");
        }
        return new ExecutionFilter(text(query, "pipeline"), statuses(query.apply("status")), text(query, "user"), since, until);
    }

    private static Optional<String> text(Function<String, String> query, String name) {
        String v = query.apply(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        if (v.length() > MAX_TEXT) {
            throw bad("query parameter \"" + name + "\" is " + v.length() + " characters; at most " + MAX_TEXT);
        }
        return Optional.of(v.strip());
    }

    private static Set<JobStatus> statuses(String v) {
        if (v == null || v.isBlank()) {
            return Set.of();
        }
        Set<JobStatus> out = EnumSet.noneOf(JobStatus.class);
        for (String s : v.split(",")) {
            Optional<JobStatus> status = EXECUTION_STATUSES.stream().filter(e -> e.id().equals(s.strip())).findFirst();
            if (status.isEmpty()) {
                throw bad("query parameter \"status\" is a comma-separated list of " + names() + "; \"" + clip(s.strip()) + "\" is none of them");
            }
            out.add(status.get());
        }
        return out;
    }

    private static String names() {
        return Arrays.stream(JobStatus.values()).filter(EXECUTION_STATUSES::contains).map(JobStatus::id).collect(Collectors.joining(", "));
    }

    private static Optional<Instant> time(Function<String, String> query, String name, boolean endOfDay) {
        return Timestamps.parse(name, query.apply(name), endOfDay);
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static RunException bad(String message) {
        return new RunException(StoreException.Kind.BAD_REQUEST, message);
    }

    /** The SQL condition (to follow {@code WHERE project = ?}) selecting these executions; its arguments are added to {@code args}. */
    String sql(List<String> args) {
        List<String> terms = new ArrayList<>();
        pipeline.ifPresent(p -> {
            terms.add("pipeline = ?");
            args.add(p);
        });
        if (!statuses.isEmpty()) {
            terms.add("status IN (" + statuses.stream().map(s -> "?").collect(Collectors.joining(", ")) + ")");
            statuses.stream().sorted().forEach(s -> args.add(s.id()));
        }
        user.ifPresent(u -> {
            terms.add("user_id = ?");
            args.add(u);
        });
        since.ifPresent(t -> {
            terms.add("created >= ?");
            args.add(Timestamps.format(t));
        });
        until.ifPresent(t -> {
            terms.add("created < ?");
            args.add(Timestamps.format(t));
        });
        return terms.stream().map(t -> " AND " + t).collect(Collectors.joining());
    }
}
