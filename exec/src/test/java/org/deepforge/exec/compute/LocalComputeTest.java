package org.deepforge.exec.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.compute.ComputeAdapter.Handle;
import org.deepforge.exec.compute.ComputeAdapter.State;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local adapter, cold ({@code setsid sh -c ...}) and warm (forked from the zygote): same contract. */
class LocalComputeTest {
    static final String PYTHON = "/usr/bin/python3";
    static final Duration JOB = Duration.ofSeconds(20);

    /** Every test's bundles lie in the jobs directory the sandboxed zygote was started for. */
    static Path jobs;
    Path dir;

    static WarmPython warm;
    static LocalCompute cold;
    static LocalCompute warmCompute;

    @BeforeAll
    static void startZygote() throws Exception {
        // the zygote runs the repository's deepforge package (python/), as the server runs the unpacked runtime
        Path runtime = Path.of("..", "python").toAbsolutePath().normalize();
        assertThat(runtime.resolve("deepforge/zygote.py")).exists();
        jobs = Files.createTempDirectory("deepforge-jobs");
        warm = new WarmPython(PYTHON, runtime, Map.of(), WarmPython.HEAVY, Optional.of(sandbox()), Optional.of(jobs)).start();
        cold = new LocalCompute(PYTHON, 1);
        warmCompute = new LocalCompute(PYTHON, 1, Optional.of(warm));
        assertThat(warm.awaitReady(Duration.ofSeconds(30))).as("zygote ready").isTrue();
    }

    static org.deepforge.exec.sandbox.Sandbox sandbox() {
        var probe = org.deepforge.exec.sandbox.Sandbox.probe();
        assertThat(probe).as("bubblewrap works here").isInstanceOf(org.deepforge.exec.sandbox.Sandbox.Probe.Works.class);
        return ((org.deepforge.exec.sandbox.Sandbox.Probe.Works) probe).sandbox();
    }

    @org.junit.jupiter.api.BeforeEach
    void testDirectory() throws IOException {
        dir = Files.createTempDirectory(jobs, "t");
    }

    @AfterAll
    static void stopZygote() {
        if (warm != null) {
            warm.close();
        }
    }

    Path bundle(String name, String mainPy) throws IOException {
        Path b = Files.createDirectories(dir.resolve(name));
        Files.writeString(b.resolve("main.py"), mainPy);
        return b;
    }

    static State finished(LocalCompute compute, Handle handle) {
        await().atMost(JOB).pollInterval(Duration.ofMillis(10)).until(() -> !(compute.state(handle) instanceof State.Running));
        return compute.state(handle);
    }

    /** Whether the job's process (group leader) is a child of this JVM (cold) or of the zygote (warm). */
    static boolean startedCold(Handle handle) {
        return ProcessHandle.of(Long.parseLong(handle.ref())).flatMap(ProcessHandle::parent)
                .map(p -> p.pid() == ProcessHandle.current().pid()).orElse(false);
    }

    static final String HELLO = """
            import json, os, sys
            print("hello from", os.path.basename(os.getcwd()))
            print("to stderr", file=sys.stderr)
            json.dump({"env": dict(os.environ), "argv": sys.argv, "pgid": os.getpgid(0), "sid": os.getsid(0), "pid": os.getpid()},
                      open("info.json", "w"))
            """;

    /** A bundle as BundleWriter lays it out: the operation, the utils, job.json with its references. */
    Path jobBundle(String name, String operation, String util, String reference) throws IOException {
        Path b = bundle(name, "pass\n");
        Files.createDirectories(b.resolve("operations"));
        Files.createDirectories(b.resolve("utils"));
        Files.writeString(b.resolve("operations/Op.py"), operation);
        Files.writeString(b.resolve("utils/helpers.py"), util);
        Files.writeString(b.resolve("job.json"), "{\"references\": {\"model\": {\"kind\": \"architecture\", \"id\": "
                + (reference == null ? "null" : "\"" + reference + "\"") + "}}}");
        return b;
    }

