package org.deepforge.exec.compute;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.deepforge.exec.compute.ComputeAdapter.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs one cluster runs for us, as the scheduler last reported them. One {@code squeue} call answers for
 * every tracked job and its answer is reused for {@link #FRESH_MILLIS}, so polling 200 jobs costs one call per
 * cycle, not 200. Jobs the queue no longer lists are looked up once in {@code scontrol} and {@code sacct}
 * (or the job-completion log via {@code sacct -c} where accounting is off); final states are kept.
 */
final class SlurmQueue {
    static final long FRESH_MILLIS = 300;
    private static final long FRESH_NANOS = FRESH_MILLIS * 1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(SlurmQueue.class);
    private static final int IDS_PER_CALL = 500;

    /** One job as {@code squeue} lists it; {@code exit} is the raw wait status (exit code << 8 | signal). */
    record Job(String id, String state, String reason, String timeLimit, int exit) {}

    /** An answer of the scheduler, and when the question was asked. */
    private record Snapshot(long askedAt, Map<String, Job> jobs, Optional<String> error) {}

    private final SlurmTransport transport;
    private final Runnable changed;
    /** Jobs not known to be finished, with when we started following them. */
    private final Map<String, Long> tracked = new ConcurrentHashMap<>();
    private final Map<String, State> finals = new ConcurrentHashMap<>();
    private final Object refreshing = new Object();
    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE / 4, Map.of(), Optional.empty()); // never asked (no overflow in now - askedAt)

    private final LongSupplier nanoClock;

    SlurmQueue(SlurmTransport transport, Runnable changed) {
        this(transport, changed, System::nanoTime);
    }

    /** With the clock answers' freshness is measured by (tests move it instead of waiting). */
    SlurmQueue(SlurmTransport transport, Runnable changed, LongSupplier nanoClock) {
        this.transport = transport;
        this.changed = changed;
        this.nanoClock = nanoClock;
    }

    /** Follows a job just submitted: until the next poll it reads as waiting, without asking Slurm. */
    void submitted(String id) {
        tracked.put(id, now());
    }

    /** The job's state from an answer at most {@link #FRESH_MILLIS} old ({@code fresh}: asked from now on). */
    State state(String id, boolean fresh) {
        State done = finals.get(id);
        if (done != null) {
            return done;
        }
        long now = now();
        Long since = tracked.putIfAbsent(id, now);
        Snapshot s = snapshot;
        if (fresh) {
            s = refresh(now);
        } else if (since == null) {
            // a job this instance did not submit (a server restart): ask about it at once
            s = refresh(now);
        } else if (now - s.askedAt() > FRESH_NANOS) {
            s = refresh(now - FRESH_NANOS);
        }
        Job job = s.jobs().get(id);
        if (job != null) {
            return remember(id, SlurmStates.of(job));
        }
        if (s.askedAt() <= tracked.getOrDefault(id, Long.MIN_VALUE)) {
            return new State.Waiting("PENDING (submitted)");
        }
        if (s.error().isPresent()) {
            return new State.Waiting("cannot reach Slurm: " + s.error().get());
        }
        return remember(id, history(id));
    }

    private State remember(String id, State state) {
        if (state instanceof State.Exited || state instanceof State.Lost) {
            finals.put(id, state);
            tracked.remove(id);
        }
        return state;
    }

    /** A snapshot asked at or after {@code notBefore}: the current one, or a new one (one caller asks, the others wait for it). */
    private Snapshot refresh(long notBefore) {
        Snapshot before;
        Snapshot after;
        synchronized (refreshing) {
            before = snapshot;
            if (before.askedAt() >= notBefore) {
                return before;
            }
            after = ask();
            snapshot = after;
        }
        if (!after.jobs().isEmpty() && changed(before, after)) {
            changed.run();
        }
        return after;
    }

    private static boolean changed(Snapshot before, Snapshot after) {
        for (Job j : after.jobs().values()) {
            Job was = before.jobs().get(j.id());
            if (was == null || !was.state().equals(j.state())) {
                return true;
            }
        }
        return false;
    }

    private Snapshot ask() {
        long askedAt = now();
        List<String> ids = new ArrayList<>(tracked.keySet());
        Map<String, Job> jobs = new HashMap<>();
        for (int i = 0; i < ids.size(); i += IDS_PER_CALL) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + IDS_PER_CALL));
            try {
                SlurmTransport.Result r = transport.run(List.of("squeue", "-h", "-t", "all", "-j", String.join(",", chunk),
                        "-O", "JobID:|,State:|,Reason:|,TimeLimit:|,exit_code:|"), null);
                if (!r.ok() && !r.err().contains("Invalid job id")) {
                    LOG.warn("squeue failed ({}): {}", r.exit(), r.err().strip());
                    return new Snapshot(askedAt, jobs, Optional.of("squeue: " + r.err().strip()));
                }
                for (String line : r.out().split("\n")) {
                    String[] f = line.split("\\|", -1);
                    if (f.length >= 5 && !f[0].isBlank()) {
                        jobs.put(f[0].strip(), new Job(f[0].strip(), f[1].strip(), f[2].strip(), f[3].strip(), parseInt(f[4])));
                    }
                }
            } catch (IOException e) {
                return new Snapshot(askedAt, jobs, Optional.of(e.getMessage()));
            }
        }
        return new Snapshot(askedAt, Map.copyOf(jobs), Optional.empty());
    }

    /** How a job that the queue no longer lists ended: scontrol, then accounting, then the job-completion log. */
    private State history(String id) {
        try {
            SlurmTransport.Result r = transport.run(List.of("scontrol", "show", "job", "-o", id), null);
            if (r.ok() && r.out().contains("JobState=")) {
                Map<String, String> f = SlurmStates.fields(r.out());
                return SlurmStates.of(f.get("JobState"), f.getOrDefault("Reason", "None"), f.getOrDefault("TimeLimit", ""),
                        f.getOrDefault("ExitCode", "0:0"));
            }
            if (!r.ok() && !r.err().contains("Invalid job id")) {
                // not "no such job" but a failure to ask: never call a job lost for that
                return new State.Waiting("cannot reach Slurm: scontrol: " + r.err().strip());
            }
            List<String> format = List.of("-n", "-P", "-X", "-j", id, "-o", "JobID,State,ExitCode,Timelimit");
            r = transport.run(concat(List.of("sacct"), format), null);
            if (!r.ok() || r.out().isBlank()) {
                r = transport.run(concat(List.of("sacct", "-c"), format), null);
            }
            for (String line : r.out().split("\n")) {
                String[] f = line.split("\\|", -1);
                if (f.length >= 4 && f[0].strip().equals(id)) {
                    return SlurmStates.of(f[1].strip().split(" ")[0], "None", f[3].strip(), f[2].strip());
                }
            }
            return new State.Lost("Slurm no longer knows job " + id + " (neither squeue, scontrol nor sacct lists it)");
        } catch (IOException e) {
            return new State.Waiting("cannot reach Slurm: " + e.getMessage());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private long now() {
        return nanoClock.getAsLong();
    }
}
