package org.deepforge.model.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

class ArtifactTest {
    @Test
    void anArtifactRecordReadsItsDataAndTheExecutionThatSavedIt() throws Exception {
        var model = Json.MAPPER.readTree("{\"artifacts\": {\"a1\": {\"name\": \"weights\", \"type\": \"torch\", \"created\": \"2026-12-06T00:00:00Z\","
                + " \"storage\": {\"bucket\": \"lab\", \"adapter\": \"s3\", \"key\": \"k/1\", \"sha256\": \"ab\", \"size\": 12},"
                + " \"provenance\": {\"kind\": \"job\", \"execution\": \"e7\", \"job\": \"n2\", \"operation\": \"Train\", \"port\": \"model\"}}}}");
        Artifact a = Artifact.read(model, "a1").orElseThrow();
        assertThat(a.name()).isEqualTo("weights");
        assertThat(a.data().adapter()).isEqualTo("s3");
        assertThat(a.data().record().path("bucket").asText()).as("the storage's location stays with the record").isEqualTo("lab");
        assertThat(a.data().size()).isEqualTo(12);
        assertThat(a.execution()).contains("e7");
        assertThat(a.inputMeta().toString()).isEqualTo("{\"type\":\"torch\",\"sha256\":\"ab\",\"size\":12}");
        assertThat(Artifact.read(model, "a2")).isEmpty();
    }

    @Test
    void anUploadMadeByAnEarlierVersionGetsTheDefaultsItHadThen() throws Exception {
        Artifact a = Artifact.read(Json.MAPPER.readTree("{\"artifacts\": {\"a1\": {\"storage\": {\"key\": \"k\"}}}}"), "a1").orElseThrow();
        assertThat(a.name()).isEqualTo("a1");
        assertThat(a.type()).isEqualTo("pickle");
        assertThat(a.created()).isEmpty();
        assertThat(a.provenance()).isEmpty();
        assertThat(a.execution()).isEmpty();
    }
}
