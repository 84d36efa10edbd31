package org.deepforge.exec.compute;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deepforge.exec.adapter.AdapterKind;
import org.deepforge.exec.sandbox.JobIsolation;
import org.deepforge.exec.sandbox.Sandbox;
import org.deepforge.model.Json;

/**
 * Runs jobs as local processes. Each job gets its own session and process group ({@code setsid}), its
 * output goes to files in the bundle, and a small shell wrapper records the exit code, so jobs keep
 * running if the server stops and are found again by their process group id. Cancel signals the whole
 * group: TERM, then KILL after a grace period.
 *
 * <p>With a {@link WarmPython}, a job is forked from a zygote that has already imported numpy, torch and
 * matplotlib; the forked job keeps the same contract (session, process group id as the handle, console.log,
 * exitcode file). Whenever the zygote cannot take a job at once, the job starts cold as above.
 *
 * <p>Users' code is untrusted: every job runs in a {@link Sandbox} (see {@link JobIsolation}) that shows it
 * the system read-only, its own bundle and a private /tmp, nothing of the server's data directory, and only
 * its own processes. Cold, {@code bwrap} wraps {@code python}; warm, only a zygote that isolates each job it
 * forks ({@link WarmPython#isolates()}) is used. Without a working sandbox local jobs are refused, unless
 * the operator chose {@link JobIsolation.Unconfined}.
 */
public final class LocalCompute implements ComputeAdapter {
    private static final long GRACE_MILLIS = 1_000;
    private final java.util.List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String python;
    private final int threads;
    private final Optional<WarmPython> warm;
    private final Optional<WarmPython> light;
    private final JobIsolation isolation;

    /** Every job starts a fresh interpreter ({@code python -u main.py}), sandboxed. */
    public LocalCompute(String python, int threadsPerJob) {
        this(python, threadsPerJob, Optional.empty());
    }

    /**
     * With {@code warm} present, jobs are forked from that warm Python when it can take them (it should run
     * the same interpreter as {@code python}); otherwise, and whenever it cannot, they start cold. The caller
     * starts and closes {@code warm}.
     */
    public LocalCompute(String python, int threadsPerJob, Optional<WarmPython> warm) {
        this(python, threadsPerJob, warm, Optional.empty());
    }

    /**
     * Also with a {@code light} warm Python (numpy only), which forks much faster: jobs whose code needs neither
     * torch nor matplotlib nor another heavy library ({@link #light(Path)}) go there.
     */
    public LocalCompute(String python, int threadsPerJob, Optional<WarmPython> warm, Optional<WarmPython> light) {
        this(python, threadsPerJob, warm, light, JobIsolation.detect(true));
    }

