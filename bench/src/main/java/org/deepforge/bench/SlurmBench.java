package org.deepforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.compute.SlurmCompute;
import org.deepforge.exec.run.ArtifactSink;
import org.deepforge.exec.run.Engine;
import org.deepforge.exec.run.JobStatus;
import org.deepforge.exec.run.Placement;
import org.deepforge.exec.run.RunListener;
import org.deepforge.model.Json;
import org.deepforge.ops.analysis.PythonRuntime;

/**
 * Submission rate of the Slurm adapter: 200 trivial jobs submitted through {@link SlurmCompute} from a pool of
 * threads (as the engine submits), against 200 serial {@code sbatch --parsable --wrap=true} calls from a shell
 * loop in the same run. Both sets are submitted held ({@code --hold}) so the measurement is submission alone,
 * not 400 jobs running on the same cores ({@code --run}: not held); all are cancelled afterwards. Also times one status poll of all 200
 * jobs (one squeue call).
 */
final class SlurmBench {
    private SlurmBench() {}

    static void main(String[] args) throws Exception {
        int n = Bench.intArg(args, "--jobs", 200);
        int threads = Bench.intArg(args, "--threads", 16);
        // --run: submit without --hold, so the jobs run (and compete for the cores) while the rest is submitted
        boolean hold = !Arrays.asList(args).contains("--run");
        String held = hold ? " --hold" : "";
        Map<String, String> env = slurmEnv();
        System.out.printf("Slurm submission rate, %d trivial jobs — %s, %d cores, SLURM_CONF=%s%n%n", n, Instant.now(),
                Runtime.getRuntime().availableProcessors(), env.get("SLURM_CONF"));
        Path dir = Files.createTempDirectory("deepforge-slurm-bench");

        // baseline: the scheduler's own client in a shell loop
        String loop = "for i in $(seq " + n + "); do sbatch --parsable" + held + " -o /dev/null --job-name=deepforge-bench-baseline --wrap=true; done";
        System.out.println("baseline command: bash -c '" + loop + "'");
        ProcessBuilder shell = new ProcessBuilder("bash", "-c", loop).directory(dir.toFile());
        shell.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = shell.start();
        String ids = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        double baseline = (System.nanoTime() - t0) / 1e9;
        List<String> baselineIds = ids.lines().filter(l -> !l.isBlank()).toList();
        System.out.printf("%-52s: %4d jobs in %6.3f s = %7.1f jobs/s%n", "serial sbatch --parsable" + held + " --wrap=true (shell)",
                baselineIds.size(), baseline, baselineIds.size() / baseline);

        SlurmCompute slurm = new SlurmCompute(env);
        ObjectNode config = Json.MAPPER.createObjectNode().put("cpus", 1);
        if (hold) {
            config.putArray("extraSbatch").add("#SBATCH --hold");
        }
        List<Path> bundles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path b = Files.createDirectories(dir.resolve("run").resolve("job" + i));
            Files.writeString(b.resolve("main.py"), "pass\n");
            bundles.add(b);
        }
        System.out.println("adapter: SlurmCompute.submit(bundle, {}, " + config + ") from " + threads + " threads");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<ComputeAdapter.Handle>> futures = new ArrayList<>();
        t0 = System.nanoTime();
        for (Path b : bundles) {
            futures.add(pool.submit(() -> slurm.submit(b, Map.of(), config)));
        }
        List<ComputeAdapter.Handle> handles = new ArrayList<>();
        for (Future<ComputeAdapter.Handle> f : futures) {
            handles.add(f.get());
        }
        double adapter = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        System.out.printf("%-52s: %4d jobs in %6.3f s = %7.1f jobs/s (%.1f× the shell loop; target ≥ 10 jobs/s)%n",
                "SlurmCompute.submit, " + threads + " threads (writes slurm.sh)", handles.size(), adapter, handles.size() / adapter,
                (handles.size() / adapter) / (baselineIds.size() / baseline));