    @Test
    void theAdapterChoosesTheLightWarmPythonForJobsThatNeedNoHeavyLibrary() throws Exception {
        assertThat(LocalCompute.light(jobBundle("plain", "import numpy as np\nclass Op: pass\n", "", null))).isTrue();
        assertThat(LocalCompute.light(jobBundle("torch", "import torch\nclass Op: pass\n", "", null))).isFalse();
        assertThat(LocalCompute.light(jobBundle("util", "class Op: pass\n", "from matplotlib import pyplot\n", null))).isFalse();
        assertThat(LocalCompute.light(jobBundle("arch", "class Op: pass\n", "", "a1"))).as("an architecture is a torch module").isFalse();
        assertThat(LocalCompute.light(bundle("bare", "pass\n"))).as("unknown: the full warm Python").isFalse();
    }

    @Test
    void aBundleLinkingALibraryPackageOutsideWhatTheZygoteShowsStartsColdAndSeesItReadOnly() throws Exception {
        Path library = Files.createTempDirectory("deepforge-library");
        try {
            Files.createDirectories(library.resolve("fakelib"));
            Files.writeString(library.resolve("fakelib/__init__.py"), "SEEN = 'the library'\n");
            Path b = bundle("library", "import fakelib\nprint('imported', fakelib.SEEN)\n"
                    + "try:\n    open(fakelib.__file__, 'a')\nexcept OSError as e:\n    print('read-only:', e.strerror)\n");
            Files.createSymbolicLink(b.resolve("fakelib"), library.resolve("fakelib").toRealPath());
            long forked = warm.forked();
            Handle h = warmCompute.submit(b, Map.of(), Json.MAPPER.createObjectNode());
            assertThat(warm.forked()).as("the zygote's sandbox does not show the library: cold").isEqualTo(forked);
            assertThat(startedCold(h)).isTrue();
            assertThat(finished(warmCompute, h)).as(Files.readString(b.resolve("console.log"))).isEqualTo(new State.Exited(0));
            assertThat(Files.readString(b.resolve("console.log"))).isEqualTo("imported the library\nread-only: Read-only file system\n");
        } finally {
            org.deepforge.exec.sandbox.UntrustedTree.delete(library);
        }
    }

    @Test
    void coldAndWarmRunAPlainMainPyToExitedZero() throws Exception {
        for (var c : List.of(Map.entry("cold", cold), Map.entry("warm", warmCompute))) {
            Path b = bundle(c.getKey(), HELLO);
            long forked = warm.forked();
            Handle h = c.getValue().submit(b, Map.of("EXTRA", "x y"), Json.MAPPER.createObjectNode());
            assertThat(warm.forked() - forked).as(c.getKey()).isEqualTo(c.getKey().equals("warm") ? 1 : 0);
            assertThat(h.adapter()).isEqualTo("local");
            assertThat(finished(c.getValue(), h)).as(c.getKey()).isEqualTo(new State.Exited(0));
            assertThat(Files.readString(b.resolve("console.log")))
                    .isEqualTo("hello from " + c.getKey() + "\nto stderr\n");
            var info = Json.MAPPER.readTree(b.resolve("info.json").toFile());
            // the job is in the handle's process group, whose leader is outside the job's PID namespace (cold: the
            // shell that records the exit code, the job PID 2 under bwrap's init) or the job itself (warm: made by the
            // zygote as PID 1 of a new namespace)
            long leader = c.getKey().equals("warm") ? 1 : 0;
            assertThat(info.path("pid").asLong()).as(c.getKey() + ": the job's pid in its namespace").isEqualTo(c.getKey().equals("warm") ? 1 : 2);
            assertThat(info.path("pgid").asLong()).as("the group leader").isEqualTo(leader);
            assertThat(info.path("sid").asLong()).isEqualTo(leader);
            assertThat(info.path("argv").get(0).asText()).isEqualTo("main.py");
            assertThat(info.path("env").path("EXTRA").asText()).isEqualTo("x y");
            assertThat(info.path("env").path("OMP_NUM_THREADS").asText()).isEqualTo("1");
            assertThat(info.path("env").path("DEEPFORGE_EVENTS").asText()).isEqualTo(b.resolve("events.jsonl").toString());
            assertThat(info.path("env").has("PYTHONPATH")).as("the zygote's PYTHONPATH is not the job's").isFalse();
            assertThat(Files.readString(b.resolve("exitcode"))).isEqualTo("0\n");
        }
        // both paths give the job the same environment (but for the bundle's own directory and event channel)
        var coldEnv = (ObjectNode) Json.MAPPER.readTree(dir.resolve("cold/info.json").toFile()).path("env");
        var warmEnv = (ObjectNode) Json.MAPPER.readTree(dir.resolve("warm/info.json").toFile()).path("env");
        for (var c : List.of(Map.entry("cold", coldEnv), Map.entry("warm", warmEnv))) {
            assertThat(c.getValue().path("PWD").asText()).isEqualTo(dir.resolve(c.getKey()).toRealPath().toString());
            c.getValue().remove(List.of("DEEPFORGE_EVENTS", "PWD"));
        }
        assertThat(warmEnv).isEqualTo(coldEnv);
    }

