package org.deepforge.model.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
    static final Provenance.FromArtifact DIGITS = new Provenance.FromArtifact("a1", "digits", "ab12");

    static Provenance.FromJob train() throws Exception {
        Provenance.FromJob load = new Provenance.FromJob("e1", "n1", "Load", "class Load: pass", "c0", Json.MAPPER.readTree("{}"), Map.of(),
                Optional.empty(), "local", List.of(new Provenance.Input("data", Optional.of("ab12"), "data", DIGITS)));
        return new Provenance.FromJob("e1", "n2", "Train", "class Train: pass", "c1", Json.MAPPER.readTree("{\"epochs\": 3}"),
                Map.of("model", new Provenance.Reference("arch1", Optional.of("f00"), Optional.of(Json.MAPPER.readTree("{\"layers\": {}}")))),
                Optional.of(Json.MAPPER.readTree("{\"python\": \"3.11\"}")), "local",
                List.of(new Provenance.Input("data", Optional.empty(), "out", load)));
    }

    @Test
    void whatARunRecordsReadsBackAsTheSameProvenance() throws Exception {
        Provenance.Output saved = new Provenance.Output(train(), "model", "p1", "c0ffee", "2026-12-06T00:00:00Z");
        JsonNode json = Json.MAPPER.readTree(Json.compact(saved.toJson()));
        Provenance.Output read = Provenance.Output.read(json).orElseThrow();
        assertThat(read).isEqualTo(saved);
        assertThat(read.toJson()).isEqualTo(json);
        assertThat(json.at("/inputs/0/from/inputs/0/from/kind").asText()).isEqualTo("artifact");
        assertThat(json.at("/references/model/snapshot/layers").isObject()).isTrue();
    }

    @Test
    void anArtifactPassedStraightFromAnInputToAnOutputRecordsTheArtifactItCameFrom() {
        Provenance.Output saved = new Provenance.Output(DIGITS, "data", "p1", "c0ffee", "2026-12-06T00:00:00Z");
        assertThat(Provenance.Output.read(saved.toJson()).orElseThrow().source()).isEqualTo(DIGITS);
    }

    @Test
    void anUploadedArtifactHasNoProvenanceAndAnOlderRecordWithoutEnvironmentOrHashesStillReads() throws Exception {
        assertThat(Provenance.Output.read(null)).isEmpty();
        assertThat(Provenance.Output.read(Json.MAPPER.missingNode())).isEmpty();
        Provenance.Output old = Provenance.Output.read(Json.MAPPER.readTree(
                "{\"kind\": \"job\", \"execution\": \"e1\", \"job\": \"n1\", \"operation\": \"Load\", \"inputs\": [{\"port\": \"x\", "
                        + "\"from\": {\"kind\": \"artifact\", \"artifact\": \"gone\"}}], \"port\": \"out\"}")).orElseThrow();
        Provenance.FromJob job = (Provenance.FromJob) old.source();
        assertThat(job.environment()).isEmpty();
        assertThat(job.compute()).isEqualTo("local");
        assertThat(job.inputs().get(0).sha256()).isEmpty();
        assertThat(((Provenance.FromArtifact) job.inputs().get(0).from()).name()).as("named by its id when no name was kept").isEqualTo("gone");
    }
}
