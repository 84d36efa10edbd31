package org.deepforge.exec.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.deepforge.exec.adapter.AdapterKind;
import org.deepforge.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs on a Slurm cluster through the scheduler's own commands ({@code sbatch --parsable}, {@code squeue},
 * {@code scontrol}, {@code sacct}, {@code scancel}), on this machine or on a login node over SSH. Each job is a
 * batch script {@code slurm.sh} in its bundle that runs {@code python -u main.py} there with a clean environment
 * ({@code --export=NONE} plus the variables a job needs), appending its output to {@code console.log}. The handle's
 * ref is the Slurm job id, so a restarted server finds its jobs again; the bundle's {@code slurm.json} says which
 * cluster (which login node) runs it.
 */
public final class SlurmCompute implements ComputeAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmCompute.class);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Variables of the server's passed on to jobs: the language settings, never paths or credentials (the cluster has its own). */
    private static final List<String> PASSED_ON = List.of("LANG", "LC_ALL", "TZ");
    private static final long CANCEL_WAIT_MILLIS = 10_000;

    private final SlurmTransport.Local local;
    private final Map<SlurmTransport, SlurmQueue> queues = new ConcurrentHashMap<>();
    private final Map<String, SlurmTransport> clusters = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** Uses the Slurm commands on this machine with the server's SLURM_CONF (if any). */
    public SlurmCompute() {
        this(Map.of());
    }

    /** Uses the Slurm commands on this machine with these variables for them, e.g. {@code SLURM_CONF}. */
    public SlurmCompute(Map<String, String> clientEnv) {
        this.local = SlurmTransport.Local.of(clientEnv);
    }

    @Override
    public String name() {
        return "slurm";
    }

    /** The declaration of this adapter: its options' schema, checked by the schema and then by {@link #validate}. */
    public AdapterKind<ComputeAdapter> kind() {
        return AdapterKind.compute(this, "Slurm cluster");
    }

    @Override
    public JsonNode configSchema() {
        return SlurmConfig.schema();
    }

    @Override
    public void validate(JsonNode config) {
        SlurmConfig c = SlurmConfig.parse(config);
        if (c.ssh().isEmpty() && !onPath("sbatch", local.env().get("PATH"))) {
            throw new IllegalArgumentException("this server has no Slurm client (sbatch is not on its PATH): give the login node "
                    + "of your cluster under \"ssh\", or install the Slurm client here (apt-get install slurm-client)");
        }
    }

    /** Whether an executable named {@code name} is in one of the directories of {@code path}. */
    static boolean onPath(String name, String path) {
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int maxSubmitted(JsonNode config) {
        try {
            return SlurmConfig.parse(config).maxQueued();
        } catch (IllegalArgumentException e) {
            return SlurmConfig.DEFAULT_MAX_QUEUED;
        }
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public Handle submit(Path bundle, Map<String, String> env, JsonNode config) throws IOException {
        SlurmConfig c = SlurmConfig.parse(config);
        Path dir = bundle.toAbsolutePath().normalize();
        if (c.sharedDir().isPresent() && !dir.startsWith(c.sharedDir().get())) {
            throw new IllegalArgumentException("the job's directory " + dir + " is not under the shared directory "
                    + c.sharedDir().get() + " that the compute nodes see: put the server's work directory under it"
                    + " (or clear \"sharedDir\" if this directory is shared too)");
        }
        String script = script(dir, env, c);
        Files.writeString(dir.resolve("slurm.sh"), script);
        SlurmTransport transport = c.ssh().isPresent() ? c.ssh().get() : local;
        Files.write(dir.resolve("slurm.json"), Json.fileBytes(describe(transport)));
        // the script travels on stdin, so a login node need not see this file system at submission
        SlurmTransport.Result r = transport.run(List.of("sbatch", "--parsable"), script);
        String id = r.out().strip().split(";")[0];
        if (!r.ok() || !id.matches("\\d+(_\\d+)?")) {
            throw new IOException("sbatch did not accept the job: " + (r.err().isBlank() ? r.out() : r.err()).strip());
        }
        clusters.put(id + "@" + dir, transport);
        queue(transport).submitted(id);
        return new Handle(name(), id, dir);
    }

    @Override
    public State state(Handle handle) {
        return queue(transport(handle)).state(handle.ref(), false);
    }

    @Override
    public void cancel(Handle handle) {
        SlurmTransport transport = transport(handle);
        SlurmQueue queue = queue(transport);
        try {
            SlurmTransport.Result r = transport.run(List.of("scancel", handle.ref()), null);
            if (!r.ok()) {
                LOG.warn("scancel {}: {}", handle.ref(), r.err().strip());
            }
        } catch (IOException e) {
            LOG.warn("scancel {} failed", handle.ref(), e);
            return;
        }
        // Slurm reports CANCELLED once the job's processes are gone (COMPLETING while it kills them)
        long deadline = System.currentTimeMillis() + CANCEL_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            State s = queue.state(handle.ref(), true);
            if (s instanceof State.Exited || s instanceof State.Lost) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The cluster's partitions and nodes ({@code sinfo}) and this user's jobs ({@code squeue --me}), for a status page. */
    public JsonNode status() {
        return status(Json.MAPPER.createObjectNode());
    }

    /** As {@link #status()}, for the cluster this config submits to. */
    public JsonNode status(JsonNode config) {
        SlurmConfig c = SlurmConfig.parse(config);
        SlurmTransport transport = c.ssh().isPresent() ? c.ssh().get() : local;
        ObjectNode status = Json.MAPPER.createObjectNode();
        status.set("cluster", describe(transport));
        table(status, "partitions", transport, List.of("sinfo", "-h", "-o", "%P|%a|%l|%D|%T|%N|%C"),
                List.of("partition", "available", "timeLimit", "nodes", "state", "nodeList", "cpus(allocated/idle/other/total)"));
        table(status, "nodes", transport, List.of("sinfo", "-h", "-N", "-o", "%N|%P|%T|%c|%m|%G|%E"),
                List.of("node", "partition", "state", "cpus", "memoryMB", "gres", "reason"));
        table(status, "jobs", transport, List.of("squeue", "-h", "--me", "-o", "%i|%j|%T|%r|%M|%l|%P|%D|%C"),
                List.of("id", "name", "state", "reason", "time", "timeLimit", "partition", "nodes", "cpus"));
        return status;
    }

    private static void table(ObjectNode status, String name, SlurmTransport transport, List<String> command, List<String> columns) {
        ArrayNode rows = status.putArray(name);
        try {
            SlurmTransport.Result r = transport.run(command, null);
            if (!r.ok()) {
                status.putObject("errors").put(name, r.err().strip());
                return;
            }
            for (String line : r.out().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                ObjectNode row = rows.addObject();
                for (int i = 0; i < columns.size() && i < f.length; i++) {
                    row.put(columns.get(i), f[i].strip());
                }
            }
        } catch (IOException e) {
            status.withObject("/errors").put(name, e.getMessage());
        }
    }

    /** The batch script: Slurm options, the job's environment, then Python in place of the shell (so signals reach it). */
    static String script(Path dir, Map<String, String> env, SlurmConfig c) {
        String where = dir.toString();
        if (where.contains("\n") || where.contains("\r")) {
            throw new IllegalArgumentException("the job's directory may not contain a line break: " + where);
        }
        String escaped = where.replace("%", "%%"); // sbatch expands %j and the like in file names
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("#SBATCH --job-name=").append(jobName(dir)).append('\n');
        s.append("#SBATCH --output=").append(escaped).append("/console.log\n");
        s.append("#SBATCH --open-mode=append\n");
        s.append("#SBATCH --chdir=").append(where).append('\n');
        s.append("#SBATCH --export=NONE\n");
        for (String line : c.sbatchLines()) {
            s.append(line).append('\n');
        }
        s.append("# written by DeepForge; runs the job's main.py with only the variables below added\n");
        // --export=NONE gives a job its user's login environment only where sbatch runs as root; elsewhere PATH may be unset
        s.append("export PATH=\"${PATH:-/usr/local/bin:/usr/bin:/bin}\"\n");
        for (Map.Entry<String, String> e : environment(dir, env, c).entrySet()) {
            s.append("export ").append(e.getKey()).append('=').append(SlurmTransport.shellQuote(e.getValue())).append('\n');
        }
        c.activate().ifPresent(a -> s.append(a).append('\n'));
        s.append("exec ").append(SlurmTransport.shellQuote(c.python())).append(" -u main.py\n");
        return s.toString();
    }

    /** What the job needs besides the cluster's login environment: thread limits, the event channel, {@code env}. */
    private static Map<String, String> environment(Path dir, Map<String, String> env, SlurmConfig c) {
        Map<String, String> e = new TreeMap<>();
        System.getenv().forEach((k, v) -> {
            if (PASSED_ON.contains(k)) {
                e.put(k, v);
            }
        });
        e.put("OMP_NUM_THREADS", Integer.toString(c.cpus()));
        e.put("MKL_NUM_THREADS", Integer.toString(c.cpus()));
        e.put("OPENBLAS_NUM_THREADS", "1");
        e.put("PYTHONUNBUFFERED", "1");
        e.put("PYTHONDONTWRITEBYTECODE", "1");
        e.put("DEEPFORGE_EVENTS", dir.resolve("events.jsonl").toString());
        for (Map.Entry<String, String> x : env.entrySet()) {
            if (!ENV_NAME.matcher(x.getKey()).matches()) {
                throw new IllegalArgumentException("environment variable name \"" + x.getKey() + "\" is not valid for a shell");
            }
            e.put(x.getKey(), x.getValue());
        }
        return e;
    }

    /** {@code deepforge-<execution>-<job>}: the bundle's parent and own directory names, as Slurm shows them in squeue. */
    static String jobName(Path dir) {
        String parent = dir.getParent() == null || dir.getParent().getFileName() == null ? "" : dir.getParent().getFileName() + "-";
        String name = ("deepforge-" + parent + dir.getFileName()).replaceAll("[^A-Za-z0-9_.-]", "_");
        return name.length() > 100 ? name.substring(0, 100) : name;
    }

    private SlurmQueue queue(SlurmTransport transport) {
        return queues.computeIfAbsent(transport, t -> new SlurmQueue(t, () -> listeners.forEach(Runnable::run)));
    }

    /** Which cluster runs the job: known from its submission, else from the bundle's slurm.json (after a restart). */
    private SlurmTransport transport(Handle handle) {
        return clusters.computeIfAbsent(handle.ref() + "@" + handle.bundle().toAbsolutePath().normalize(), k -> {
            Path file = handle.bundle().resolve("slurm.json");
            try {
                if (Files.exists(file)) {
                    JsonNode cluster = Json.MAPPER.readTree(file.toFile());
                    if (cluster.has("ssh")) {
                        ObjectNode config = Json.MAPPER.createObjectNode();
                        config.set("ssh", cluster.get("ssh"));
                        return SlurmConfig.parse(config).ssh().map(SlurmTransport.class::cast).orElse(local);
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("cannot read {}: {}", file, e.getMessage());
            }
            return local;
        });
    }

    /** Where a job was submitted, as written to the bundle's slurm.json (no secrets: at most a key file's path). */
    private static ObjectNode describe(SlurmTransport transport) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        if (transport instanceof SlurmTransport.Ssh ssh) {
            ObjectNode s = d.putObject("ssh").put("host", ssh.host());
            ssh.user().ifPresent(u -> s.put("user", u));
            ssh.identityFile().ifPresent(f -> s.put("identityFile", f.toString()));
            if (ssh.port() != 22) {
                s.put("port", ssh.port());
            }
            ssh.knownHostsFile().ifPresent(f -> s.put("knownHostsFile", f.toString()));
        } else {
            d.put("local", true);
        }
        return d;
    }
}
