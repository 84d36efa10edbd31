package org.deepforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.compute.WarmPython;
import org.deepforge.exec.run.Engine;
import org.deepforge.exec.run.JobStatus;
import org.deepforge.exec.run.RunListener;
import org.deepforge.model.Json;
import org.deepforge.ops.OperationRules;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;

/**
 * Per-task overhead of a DAG of trivial Python tasks on 2 slots: the DeepForge engine (cold processes
 * and warm-start forks) against Debian's snakemake -j2 and GNU make -j2 running the same DAG in the
 * same run. Each task runs Python once; a task's own work is measured as {@code python3 -c pass}.
 */
final class DagBench {
    private DagBench() {}

    static void main(String[] args) throws Exception {
        int n = Bench.intArg(args, "--tasks", 200);
        int slots = 2;
        String python = System.getenv().getOrDefault("DEEPFORGE_PYTHON", "/usr/bin/python3");
        Path dir = Files.createTempDirectory("deepforge-dag-bench");
        System.out.printf("DAG of %d trivial Python tasks on %d slots — %s, %d cores%n%n", n, slots, java.time.Instant.now(),
                Runtime.getRuntime().availableProcessors());

        double work = 0;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            new ProcessBuilder(python, "-c", "pass").start().waitFor();
            if (i >= 5) {
                work += (System.nanoTime() - t0) / 1e6;
            }
        }
        work /= 15;
        System.out.printf("one task's own work (python -c pass)         : %7.2f ms%n%n", work);

        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        // jobs run in the bubblewrap sandbox, as the server runs them; --no-sandbox measures them unconfined
        boolean sandboxed = !java.util.Arrays.asList(args).contains("--no-sandbox");
        org.deepforge.exec.sandbox.JobIsolation isolation = sandboxed ? org.deepforge.exec.sandbox.JobIsolation.detect(true)
                : new org.deepforge.exec.sandbox.JobIsolation.Unconfined();
        if (isolation instanceof org.deepforge.exec.sandbox.JobIsolation.Refused r) {
            throw new IllegalStateException(r.message());
        }
        Optional<org.deepforge.exec.sandbox.Sandbox> sandbox = isolation instanceof org.deepforge.exec.sandbox.JobIsolation.Sandboxed s
                ? Optional.of(s.sandbox()) : Optional.empty();
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Optional<Path> jobsRoot = sandbox.map(s -> runs);
        System.out.printf("jobs %s%n%n", sandboxed ? "in the bubblewrap sandbox" : "unconfined (--no-sandbox)");
        JsonNode model = model(n, python, runtime);
        double cold = engine(model, n, slots, new LocalCompute(python, 1, Optional.empty(), Optional.empty(), isolation), runtime,
                runs.resolve("cold"));
        report("DeepForge engine, cold processes", cold, n, slots, work);
        try (WarmPython warm = new WarmPython(python, runtime.root(), java.util.Map.of(), WarmPython.HEAVY, sandbox, jobsRoot).start();
             WarmPython light = new WarmPython(python, runtime.root(), java.util.Map.of(), WarmPython.LIGHT, sandbox, jobsRoot).start()) {
            Thread.sleep(3000); // both zygotes finish their imports
            LocalCompute warmCompute = new LocalCompute(python, 1, Optional.of(warm), Optional.of(light), isolation);
            engine(model, Math.min(n, 20), slots, warmCompute, runtime, runs.resolve("warmup"));
            // rounds alternate the three runners; on 2 shared cores one round moves by ±30 %, so medians are reported
            int rounds = Bench.intArg(args, "--rounds", 5);
            double[] warmRuns = new double[rounds];
            double[] makeRuns = new double[rounds];
            double[] snakeRuns = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                warmRuns[r] = engine(model, n, slots, warmCompute, runtime, runs.resolve("warm" + r));
                makeRuns[r] = external(dir.resolve("make" + r), n, python, true);
                // without Debian's snakemake the engine's figures are still reported (its baseline then reads NaN)
                snakeRuns[r] = hasSnakemake() ? external(dir.resolve("snake" + r), n, python, false) : Double.NaN;
                System.out.printf("round %d: engine warm %5.0f ms, make %5.0f ms, snakemake %5.0f ms%n", r + 1, warmRuns[r], makeRuns[r], snakeRuns[r]);
            }
            double warmMs = median(warmRuns);
            double snake = median(snakeRuns);
            System.out.println();
            report("DeepForge engine, warm start (median)", warmMs, n, slots, work);
            report("GNU make -j2 (median)", median(makeRuns), n, slots, work);
            report("snakemake -j2 (median)", snake, n, slots, work);
            double overheadWarm = Math.max(0.01, warmMs / n - work / slots);
            double overheadSnake = snake / n - work / slots;
            System.out.printf("%nwarm-start overhead per task: %.2f ms (target ≤ 5 ms); snakemake's is %.1f× that (target ≥ 5×); medians of %d rounds%n",
                    overheadWarm, overheadSnake / overheadWarm, rounds);
        }
    }

    static boolean hasSnakemake() {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "snakemake")));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    static void report(String what, double wallMs, int n, int slots, double work) {
        System.out.printf("%-45s: %8.0f ms wall, %6.2f ms per task, overhead %6.2f ms per task%n", what, wallMs, wallMs / n,
                wallMs / n - work / slots);
    }

    static JsonNode model(int n, String python, PythonRuntime runtime) throws Exception {
        ObjectNode model = (ObjectNode) Json.MAPPER.readTree("{\"project\":{\"name\":\"dag\"},\"architectures\":{},\"artifacts\":{},\"utils\":{},"
                + "\"operations\":{\"Tick\":{\"code\":\"class Tick:\\n    def execute(self):\\n        done = 1\\n        return done\\n\"}},"
                + "\"pipelines\":{\"p\":{\"name\":\"dag\",\"nodes\":{},\"connections\":{}}}}");
        ObjectNode nodes = (ObjectNode) model.at("/pipelines/p/nodes");
        for (int i = 0; i < n; i++) {
            nodes.putObject("t" + i).put("operation", "Tick");
        }
        try (Analysis analysis = new Analysis(python, runtime.root(), Duration.ofSeconds(30))) {
            return new OperationRules(analysis).prepare(Json.MAPPER.createObjectNode(), model);
        }
    }

    /** Wall time (ms) for the engine to run the first {@code n} nodes. */
    static double engine(JsonNode full, int n, int slots, LocalCompute compute, PythonRuntime runtime, Path work) throws Exception {
        ObjectNode model = full.deepCopy();
        ObjectNode nodes = (ObjectNode) model.at("/pipelines/p/nodes");
        for (int i = n; nodes.has("t" + i); i++) {
            nodes.remove("t" + i);
        }
        CountDownLatch done = new CountDownLatch(1);
        JobStatus[] result = new JobStatus[1];
        try (Engine engine = new Engine(new BundleWriter(runtime.root(), true), compute, work, slots, new RunListener() {
            @Override
            public void status(String execution, String job, JobStatus status, String message) {
                if (status == JobStatus.FAILED) {
                    System.err.println(job + " failed: " + message);
                }
            }

            @Override
            public void console(String execution, String job, List<String> lines) {}

            @Override
            public void finished(String execution, JobStatus status) {
                result[0] = status;
                done.countDown();
            }
        })) {
            long t0 = System.nanoTime();
            engine.start("bench", model, "p");
            if (!done.await(600, TimeUnit.SECONDS) || result[0] != JobStatus.SUCCESS) {
                throw new IllegalStateException("the benchmark DAG did not succeed: " + result[0]);
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /** Wall time (ms) of make -j2 or snakemake -j2 on the same DAG: n independent tasks, each one Python run. */
    static double external(Path dir, int n, String python, boolean make) throws Exception {
        Files.createDirectories(dir.resolve("out"));
        StringBuilder b = new StringBuilder();
        if (make) {
            b.append("all:");
            for (int i = 0; i < n; i++) {
                b.append(" out/t").append(i);
            }
            b.append("\n\nout/t%:\n\t@").append(python).append(" -c pass && touch $@\n");
            Files.writeString(dir.resolve("Makefile"), b.toString());
        } else {
            b.append("rule all:\n    input: expand(\"out/t{i}\", i=range(").append(n).append("))\n\n");
            b.append("rule t:\n    output: \"out/t{i}\"\n    shell: \"").append(python).append(" -c pass && touch {output}\"\n");
            Files.writeString(dir.resolve("Snakefile"), b.toString());
        }
        ProcessBuilder pb = make ? new ProcessBuilder("make", "-j2", "-s") : new ProcessBuilder("snakemake", "-j2", "-q", "--nolock");
        pb.directory(dir.toFile()).redirectErrorStream(true).environment().put("USER", "bench");
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException((make ? "make" : "snakemake") + " failed: " + out);
        }
        return (System.nanoTime() - t0) / 1e6;
    }
}