    @Test
    void exitCodesAndFailuresMatch() throws Exception {
        for (var c : List.of(Map.entry("cold", cold), Map.entry("warm", warmCompute))) {
            Path three = bundle(c.getKey() + "-3", "import sys\nprint('three')\nsys.exit(3)\n");
            Path boom = bundle(c.getKey() + "-boom", "raise ValueError('path x.npy does not exist')\n");
            Handle h3 = c.getValue().submit(three, Map.of(), Json.MAPPER.createObjectNode());
            Handle hb = c.getValue().submit(boom, Map.of(), Json.MAPPER.createObjectNode());
            assertThat(finished(c.getValue(), h3)).as(c.getKey()).isEqualTo(new State.Exited(3));
            assertThat(finished(c.getValue(), hb)).as(c.getKey()).isEqualTo(new State.Exited(1));
            assertThat(Files.readString(three.resolve("console.log"))).isEqualTo("three\n");
            assertThat(Files.readString(boom.resolve("console.log")))
                    .startsWith("Traceback (most recent call last):\n")
                    .endsWith("ValueError: path x.npy does not exist\n")
                    .doesNotContain("zygote");
        }
    }

    @Test
    void cancelKillsTheWholeGroupWithinFiveSeconds() throws Exception {
        String code = """
                import os, subprocess, time
                child = subprocess.Popen(["sleep", "60"])
                open("pids", "w").write("%d %d" % (os.getpid(), child.pid))
                time.sleep(60)
                """;
        for (var c : List.of(Map.entry("cold", cold), Map.entry("warm", warmCompute))) {
            Path b = bundle(c.getKey(), code);
            Handle h = c.getValue().submit(b, Map.of(), Json.MAPPER.createObjectNode());
            assertThat(startedCold(h)).as(c.getKey()).isEqualTo(c.getKey().equals("cold"));
            await().atMost(JOB).until(() -> Files.exists(b.resolve("pids")) && Files.readString(b.resolve("pids")).contains(" "));
            // the pids the job wrote are its namespace's; from here, every process of its group and its namespace
            List<Long> pids = new ArrayList<>(group(h.ref()));
            List<String> namespaces = pids.stream().map(LocalComputeTest::pidNamespace).distinct()
                    .filter(ns -> !ns.equals(pidNamespace(ProcessHandle.current().pid()))).toList();
            assertThat(namespaces).as(c.getKey() + ": the job has a PID namespace of its own").hasSize(1);
            pids.addAll(inNamespace(namespaces.get(0)));
            // cold: the shell that records the exit code, bwrap, the job and its sleep; warm: the job (its namespace's
            // init) and its sleep
            assertThat(pids.size()).as(c.getKey() + ": the job and its sleep at least").isGreaterThanOrEqualTo(c.getKey().equals("cold") ? 3 : 2);
            assertThat(c.getValue().state(h)).isEqualTo(new State.Running());
            long t = System.nanoTime();
            c.getValue().cancel(h);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> pids.stream().noneMatch(LocalComputeTest::running) && inNamespace(namespaces.get(0)).isEmpty());
            long millis = (System.nanoTime() - t) / 1_000_000;
            assertThat(c.getValue().state(h)).as(c.getKey()).isNotEqualTo(new State.Running());
            if (c.getKey().equals("warm")) {
                // PID 1 of its namespace, it still ends on the TERM, as a process killed by it (not by the KILL after the grace)
                assertThat(c.getValue().state(h)).as("warm").isEqualTo(new State.Exited(128 + 15));
            }
            System.out.printf("[local] %s cancel: job, its subprocess and the group leader gone in %d ms; state %s%n",
                    c.getKey(), millis, c.getValue().state(h));
        }
        assertThat(warm.isReady()).as("the zygote is not in a job's group").isTrue();
    }

    @Test
    void aKilledZygoteFallsBackToColdThenWarmsUpAgain() throws Exception {
        long old = warm.pid().orElseThrow();
        int starts = warm.starts();
        ProcessHandle.of(old).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(old).map(p -> !p.isAlive()).orElse(true));

        Path b1 = bundle("during", "print('still runs')\n");
        long forked = warm.forked();
        Handle h1 = warmCompute.submit(b1, Map.of(), Json.MAPPER.createObjectNode());
        assertThat(warm.forked()).as("started cold").isEqualTo(forked);
        assertThat(finished(warmCompute, h1)).isEqualTo(new State.Exited(0));
        assertThat(Files.readString(b1.resolve("console.log"))).isEqualTo("still runs\n");

        assertThat(warm.awaitReady(Duration.ofSeconds(30))).as("restarted in the background").isTrue();
        assertThat(warm.starts()).isGreaterThan(starts);
        assertThat(warm.pid()).isPresent().get().isNotEqualTo(old);

        Path b2 = bundle("after", "import time\nprint('warm again')\ntime.sleep(0.5)\n");
        Handle h2 = warmCompute.submit(b2, Map.of(), Json.MAPPER.createObjectNode());
        assertThat(warm.forked()).as("started warm").isEqualTo(forked + 1);
        assertThat(startedCold(h2)).as("forked from the new zygote").isFalse();
        // the zygote runs under bwrap, whose process warm.pid() is
        assertThat(ProcessHandle.of(Long.parseLong(h2.ref())).flatMap(ProcessHandle::parent).flatMap(ProcessHandle::parent)
                .map(ProcessHandle::pid)).contains(warm.pid().orElseThrow());
        assertThat(finished(warmCompute, h2)).isEqualTo(new State.Exited(0));
        assertThat(Files.readString(b2.resolve("console.log"))).isEqualTo("warm again\n");
    }

    /** How much faster a warm start is is a figure for bench/ (bench/run dag); here: which way each job starts. */
    @Test
    void jobsImportingTorchStartWarmFromTheZygoteAndColdWithoutIt() throws Exception {
        assertThat(warm.awaitReady(Duration.ofSeconds(30))).isTrue();
        boolean haveTorch = new ProcessBuilder(PYTHON, "-c", "import torch").start().waitFor() == 0;
        String code = haveTorch ? "import numpy, torch, matplotlib\nprint('imported')\n" : "print('imported')\n";
        for (int i = 0; i < 3; i++) {
            for (boolean w : new boolean[] {false, true}) {
                LocalCompute c = w ? warmCompute : cold;
                Path b = bundle((w ? "w" : "c") + i, code);
                long forked = warm.forked();
                Handle h = c.submit(b, Map.of(), Json.MAPPER.createObjectNode());
                assertThat(warm.forked() - forked).isEqualTo(w ? 1 : 0);
                assertThat(startedCold(h)).isEqualTo(!w);
                assertThat(finished(c, h)).isEqualTo(new State.Exited(0));
                assertThat(Files.readString(b.resolve("console.log"))).isEqualTo("imported\n");
            }
        }
    }

    /** Host pids of the processes in this process group. */
    static List<Long> group(String pgid) {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2].equals(pgid)) {
                    pids.add(p.pid());
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        });
        return pids;
    }

    static String pidNamespace(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid")).toString();
        } catch (IOException e) {
            return "gone";
        }
    }

    /** Host pids of the live processes in this PID namespace. */
    static List<Long> inNamespace(String ns) {
        return ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(p -> pidNamespace(p).equals(ns) && running(p)).toList();
    }

    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException e) {
            return false;
        }
    }
}
