package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.compute.PrivateTreeCompute;
import org.junit.jupiter.api.Test;

/**
 * The engine's cases (inherited from {@link EngineTest}) with jobs that run in a directory tree of their own, reachable
 * only through the compute contract: the engine needs no shared disk with where its jobs run.
 */
class PrivateTreeEngineTest extends EngineTest {
    PrivateTreeCompute remote;

    @Override
    ComputeAdapter compute() {
        remote = new PrivateTreeCompute(dir.resolve("elsewhere"), new LocalCompute("/usr/bin/python3", 1));
        return remote;
    }

    @Test
    void theServersBundleGetsOutputsAndResultsOnlyThroughTheContract() throws Exception {
        engine.start("r1", model("        values = list(range(self.n))\\n        print('made', values)\\n        return values\\n"), "p");
        await().atMost(Duration.ofSeconds(60)).until(() -> finished.containsKey("r1"));
        assertThat(finished.get("r1")).isEqualTo(JobStatus.SUCCESS);
        assertThat(console).contains("make: made [0, 1, 2, 3]", "sum: total 60");
        Path bundle = dir.resolve("runs/r1/make");
        Path elsewhere = remote.remote(bundle);
        assertThat(elsewhere.resolve("console.log")).as("the job ran elsewhere").exists();
        assertThat(bundle.resolve("console.log")).as("the console came by read, not through the disk").doesNotExist();
        assertThat(bundle.resolve("exitcode")).doesNotExist();
        assertThat(bundle.resolve("results.json")).as("kept by the engine from what read gave").exists();
        assertThat(Files.readAllBytes(bundle.resolve("outputs/values/data")))
                .as("collected").isEqualTo(Files.readAllBytes(elsewhere.resolve("outputs/values/data")));
    }
}