    /** With the isolation of jobs chosen by the caller (the server's flags). */
    public LocalCompute(String python, int threadsPerJob, Optional<WarmPython> warm, Optional<WarmPython> light, JobIsolation isolation) {
        this.isolation = isolation;
        this.python = python;
        this.threads = threadsPerJob;
        this.warm = warm;
        this.light = light;
        // a forked job is not this JVM's child: its warm Python says when it ends
        warm.ifPresent(w -> w.onExit(this::changed));
        light.ifPresent(w -> w.onExit(this::changed));
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    @Override
    public String name() {
        return "local";
    }

    /**
     * This adapter without its warm Pythons: every process starts cold in its own sandbox, a child of no zygote. For
     * interactive sessions, which live for hours and start their own kernels; a session directory (one with a
     * {@code session.json}) also gets its whole {@code inputs/} read-only, since the server fills it while the session runs.
     */
    public LocalCompute cold() {
        return new LocalCompute(python, threads, Optional.empty(), Optional.empty(), isolation);
    }

    /** How this adapter confines jobs. */
    public JobIsolation isolation() {
        return isolation;
    }

    /** The declaration of this adapter: its options' schema, checked by the schema and then by {@link #validate}. */
    public AdapterKind<ComputeAdapter> kind() {
        return AdapterKind.compute(this, "This machine");
    }

    @Override
    public JsonNode configSchema() {
        com.fasterxml.jackson.databind.node.ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object").put("title", "This machine");
        boolean allowed = !(isolation instanceof JobIsolation.Sandboxed s) || s.network();
        schema.putObject("properties").putObject("network").put("type", "boolean").put("title", "Network")
                .put("default", allowed).put("description", allowed
                        ? "jobs may reach the network (e.g. presigned links to a bucket); off: they have no network at all"
                        : "this server gives jobs no network");
        return schema;
    }

    @Override
    public void validate(JsonNode config) {
        if (isolation instanceof JobIsolation.Refused r) {
            throw new IllegalArgumentException(r.message());
        }
        JsonNode network = config.path("network");
        if (!network.isMissingNode() && !network.isNull() && !network.isBoolean()) {
            throw new IllegalArgumentException("\"network\" of the local adapter is true or false, not " + network);
        }
        if (network.asBoolean(false) && isolation instanceof JobIsolation.Sandboxed s && !s.network()) {
            throw new IllegalArgumentException("this server gives jobs no network (--no-job-network); leave \"network\" out or false");
        }
    }

    /** Whether this job may use the network: the server allows it and the execution did not turn it off. */
    private boolean network(JsonNode config) {
        boolean server = !(isolation instanceof JobIsolation.Sandboxed s) || s.network();
        return server && config.path("network").asBoolean(true);
    }

    @Override
    public Handle submit(Path bundle, Map<String, String> env, JsonNode config) throws IOException {
        if (isolation instanceof JobIsolation.Refused r) {
            throw new IOException(r.message());
        }
        Files.deleteIfExists(bundle.resolve("exitcode"));
        Map<String, String> environment = environment(bundle, env);
        boolean network = network(config);
        Optional<WarmPython> zygote = light.isPresent() && light(bundle) ? light : warm;
        if (isolation instanceof JobIsolation.Sandboxed) {
            zygote = zygote.filter(WarmPython::isolates); // a zygote that does not confine its jobs is never used then
        }
        if (zygote.isPresent()) {
            // what the cold path's sh adds: PWD, the job's directory
            Map<String, String> forked = new HashMap<>(environment);
            forked.put("PWD", bundle.toRealPath().toString());
            Optional<Long> pgid = zygote.get().fork(bundle, forked, network);
            if (pgid.isPresent()) {
                return new Handle(name(), Long.toString(pgid.get()), bundle); // its zygote tells when it ends
            }
        }
        return watched(cold(bundle, environment, network));
    }

    /** Libraries whose import makes a job "heavy": it is forked from the warm Python that preloaded them. */
    private static final Pattern HEAVY = Pattern.compile("\\b(torch|matplotlib|pyplot|sklearn|astropy|scipy|pandas|tensorflow)\\b");

    /**
     * Whether the job in {@code bundle} needs nothing but numpy and the standard library: it references no
     * architecture (those are torch modules) and neither its operation nor the utils name a heavy library.
     */
    static boolean light(Path bundle) {
        try {
            JsonNode job = Json.MAPPER.readTree(bundle.resolve("job.json").toFile());
            for (JsonNode reference : job.path("references")) {
                if (reference.path("id").isTextual()) {
                    return false;
                }
            }
            for (String dir : List.of("operations", "utils")) {
                try (Stream<Path> files = Files.list(bundle.resolve(dir))) {
                    for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".py")).toList()) {
                        if (HEAVY.matcher(Files.readString(f)).find()) {
                            return false;
                        }
                    }
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // the full warm Python runs anything
        }
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Tells the listeners when the job's leading process (this JVM's child) ends, so the engine need not wait for its next look. */
    private Handle watched(Handle handle) {
        ProcessHandle.of(Long.parseLong(handle.ref())).ifPresent(p -> p.onExit().thenRun(this::changed));
        return handle;
    }

