package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.SlurmCluster;
import org.deepforge.exec.compute.SlurmCompute;
import org.deepforge.model.Json;
import org.deepforge.ops.OperationRules;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pipeline run by the engine on the Slurm adapter: each operation is a Slurm job; outputs flow between them. */
class SlurmEngineTest {
    @TempDir
    Path dir;
    final Map<String, JobStatus> statuses = new ConcurrentHashMap<>();
    final List<String> console = new CopyOnWriteArrayList<>();
    final Map<String, JobStatus> finished = new ConcurrentHashMap<>();
    final Map<String, Engine.Known> positions = new ConcurrentHashMap<>();

    Engine engine(PythonRuntime runtime) {
        RunListener listener = new RunListener() {
            @Override
            public void status(String execution, String job, JobStatus status, String message) {
                statuses.put(job, status);
            }

            @Override
            public void console(String execution, String job, List<String> lines) {
                lines.forEach(l -> console.add(job + ": " + l));
            }

            @Override
            public void finished(String execution, JobStatus status) {
                finished.put(execution, status);
            }

            @Override
            public void position(String execution, String job, String handle, long consoleOffset, long eventsOffset) {
                positions.put(job, new Engine.Known(JobStatus.RUNNING, handle, consoleOffset, eventsOffset, null));
            }
        };
        return new Engine(new BundleWriter(runtime.root()), new SlurmCompute(SlurmCluster.clientEnv()), dir.resolve("runs"), 2, listener);
    }

    @Test
    void aThreeOperationPipelineRunsAsSlurmJobs() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        try (Engine engine = engine(runtime)) {
            engine.start("s1", model(runtime, "print('made', values)"), "p");
            await().atMost(Duration.ofSeconds(60)).until(() -> finished.containsKey("s1"));
        }
        assertThat(finished.get("s1")).as("console: %s", console).isEqualTo(JobStatus.SUCCESS);
        assertThat(statuses).containsEntry("make", JobStatus.SUCCESS).containsEntry("scale", JobStatus.SUCCESS)
                .containsEntry("sum", JobStatus.SUCCESS);
        assertThat(console).contains("make: made [0, 1, 2, 3]", "scale: scaling [0, 1, 2, 3]", "sum: total 60");
        assertThat(Files.readString(dir.resolve("runs/s1/sum/slurm.sh"))).contains("#SBATCH --job-name=deepforge-s1-sum");
    }

    @Test
    void cancellingAnExecutionCancelsItsSlurmJobWithinFiveSeconds() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        try (Engine engine = engine(runtime)) {
            engine.start("s2", model(runtime, "print('working', flush=True); import time; time.sleep(120)"), "p");
            await().atMost(Duration.ofSeconds(60)).until(() -> console.contains("make: working"));
            long t0 = System.nanoTime();
            engine.cancel("s2");
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(seconds).as("the cancel promise (docs/jobs.md)").isLessThan(5.0);
            assertThat(statuses).containsEntry("make", JobStatus.CANCELLED).containsEntry("scale", JobStatus.CANCELLED);
            assertThat(EngineTest.processesUnder(dir)).as("processes left in the job's directory").isEmpty();
        }
    }

    @Test
    void aRestartedServerTakesUpItsRunningSlurmJob() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        JsonNode model = model(runtime, "print('working', flush=True); import time; time.sleep(4); print('done', flush=True)");
        try (Engine before = engine(runtime)) {
            before.start("s3", model, "p");
            await().atMost(Duration.ofSeconds(60)).until(() -> console.contains("make: working") && positions.containsKey("make")
                    && positions.get("make").consoleOffset() > 0);
        }
        // a new engine and a new adapter know only what the run database kept: the Slurm job id and offsets
        Engine.Known make = positions.get("make");
        assertThat(finished).doesNotContainKey("s3");
        try (Engine after = engine(runtime)) {
            after.resume("s3", model, "p", null, "", Map.of("make", make));
            await().atMost(Duration.ofSeconds(60)).until(() -> finished.containsKey("s3"));
        }
        assertThat(finished.get("s3")).as("console: %s", console).isEqualTo(JobStatus.SUCCESS);
        assertThat(console).containsOnlyOnce("make: working").contains("make: done", "sum: total 60");
    }

    static JsonNode model(PythonRuntime runtime, String makeLine) throws Exception {
        return EngineTest.chain(runtime, "        values = list(range(self.n))\\n        " + makeLine + "\\n        return values\\n");
    }
}
