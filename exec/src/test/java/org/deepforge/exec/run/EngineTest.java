package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.events.JobEvent;
import org.deepforge.model.Json;
import org.deepforge.ops.OperationRules;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines run as real Python processes on the local adapter. The same cases run through other adapters in
 * subclasses that override {@link #compute()} (e.g. {@link PrivateTreeEngineTest}: jobs without a shared disk).
 */
class EngineTest {
    @TempDir
    Path dir;
    PythonRuntime runtime;
    Engine engine;
    final Map<String, JobStatus> statuses = new ConcurrentHashMap<>();
    final Map<String, String> messages = new ConcurrentHashMap<>();
    final List<String> console = new CopyOnWriteArrayList<>();
    final Map<String, JobStatus> finished = new ConcurrentHashMap<>();
    final List<String> events = new CopyOnWriteArrayList<>();

    /** Where the jobs run. */
    ComputeAdapter compute() {
        return new LocalCompute("/usr/bin/python3", 1);
    }

    @BeforeEach
    void setUp() {
        runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        engine = new Engine(new BundleWriter(runtime.root()), compute(), dir.resolve("runs"), 2,
                new RunListener() {
                    @Override
                    public void status(String execution, String job, JobStatus status, String message) {
                        statuses.put(job, status);
                        if (message != null) {
                            messages.put(job, message);
                        }
                    }

                    @Override
                    public void console(String execution, String job, List<String> lines) {
                        lines.forEach(l -> console.add(job + ": " + l));
                    }

                    @Override
                    public void events(String execution, String job, List<JobEvent> list) {
                        list.forEach(e -> events.add(job + ": " + e.type() + (e instanceof JobEvent.Metric m ? " " + m.name() + "=" + m.value().orElse(Double.NaN) : "")));
                    }

                    @Override
                    public void finished(String execution, JobStatus status) {
                        finished.put(execution, status);
                    }
                });
    }

    /** Processes whose working directory lies under {@code root} (this test's jobs only). */
    static List<Long> processesUnder(Path root) {
        List<Long> found = new java.util.ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                Path cwd = Path.of("/proc", Long.toString(p.pid()), "cwd").toRealPath();
                if (cwd.startsWith(root.toRealPath())) {
                    found.add(p.pid());
                }
            } catch (java.io.IOException | SecurityException e) {
                // gone, or not ours
            }
        });
        return found;
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    JsonNode model(String makeBody) throws Exception {
        return chain(runtime, makeBody);
    }

    /** The three-operation pipeline "p" (make → scale → sum) with {@code makeBody} (JSON-escaped) as Make.execute's body. */
    static JsonNode chain(PythonRuntime runtime, String makeBody) throws Exception {
        ObjectNode model = (ObjectNode) Json.MAPPER.readTree("""
            {"project": {"name": "e"}, "architectures": {}, "artifacts": {}, "utils": {},
             "operations": {
               "Make": {"code": "import time\\nclass Make:\\n    def __init__(self, n=3):\\n        self.n = n\\n\\n    def execute(self):\\n%s"},
               "Scale": {"code": "class Scale:\\n    def __init__(self, factor=2):\\n        self.factor = factor\\n\\n    def execute(self, values):\\n        print('scaling', values)\\n        return [v * self.factor for v in values]\\n"},
               "Sum": {"code": "class Sum:\\n    def execute(self, values):\\n        total = sum(values)\\n        print('total', total)\\n        return total\\n"}},
             "pipelines": {"p": {"name": "chain", "nodes": {
                 "make": {"operation": "Make", "attributes": {"n": 4}},
                 "scale": {"operation": "Scale", "attributes": {"factor": 10}},
                 "sum": {"operation": "Sum"}},
               "connections": {
                 "c1": {"from": {"node": "make", "port": "values"}, "to": {"node": "scale", "port": "values"}},
                 "c2": {"from": {"node": "scale", "port": "output"}, "to": {"node": "sum", "port": "values"}}}}}}
            """.formatted(makeBody));
        try (Analysis analysis = new Analysis("/usr/bin/python3", runtime.root(), Duration.ofSeconds(20))) {
            return new OperationRules(analysis).prepare(Json.MAPPER.createObjectNode(), model);
        }
    }

    @Test
    void aThreeOperationPipelineRunsInOrderWithLiveConsole() throws Exception {
        engine.start("e1", model("        values = list(range(self.n))\\n        print('made', values)\\n        return values\\n"), "p");
        await().atMost(Duration.ofSeconds(60)).until(() -> finished.containsKey("e1"));
        assertThat(finished.get("e1")).isEqualTo(JobStatus.SUCCESS);
        assertThat(statuses).containsEntry("make", JobStatus.SUCCESS).containsEntry("scale", JobStatus.SUCCESS).containsEntry("sum", JobStatus.SUCCESS);
        assertThat(console).contains("make: made [0, 1, 2, 3]", "scale: scaling [0, 1, 2, 3]", "sum: total 60");
    }

    @Test
    void theEventsAJobWritesReachTheListenerAndItsResultsTheDependents() throws Exception {
        engine.start("e6", model("        from deepforge import log_metric\\n        for step in range(3):\\n            log_metric('loss', 1.0 / (step + 1), step=step)\\n"
                + "        values = [1, 2]\\n        return values\\n"), "p");
        await().atMost(Duration.ofSeconds(60)).until(() -> finished.containsKey("e6"));
        assertThat(finished.get("e6")).isEqualTo(JobStatus.SUCCESS);
        assertThat(events).containsSubsequence("make: metric loss=1.0", "make: metric loss=0.5");
        assertThat(console).contains("sum: total 30");
    }

    @Test
    void anEndedJobsEventFileIsDroppedOnceReadAndAFinishedExecutionIsForgotten() throws Exception {
        engine.start("e7", model("        from deepforge import log_metric\\n        for step in range(1000):\\n            log_metric('loss', 1.0 / (step + 1), step=step)\\n"
                + "        values = [1, 2]\\n        return values\\n"), "p");
        await().atMost(Duration.ofSeconds(60)).until(() -> finished.containsKey("e7"));
        assertThat(finished.get("e7")).isEqualTo(JobStatus.SUCCESS);
        assertThat(events.stream().filter(e -> e.startsWith("make: metric loss=")).count()).as("every point passed on first").isEqualTo(1000);
        Path make = dir.resolve("runs/e7/make");
        assertThat(make.resolve("events.jsonl")).as("its events are in the run database").doesNotExist();
        assertThat(make.resolve("results.json")).as("read later by the cache and provenance").exists();
        assertThat(make.resolve("outputs/values/data")).exists();
        assertThat(engine.status("e7", "make")).as("the engine holds running executions only").isEmpty();
    }

    @Test
    void aDownloadedBundleRunStandaloneGivesByteIdenticalOutputs() throws Exception {
        engine.start("e4", model("        values = list(range(self.n))\\n        return values\\n"), "p");
        await().atMost(Duration.ofSeconds(60)).until(() -> finished.containsKey("e4"));
        Path bundle = dir.resolve("runs/e4/scale");
        Path copy = dir.resolve("standalone");
        try (var files = java.nio.file.Files.walk(bundle)) {
            for (Path f : files.toList()) {
                Path rel = bundle.relativize(f);
                if (rel.toString().startsWith("outputs") || rel.toString().equals("results.json") || rel.toString().equals("console.log")) {
                    continue;
                }
                Path to = copy.resolve(rel.toString());
                if (java.nio.file.Files.isDirectory(f)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    java.nio.file.Files.createDirectories(to.getParent());
                    java.nio.file.Files.copy(f, to); // follows the runtime link: the copy stands alone
                }
            }
        }
        Process run = new ProcessBuilder("/usr/bin/python3", "main.py").directory(copy.toFile()).redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor()).as(out).isZero();
        assertThat(java.nio.file.Files.readAllBytes(copy.resolve("outputs/output/data")))
                .isEqualTo(java.nio.file.Files.readAllBytes(bundle.resolve("outputs/output/data")));
    }

    @Test
    void aJobKilledFromOutsideFailsWithinFiveSecondsWithAMessage() throws Exception {
        engine.start("e5", model("        print('working', flush=True)\\n        time.sleep(120)\\n        values = []\\n        return values\\n"), "p");
        await().atMost(Duration.ofSeconds(60)).until(() -> console.contains("make: working"));
        for (Long pid : processesUnder(dir)) {
            ProcessHandle.of(pid).filter(h -> h.info().command().orElse("").contains("python")).ifPresent(ProcessHandle::destroyForcibly);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> statuses.get("make") == JobStatus.FAILED);
        assertThat(messages.get("make")).contains("killed by signal 9");
        assertThat(statuses).containsEntry("scale", JobStatus.SKIPPED);
    }

    @Test
    void aFailingOperationFailsWithItsExceptionLineAndSkipsDependents() throws Exception {
        engine.start("e2", model("        raise ValueError('no data for ' + str(self.n))\\n        return values\\n"), "p");
        await().atMost(Duration.ofSeconds(60)).until(() -> finished.containsKey("e2"));
        assertThat(finished.get("e2")).isEqualTo(JobStatus.FAILED);
        assertThat(statuses).containsEntry("make", JobStatus.FAILED).containsEntry("scale", JobStatus.SKIPPED).containsEntry("sum", JobStatus.SKIPPED);
        assertThat(messages.get("make")).isEqualTo("ValueError: no data for 4");
    }

    @Test
    void cancelStopsTheJobWithinFiveSeconds() throws Exception {
        engine.start("e3", model("        print('working', flush=True)\\n        time.sleep(120)\\n        values = []\\n        return values\\n"), "p");
        await().atMost(Duration.ofSeconds(60)).until(() -> console.contains("make: working"));
        long t0 = System.nanoTime();
        engine.cancel("e3");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(seconds).as("the cancel promise (docs/jobs.md)").isLessThan(5.0);
        assertThat(statuses).containsEntry("make", JobStatus.CANCELLED).containsEntry("scale", JobStatus.CANCELLED);
        assertThat(finished.get("e3")).isEqualTo(JobStatus.CANCELLED);
        assertThat(processesUnder(dir)).as("no job process left").isEmpty();
    }
}
