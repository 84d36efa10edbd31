package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Observed output types from run folders that user code wrote: the newest successful job wins, odd files say nothing. */
class ObservedTypesTest {
    @TempDir
    Path work;

    private static Execution execution(String id, Execution.Job... jobs) {
        RunSpec run = new RunSpec(id, "p", "pl", "main", "c0", Optional.empty(), id, "u", RunSpec.local(), RunSpec.local(),
                RunSpec.CachePolicy.USE, 1);
        return new Execution(run, JobStatus.SUCCESS, "2026-12-06T00:00:00Z", Optional.of("2026-12-06T00:01:00Z"), Optional.of(List.of(jobs)));
    }

    private static Execution.Job job(String id, String operation, JobStatus status) {
        return new Execution.Job(id, Optional.of(operation), status, Optional.empty(), Optional.empty(), Optional.of("t-" + id));
    }

    private void results(String execution, String job, String text) throws Exception {
        Files.createDirectories(work.resolve(execution).resolve(job));
        Files.writeString(work.resolve(execution).resolve(job).resolve("results.json"), text);
    }

    @Test
    void theNewestSuccessfulJobGivesEachOutputsTypeAndOddResultsSayNothing() throws Exception {
        Execution newest = execution("e2", job("train", "Train", JobStatus.FAILED), job("prep", "Prep", JobStatus.SUCCESS),
                job("eval", "Eval", JobStatus.SUCCESS));
        Execution older = execution("e1", job("train", "Train", JobStatus.SUCCESS), job("prep", "Prep", JobStatus.SUCCESS));
        results("e2", "train", "{\"outputs\":{\"model\":{\"type\":\"torch.Tensor\"}}}"); // failed: not read
        results("e2", "prep", "{\"outputs\":{\"x\":{\"type\":\"numpy.ndarray\"},\"y\":{\"type\":\"pickle\"},"
                + "\"z\":{\"type\":\"<script>alert(1)</script>\"}}}");
        results("e2", "eval", "not json at all");
        results("e1", "train", "{\"outputs\":{\"model\":{\"type\":\"torch.nn.Module\"}}}");
        results("e1", "prep", "{\"outputs\":{\"x\":{\"type\":\"file\"},\"z\":{\"type\":\"mypkg.Table\"}}}");
        Map<String, Execution> byId = Map.of("e2", newest, "e1", older);

        JsonNode observed = ObservedTypes.of(List.of(newest, older), id -> Optional.ofNullable(byId.get(id)), work);

        assertThat(observed.path("Train").path("model").path("type").asText()).isEqualTo("torch.nn.Module");
        assertThat(observed.path("Train").path("model").path("execution").asText()).isEqualTo("e1");
        assertThat(observed.path("Train").path("model").path("at").asText()).isEqualTo("t-train");
        assertThat(observed.path("Prep").path("x").path("type").asText()).isEqualTo("numpy.ndarray");
        assertThat(observed.path("Prep").path("x").path("execution").asText()).isEqualTo("e2");
        assertThat(observed.path("Prep").has("y")).as("pickle names no type").isFalse();
        assertThat(observed.path("Prep").path("z").path("type").asText()).as("an odd name is skipped, an older good one kept").isEqualTo("mypkg.Table");
        assertThat(observed.has("Eval")).isFalse();
    }
}
