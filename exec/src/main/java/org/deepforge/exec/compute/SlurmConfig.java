package org.deepforge.exec.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.deepforge.model.Json;

/**
 * A Slurm job's configuration as the run dialog sends it, validated: every value that ends up in the batch
 * script is checked here, so a config can never inject a line into it. Bad values throw
 * {@link IllegalArgumentException} with a message that says what to fix.
 */
record SlurmConfig(Optional<String> partition, int cpus, Optional<String> memory, int gpus, Optional<String> timeLimit,
                   Optional<String> account, List<String> extraSbatch, String python, Optional<String> activate,
                   Optional<Path> sharedDir, Optional<SlurmTransport.Ssh> ssh, int maxQueued) {
    static final String DEFAULT_PYTHON = "/usr/bin/python3";
    static final int DEFAULT_MAX_QUEUED = 500;

    private static final Set<String> KEYS = Set.of("partition", "cpus", "memory", "gpus", "timeLimit", "account", "extraSbatch",
            "python", "activate", "sharedDir", "ssh", "maxQueued",
            // the adapter's own name (the run request names it): it means nothing to sbatch
            "adapter");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.,+-]{1,128}");
    private static final Pattern MEMORY = Pattern.compile("[0-9]{1,9}[KMGT]?");
    // minutes | minutes:seconds | hours:minutes:seconds | days-hours[:minutes[:seconds]]
    private static final Pattern TIME = Pattern.compile("[0-9]{1,7}|[0-9]{1,7}:[0-9]{1,2}|[0-9]{1,5}:[0-9]{1,2}:[0-9]{1,2}"
            + "|[0-9]{1,4}-[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2})?)?");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.:-]{1,253}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}");

    /** The JSON Schema shown in the run dialog. */
    static JsonNode schema() {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object").put("title", "Slurm cluster");
        ObjectNode p = schema.putObject("properties");
        p.putObject("partition").put("type", "string").put("description", "Slurm partition (queue); the cluster's default when empty");
        p.putObject("cpus").put("type", "integer").put("minimum", 1).put("default", 1)
                .put("description", "CPUs for the job (--cpus-per-task); also its OMP_NUM_THREADS");
        p.putObject("memory").put("type", "string").put("pattern", "^[0-9]+[KMGT]?$").put("description", "memory, e.g. 4G (--mem)");
        p.putObject("gpus").put("type", "integer").put("minimum", 0).put("default", 0).put("description", "GPUs (--gres=gpu:N)");
        p.putObject("timeLimit").put("type", "string")
                .put("description", "time limit: minutes, HH:MM:SS or D-HH:MM:SS (--time); the partition's when empty");
        p.putObject("account").put("type", "string").put("description", "account to charge (--account)");
        p.putObject("extraSbatch").put("type", "array").put("description", "extra lines for the batch script, each starting with #SBATCH")
                .putObject("items").put("type", "string").put("pattern", "^#SBATCH[^\\n\\r]*$");
        p.putObject("python").put("type", "string").put("default", DEFAULT_PYTHON)
                .put("description", "Python interpreter on the compute nodes (python3 from PATH when activate is set)");
        p.putObject("activate").put("type", "string")
                .put("description", "a line run before Python to set up its environment, e.g. source /opt/venv/bin/activate");
        p.putObject("sharedDir").put("type", "string")
                .put("description", "directory shared by the server and the compute nodes; jobs must run under it");
        p.putObject("maxQueued").put("type", "integer").put("minimum", 1).put("default", DEFAULT_MAX_QUEUED)
                .put("description", "how many jobs may wait in the cluster's queue at once");
        ObjectNode ssh = p.putObject("ssh").put("type", "object")
                .put("description", "submit through a login node (key authentication only, never a password)");
        ObjectNode sp = ssh.putObject("properties");
        sp.putObject("host").put("type", "string");
        sp.putObject("user").put("type", "string");
        sp.putObject("identityFile").put("type", "string").put("description", "path of the private key on the server");
        sp.putObject("port").put("type", "integer").put("minimum", 1).put("maximum", 65535);
        sp.putObject("knownHostsFile").put("type", "string")
                .put("description", "known_hosts file holding the login node's host key (default: the server user's ~/.ssh/known_hosts)");
        ssh.putArray("required").add("host");
        ssh.put("additionalProperties", false);
        return schema;
    }

    /** Reads and checks a config; a missing or null config means all defaults. */
    static SlurmConfig parse(JsonNode config) {
        if (config == null || config.isNull() || config.isMissingNode()) {
            config = Json.MAPPER.createObjectNode();
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException("Slurm config must be a JSON object, not " + config.getNodeType());
        }
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("Slurm config has an unknown key \"" + key + "\"; known keys: "
                        + String.join(", ", KEYS.stream().filter(k -> !k.equals("adapter")).sorted().toList()));
            }
        }
        Optional<String> partition = name(config, "partition");
        int cpus = integer(config, "cpus", 1, 1);
        Optional<String> memory = text(config, "memory").map(m -> {
            if (!MEMORY.matcher(m).matches()) {
                throw new IllegalArgumentException("Slurm config \"memory\" must be a number with an optional unit K, M, G or T"
                        + " (e.g. \"4G\"), not \"" + m + "\"");
            }
            return m;
        });
        int gpus = integer(config, "gpus", 0, 0);
        Optional<String> timeLimit = timeLimit(config.get("timeLimit"));
        Optional<String> account = name(config, "account");
        List<String> extra = extraSbatch(config.get("extraSbatch"));
        Optional<String> activate = text(config, "activate").map(a -> singleLine("activate", a));
        String python = text(config, "python").map(p -> singleLine("python", p))
                .orElse(activate.isPresent() ? "python3" : DEFAULT_PYTHON);
        Optional<Path> sharedDir = text(config, "sharedDir").map(d -> {
            Path path = Path.of(singleLine("sharedDir", d));
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("Slurm config \"sharedDir\" must be an absolute path, not \"" + d + "\"");
            }
            return path.normalize();
        });
        Optional<SlurmTransport.Ssh> ssh = ssh(config.get("ssh"));
        int maxQueued = integer(config, "maxQueued", DEFAULT_MAX_QUEUED, 1);
        return new SlurmConfig(partition, cpus, memory, gpus, timeLimit, account, extra, python, activate, sharedDir, ssh, maxQueued);
    }

    /** The #SBATCH lines these settings stand for (the adapter adds the job's name, output and directory). */
    List<String> sbatchLines() {
        List<String> lines = new ArrayList<>();
        partition.ifPresent(p -> lines.add("#SBATCH --partition=" + p));
        lines.add("#SBATCH --cpus-per-task=" + cpus);
        memory.ifPresent(m -> lines.add("#SBATCH --mem=" + m));
        if (gpus > 0) {
            lines.add("#SBATCH --gres=gpu:" + gpus);
        }
        timeLimit.ifPresent(t -> lines.add("#SBATCH --time=" + t));
        account.ifPresent(a -> lines.add("#SBATCH --account=" + a));
        lines.addAll(extraSbatch);
        return lines;
    }

    private static Optional<String> text(JsonNode config, String key) {
        JsonNode v = config.get(key);
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("Slurm config \"" + key + "\" must be a string, not " + v);
        }
        return Optional.of(v.asText().strip());
    }

    private static Optional<String> name(JsonNode config, String key) {
        return text(config, key).map(v -> {
            if (!NAME.matcher(v).matches()) {
                throw new IllegalArgumentException("Slurm config \"" + key + "\" may hold only letters, digits and _ . , + -, not \"" + v + "\"");
            }
            return v;
        });
    }

    private static int integer(JsonNode config, String key, int fallback, int min) {
        JsonNode v = config.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw new IllegalArgumentException("Slurm config \"" + key + "\" must be a whole number, not " + v);
        }
        if (v.asInt() < min) {
            throw new IllegalArgumentException("Slurm config \"" + key + "\" must be at least " + min + ", not " + v.asInt());
        }
        return v.asInt();
    }

    private static Optional<String> timeLimit(JsonNode v) {
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
            return Optional.empty();
        }
        if (v.isIntegralNumber()) {
            if (v.asLong() < 1) {
                throw new IllegalArgumentException("Slurm config \"timeLimit\" must be at least 1 minute, not " + v);
            }
            return Optional.of(Long.toString(v.asLong()));
        }
        String t = v.isTextual() ? v.asText().strip() : v.toString();
        if (!v.isTextual() || !TIME.matcher(t).matches()) {
            throw new IllegalArgumentException("Slurm config \"timeLimit\" must be minutes (e.g. 30), \"HH:MM:SS\" or \"D-HH:MM:SS\", not "
                    + v);
        }
        return Optional.of(t);
    }

    private static List<String> extraSbatch(JsonNode v) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("Slurm config \"extraSbatch\" must be an array of lines like \"#SBATCH --qos=short\"");
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode line = ((ArrayNode) v).get(i);
            String where = "Slurm config \"extraSbatch\" line " + (i + 1);
            if (!line.isTextual()) {
                throw new IllegalArgumentException(where + " must be a string like \"#SBATCH --qos=short\", not " + line);
            }
            String s = line.asText();
            if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                throw new IllegalArgumentException(where + " must be a single line: remove the line break from \""
                        + s.replace("\n", "\\n").replace("\r", "\\r") + "\"");
            }
            if (!s.startsWith("#SBATCH ")) {
                throw new IllegalArgumentException(where + " must start with \"#SBATCH \" (e.g. \"#SBATCH --qos=short\"), not \"" + s + "\"");
            }
            lines.add(s.strip());
        }
        return List.copyOf(lines);
    }

    private static String singleLine(String key, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("Slurm config \"" + key + "\" must be a single line without line breaks");
        }
        return value;
    }

    private static Optional<SlurmTransport.Ssh> ssh(JsonNode v) {
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException("Slurm config \"ssh\" must be an object {\"host\", \"user\", \"identityFile\"}");
        }
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.toLowerCase().contains("pass")) {
                throw new IllegalArgumentException("Slurm config \"ssh\" never takes a password: give \"identityFile\", the path of a"
                        + " private key on the server whose public key the login node accepts");
            }
            if (!Set.of("host", "user", "identityFile", "port", "knownHostsFile").contains(key)) {
                throw new IllegalArgumentException("Slurm config \"ssh\" has an unknown key \"" + key + "\"; known keys: host, user,"
                        + " identityFile, port, knownHostsFile");
            }
        }
        String host = text(v, "host").orElseThrow(() -> new IllegalArgumentException("Slurm config \"ssh\" needs a \"host\" (the login node)"));
        if (!HOST.matcher(host).matches() || host.startsWith("-")) {
            throw new IllegalArgumentException("Slurm config \"ssh.host\" is not a host name: \"" + host + "\"");
        }
        Optional<String> user = text(v, "user");
        if (user.isPresent() && !USER.matcher(user.get()).matches()) {
            throw new IllegalArgumentException("Slurm config \"ssh.user\" is not a user name: \"" + user.get() + "\"");
        }
        Optional<Path> identity = text(v, "identityFile").map(f -> Path.of(singleLine("ssh.identityFile", f)));
        int port = integer(v, "port", 22, 1);
        if (port > 65535) {
            throw new IllegalArgumentException("Slurm config \"ssh.port\" must be at most 65535, not " + port);
        }
        Optional<Path> knownHosts = text(v, "knownHostsFile").map(f -> Path.of(singleLine("ssh.knownHostsFile", f)));
        return Optional.of(new SlurmTransport.Ssh(host, user, identity, port, knownHosts));
    }
}