        Thread.sleep(400); // past the adapter's answer cache: the next poll asks Slurm
        t0 = System.nanoTime();
        long waiting = handles.stream().filter(h -> slurm.state(h) instanceof ComputeAdapter.State.Waiting).count();
        double poll = (System.nanoTime() - t0) / 1e6;
        System.out.printf("%-52s: %6.1f ms (one squeue call; %d of %d jobs waiting; the first: %s)%n", "status of all " + n + " jobs",
                poll, waiting, n, slurm.state(handles.get(0)));

        double engineRate = engineDag(n, slurm, config, dir);
        System.out.printf("%-52s: %4d jobs in %6.3f s = %7.1f jobs/s (%.1f× the shell loop; target ≥ 10 jobs/s)%n",
                "engine, a " + n + "-job DAG (bundles + sbatch)", n, n / engineRate, engineRate, engineRate / (baselineIds.size() / baseline));

        List<String> all = new ArrayList<>(baselineIds);
        handles.forEach(h -> all.add(h.ref()));
        List<String> scancel = new ArrayList<>(List.of("scancel"));
        scancel.addAll(all);
        ProcessBuilder cancel = new ProcessBuilder(scancel).inheritIO();
        cancel.environment().putAll(env);
        cancel.start().waitFor();
        System.out.printf("%ncancelled the %d benchmark jobs%n", all.size());
    }

    /**
     * Jobs per second the engine submits for a DAG of {@code n} independent operations on Slurm: from starting the
     * execution until every job has its Slurm id (bundle written, sbatch answered). The jobs are cancelled after.
     */
    static double engineDag(int n, SlurmCompute slurm, ObjectNode config, Path dir) throws Exception {
        String python = System.getenv().getOrDefault("DEEPFORGE_PYTHON", "/usr/bin/python3");
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        JsonNode model = DagBench.model(n, python, runtime);
        CountDownLatch submitted = new CountDownLatch(n);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (Engine engine = new Engine(new BundleWriter(runtime.root(), true),
                new Placement(slurm, config, null), ArtifactSink.NONE, dir.resolve("engine"), 2,
                new RunListener() {
                    @Override
                    public void status(String execution, String job, JobStatus status, String message) {
                        if (status == JobStatus.FAILED) {
                            System.err.println(job + " failed: " + message);
                        }
                    }

                    @Override
                    public void console(String execution, String job, List<String> lines) {}

                    @Override
                    public void position(String execution, String job, String handle, long console, long events) {
                        if (handle != null && seen.add(job)) {
                            submitted.countDown();
                        }
                    }

                    @Override
                    public void finished(String execution, JobStatus status) {}
                })) {
            long t0 = System.nanoTime();
            engine.start("slurm-bench", model, "p");
            if (!submitted.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (n - submitted.getCount()) + " of " + n + " jobs were submitted");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long c0 = System.nanoTime();
            engine.cancel("slurm-bench");
            System.out.printf("%-52s: %6.3f s for all %d jobs (scancel each at once; target ≤ 2 s)%n", "engine, cancel the execution",
                    (System.nanoTime() - c0) / 1e9, n);
            return n / seconds;
        }
    }

    /** SLURM_CONF of a Slurm that answers: the environment's, else the one scripts/slurm-local starts. */
    private static Map<String, String> slurmEnv() throws Exception {
        String conf = System.getenv("SLURM_CONF");
        if (conf != null) {
            return Map.of("SLURM_CONF", conf);
        }
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.isExecutable(here.resolve("scripts/slurm-local"))) {
            here = here.getParent();
        }
        if (here == null) {
            throw new IllegalStateException("no SLURM_CONF and no scripts/slurm-local above " + Path.of("").toAbsolutePath()
                    + ": run from the repository or export SLURM_CONF");
        }
        Process p = new ProcessBuilder(here.resolve("scripts/slurm-local").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("scripts/slurm-local failed:\n" + out);
        }
        String line = out.lines().filter(l -> l.startsWith("export SLURM_CONF=")).reduce((a, b) -> b).orElseThrow();
        return Map.of("SLURM_CONF", line.substring("export SLURM_CONF=".length()).strip());
    }
}
