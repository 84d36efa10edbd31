package org.deepforge.exec.compute;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Slurm that tests run against: the one SLURM_CONF points at when it answers, else a single-node Slurm on
 * loopback started by {@code scripts/slurm-local} (idempotent, so every test class may ask). Without slurm-wlm
 * installed the tests fail and say how to install it, unless DEEPFORGE_SKIP_SLURM=1.
 */
public final class SlurmCluster {
    private static Map<String, String> env;

    private SlurmCluster() {}

    /** The variables the Slurm client commands need (SLURM_CONF), starting the local cluster if none answers. */
    public static synchronized Map<String, String> clientEnv() {
        if (env != null) {
            return env;
        }
        Assumptions.assumeFalse("1".equals(System.getenv("DEEPFORGE_SKIP_SLURM")), "DEEPFORGE_SKIP_SLURM=1: Slurm tests skipped");
        if (!Files.isExecutable(Path.of("/usr/bin/sbatch"))) {
            fail("Slurm is not installed (no /usr/bin/sbatch): run apt-get install slurm-wlm munge"
                    + " (or set DEEPFORGE_SKIP_SLURM=1 to skip the Slurm tests)");
        }
        String conf = System.getenv("SLURM_CONF");
        if (conf != null && answers(conf)) {
            env = Map.of("SLURM_CONF", conf);
            return env;
        }
        Path script = Path.of("..", "scripts", "slurm-local").toAbsolutePath().normalize();
        try {
            Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("scripts/slurm-local could not start a local Slurm:\n" + out);
            }
            String line = out.lines().filter(l -> l.startsWith("export SLURM_CONF=")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("scripts/slurm-local printed no SLURM_CONF:\n" + out));
            env = Map.of("SLURM_CONF", line.substring("export SLURM_CONF=".length()).strip());
            return env;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a Slurm command (e.g. scancel) as a user at a terminal would. */
    static String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
        b.environment().putAll(clientEnv());
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static boolean answers(String conf) {
        try {
            ProcessBuilder b = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true);
            b.environment().put("SLURM_CONF", conf);
            Process p = b.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0
                    && out.lines().anyMatch(l -> l.startsWith("idle") || l.startsWith("mixed") || l.startsWith("alloc"));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
