package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Pipeline;
import org.deepforge.model.domain.PipelineJson;
import org.junit.jupiter.api.Test;

/** The job graph's rules alone: no processes, files or threads. */
class JobGraphTest {
    /** a → b → c, and d on its own; i (Input) → a's second input; c → o (Output). */
    static Pipeline pipeline() throws Exception {
        JsonNode json = Json.MAPPER.readTree("""
            {"nodes": {"a": {"operation": "A"}, "b": {"operation": "B"}, "c": {"operation": "C"}, "d": {"operation": "D"},
                       "i": {"input": {"artifact": "art"}}, "o": {"output": {"saveName": "result"}}},
             "connections": {
               "c1": {"from": {"node": "a", "port": "x"}, "to": {"node": "b", "port": "x"}},
               "c2": {"from": {"node": "b", "port": "y"}, "to": {"node": "c", "port": "y"}},
               "c3": {"from": {"node": "i", "port": "data"}, "to": {"node": "a", "port": "data"}},
               "c4": {"from": {"node": "c", "port": "z"}, "to": {"node": "o", "port": "data"}}}}
            """);
        return PipelineJson.read("p", json);
    }

    static void set(JobGraph g, String job, JobStatus status) {
        g.job(job).orElseThrow().status = status;
    }

    static void apply(JobGraph g, List<JobGraph.Transition> ts) {
        ts.forEach(t -> set(g, t.job(), t.status()));
    }

    @Test
    void onlyJobsWithNothingToWaitForAreQueuedAtFirst() throws Exception {
        JobGraph g = JobGraph.plan(pipeline(), true);
        assertThat(g.ids()).containsExactly("a", "b", "c", "d", "i", "o");
        assertThat(g.promote(false)).containsExactly(new JobGraph.Transition("d", JobStatus.QUEUED, null),
                new JobGraph.Transition("i", JobStatus.QUEUED, null));
    }

    @Test
    void aJobIsQueuedOnceEveryJobItReadsFromSucceededOrWasCached() throws Exception {
        JobGraph g = JobGraph.plan(pipeline(), true);
        apply(g, g.promote(false));
        set(g, "i", JobStatus.SUCCESS);
        assertThat(g.promote(false)).containsExactly(new JobGraph.Transition("a", JobStatus.QUEUED, null));
        set(g, "a", JobStatus.CACHED);
        assertThat(g.promote(false)).containsExactly(new JobGraph.Transition("b", JobStatus.QUEUED, null));
    }

    @Test
    void aFailureSkipsEveryJobDownstreamInOnePassAndLeavesOthersAlone() throws Exception {
        JobGraph g = JobGraph.plan(pipeline(), true);
        set(g, "i", JobStatus.SUCCESS);
        set(g, "a", JobStatus.FAILED);
        assertThat(g.promote(false)).extracting(JobGraph.Transition::job, JobGraph.Transition::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("b", JobStatus.SKIPPED), org.assertj.core.groups.Tuple.tuple("c", JobStatus.SKIPPED),
                org.assertj.core.groups.Tuple.tuple("d", JobStatus.QUEUED), org.assertj.core.groups.Tuple.tuple("o", JobStatus.SKIPPED));
        assertThat(g.promote(false).get(0).message()).isEqualTo("skipped: a job it reads from did not succeed");
    }

    @Test
    void nothingMovesOnceTheExecutionIsCancelled() throws Exception {
        JobGraph g = JobGraph.plan(pipeline(), true);
        assertThat(g.promote(true)).isEmpty();
    }

    @Test
    void theOverallStatusIsCancelledElseFailedIfAnyJobFailedElseSuccess() throws Exception {
        JobGraph g = JobGraph.plan(pipeline(), true);
        assertThat(g.finished()).isFalse();
        g.jobs().forEach(j -> j.status = JobStatus.SUCCESS);
        set(g, "b", JobStatus.CACHED);
        assertThat(g.finished()).isTrue();
        assertThat(g.overall(false)).isEqualTo(JobStatus.SUCCESS);
        assertThat(g.overall(true)).isEqualTo(JobStatus.CANCELLED);
        set(g, "c", JobStatus.FAILED);
        set(g, "o", JobStatus.SKIPPED);
        assertThat(g.overall(false)).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void cachingCanBeTurnedOffForTheWholeRunOrForSomeJobs() throws Exception {
        JobGraph g = JobGraph.plan(pipeline(), true);
        assertThat(g.mayReuse(g.job("b").orElseThrow())).isTrue();
        g.ignoreCache(false, Set.of("b"));
        assertThat(g.mayReuse(g.job("b").orElseThrow())).isFalse();
        assertThat(g.mayReuse(g.job("c").orElseThrow())).isTrue();
        g.ignoreCache(true, Set.of());
        assertThat(g.mayReuse(g.job("c").orElseThrow())).isFalse();
    }

    @Test
    void jobsInFlightAreThoseTheAdapterHasOrIsBeingGiven() throws Exception {
        JobGraph g = JobGraph.plan(pipeline(), true);
        set(g, "a", JobStatus.RUNNING);
        set(g, "b", JobStatus.QUEUED); // queued here, not yet submitted: does not count
        g.job("c").orElseThrow().starting = true;
        assertThat(g.inFlight()).isEqualTo(2);
    }

    @Test
    void subPipelinesAndArtifactNodesWithoutStorageAreRefusedSayingWhatToDo() throws Exception {
        assertThatThrownBy(() -> JobGraph.plan(PipelineJson.read("p", Json.MAPPER.readTree("{\"nodes\": {\"s\": {\"pipeline\": \"q\"}}}")), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node s is a sub-pipeline, which this version cannot run yet; run the inner pipeline on its own");
        assertThatThrownBy(() -> JobGraph.plan(pipeline(), false))
                .hasMessage("node i needs artifact storage, which this engine has none of");
    }

    @Test
    void anExitedProcessSucceedsOnlyWithCodeZeroAndAResultSayingSo() throws Exception {
        JsonNode success = Json.MAPPER.readTree("{\"status\": \"success\"}");
        JsonNode error = Json.MAPPER.readTree("{\"status\": \"failed\", \"error\": \"ValueError: no data\"}");
        assertThat(JobGraph.exited("a", 0, Optional.of(success), null)).isEqualTo(new JobGraph.Transition("a", JobStatus.SUCCESS, null));
        assertThat(JobGraph.exited("a", 1, Optional.of(success), null).status()).isEqualTo(JobStatus.FAILED);
        assertThat(JobGraph.exited("a", 1, Optional.of(error), "ignored").message()).isEqualTo("ValueError: no data");
        assertThat(JobGraph.exited("a", 1, Optional.empty(), "out of memory").message()).isEqualTo("out of memory");
        assertThat(JobGraph.exited("a", 137, Optional.empty(), null).message()).isEqualTo("the job was killed by signal 9");
        assertThat(JobGraph.exited("a", 3, Optional.empty(), null).message()).isEqualTo("the job exited with code 3 without reporting a result");
    }
}