    /** The job's whole environment: a few variables of the server's, thread limits, the event channel, {@code env}. */
    private Map<String, String> environment(Path bundle, Map<String, String> env) {
        Map<String, String> e = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (WarmPython.PASSED_ON.contains(k)) {
                e.put(k, v);
            }
        });
        e.put("OMP_NUM_THREADS", Integer.toString(threads));
        e.put("OPENBLAS_NUM_THREADS", "1");
        e.put("MKL_NUM_THREADS", Integer.toString(threads));
        e.put("PYTHONUNBUFFERED", "1");
        e.put("PYTHONDONTWRITEBYTECODE", "1");
        e.put("DEEPFORGE_EVENTS", bundle.resolve("events.jsonl").toString());
        if (!(isolation instanceof JobIsolation.Unconfined)) {
            // the server's home and temporary directory are not in the sandbox; its private /tmp is
            e.put("HOME", "/tmp");
            e.put("TMPDIR", "/tmp");
        }
        e.putAll(env);
        return e;
    }

    private Handle cold(Path bundle, Map<String, String> environment, boolean network) throws IOException {
        // the exit code lands in a file (written via a temp file, so readers never see it half written); the
        // shell runs outside the sandbox, the job inside
        String script = "\"$@\" > console.log 2>&1; echo $? > exitcode.tmp && mv exitcode.tmp exitcode";
        List<String> job = List.of(python, "-u", "main.py");
        if (isolation instanceof JobIsolation.Sandboxed s) {
            Path dir = bundle.toRealPath();
            Sandbox.Spec spec = Sandbox.Spec.job(dir, readOnly(dir), network);
            if (Files.exists(dir.resolve("session.json"))) {
                spec = spec.withReadOnlyInside(dir.resolve("inputs"));
            }
            job = s.sandbox().command(spec, job);
        }
        List<String> command = new java.util.ArrayList<>(List.of("setsid", "sh", "-c", script, "sh"));
        command.addAll(job);
        ProcessBuilder builder = new ProcessBuilder(command).directory(bundle.toFile());
        Map<String, String> e = builder.environment();
        e.clear();
        e.putAll(environment);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        // setsid execs sh in place, so the process id is also the id of the job's process group
        return new Handle(name(), Long.toString(process.pid()), bundle);
    }

    /**
     * What a cold job reads besides the system and its bundle: the interpreter, and what the links at the top of its bundle
     * point to (the runtime its {@code deepforge} link points to, the packages of the project's libraries).
     */
    private List<Path> readOnly(Path bundle) throws IOException {
        List<Path> paths = new java.util.ArrayList<>(Sandbox.interpreter(python));
        try (Stream<Path> entries = Files.list(bundle)) {
            for (Path link : entries.filter(Files::isSymbolicLink).sorted().toList()) {
                Path target = link.toRealPath();
                if (!target.startsWith(bundle)) {
                    paths.add(target);
                }
            }
        }
        return paths;
    }

    @Override
    public State state(Handle handle) {
        Path exit = handle.bundle().resolve("exitcode");
        if (Files.exists(exit)) {
            try {
                return new State.Exited(Integer.parseInt(Files.readString(exit).strip()));
            } catch (IOException | NumberFormatException e) {
                return new State.Lost("its exit code could not be read: " + e.getMessage());
            }
        }
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(handle.ref()));
        if (process.isPresent() && process.get().isAlive()) {
            return new State.Running();
        }
        // it may have finished between the two checks
        if (Files.exists(exit)) {
            return state(handle);
        }
        return new State.Lost("its process " + handle.ref() + " ended without recording an exit code (killed from outside?)");
    }

    @Override
    public void cancel(Handle handle) {
        String group = "-" + handle.ref();
        signal("TERM", group);
        long deadline = System.currentTimeMillis() + GRACE_MILLIS;
        while (System.currentTimeMillis() < deadline && groupAlive(handle.ref())) {
            sleep(50);
        }
        if (groupAlive(handle.ref())) {
            signal("KILL", group);
        }
    }

    /** Whether any process of the group is still running (zombies, which are only waiting to be reaped, do not count). */
    static boolean groupAlive(String pgid) {
        java.io.File[] procs = new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
        if (procs == null) {
            return false;
        }
        for (java.io.File proc : procs) {
            try {
                String stat = Files.readString(proc.toPath().resolve("stat"));
                // pid (comm) state ppid pgrp ...: comm may hold spaces or parentheses, so parse after the last ')'
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (fields[2].equals(pgid) && !fields[0].equals("Z") && !fields[0].equals("X")) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                // the process ended while we looked
            }
        }
        return false;
    }

    private static void signal(String signal, String target) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, "--", target).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing left to signal
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
