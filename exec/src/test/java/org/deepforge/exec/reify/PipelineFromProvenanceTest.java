package org.deepforge.exec.reify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.deepforge.exec.run.RunSpec;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Provenance;
import org.deepforge.store.StoreException;
import org.junit.jupiter.api.Test;

/** The pipeline rebuilt from a provenance record, and records that are refused. */
class PipelineFromProvenanceTest {
    static final String LOAD = "class Load:\n    def execute(self, data):\n        return data\n";
    static final String TRAIN = "class Train:\n    def execute(self, data):\n        return data\n";

    static ObjectNode architecture() {
        ObjectNode arch = Json.MAPPER.createObjectNode().put("name", "net");
        arch.putObject("layers").putObject("l1").put("type", "Linear");
        return arch;
    }

    /** A model whose artifact "m1" was made by Train(n2) ← Load(n1) ← Input(artifact "d1"), seeded with 5. */
    static ObjectNode model(String loadCodeNow, String recordedLoadHash) {
        ObjectNode model = Json.MAPPER.createObjectNode();
        model.putObject("operations").putObject("Load").put("code", loadCodeNow);
        ((ObjectNode) model.get("operations")).putObject("Train").put("code", TRAIN);
        model.putObject("architectures").set("arch1", architecture());
        model.putObject("pipelines");
        ObjectNode artifacts = model.putObject("artifacts");
        artifacts.putObject("d1").put("name", "digits").putObject("storage").put("adapter", "local").put("key", "k").put("sha256", "ab12").put("size", 1);
        Provenance.FromJob load = new Provenance.FromJob("e1", "n1", "Load", LOAD, recordedLoadHash, Json.MAPPER.createObjectNode(), Map.of(),
                Optional.empty(), "local", List.of(new Provenance.Input("data", Optional.of("ab12"), "data",
                new Provenance.FromArtifact("d1", "digits", "ab12"))), OptionalLong.of(5), List.of());
        Provenance.FromJob train = new Provenance.FromJob("e1", "n2", "Train", TRAIN, PipelineFromProvenance.sha256(TRAIN),
                Json.MAPPER.createObjectNode().put("epochs", 3),
                Map.of("model", new Provenance.Reference("arch1", Optional.of(PipelineFromProvenance.hash(architecture())), Optional.of(architecture()))),
                Optional.empty(), "local", List.of(new Provenance.Input("data", Optional.of("cd34"), "result", load)), OptionalLong.of(5), List.of());
        ObjectNode m1 = artifacts.putObject("m1").put("name", "model");
        m1.putObject("storage").put("adapter", "local").put("key", "k2").put("sha256", "ef56").put("size", 2);
        m1.set("provenance", new Provenance.Output(train, "result", "p1", "c0", "2026-12-06T00:00:00Z").toJson());
        return model;
    }

    /** Renames the class statement only, as the analysis process does for these one-class operations. */
    static final PipelineFromProvenance.ClassRenamer RENAME = (code, from, to) -> code.replaceFirst("(?m)^class " + from + "\\b", "class " + to);

    static PipelineFromProvenance.Result build(JsonNode model, String artifact) {
        return PipelineFromProvenance.build(model, artifact, RENAME);
    }

    static JsonNode pipeline(PipelineFromProvenance.Result result) {
        for (JsonNode op : result.patch()) {
            if (op.get("path").asText().equals("/pipelines/" + result.pipeline())) {
                return op.get("value");
            }
        }
        throw new AssertionError("no pipeline in " + result.patch());
    }

    @Test
    void anUnchangedRecordGivesThePipelineWithTheProjectsOwnOperationsAndTheRunsSeed() {
        var result = build(model(LOAD, PipelineFromProvenance.sha256(LOAD)), "m1");
        JsonNode p = pipeline(result);
        assertThat(result.seed()).isEqualTo(OptionalLong.of(5));
        assertThat(result.addedOperations()).isEmpty();
        assertThat(result.addedArchitectures()).isEmpty();
        assertThat(p.at("/nodes/n1/operation").asText()).isEqualTo("Load");
        assertThat(p.at("/nodes/n2/operation").asText()).isEqualTo("Train");
        assertThat(p.at("/nodes/n2/attributes/epochs").asInt()).isEqualTo(3);
        assertThat(p.at("/nodes/n2/references/model").asText()).isEqualTo("arch1");
        assertThat(p.toString()).contains("{\"input\":{\"artifact\":\"d1\"}").contains("{\"saveName\":\"model\"}");
        assertThat(p.get("connections").size()).isEqualTo(3);
    }

    @Test
    void changedCodeBecomesANewOperationVersionAndAChangedArchitectureANewArchitecture() {
        ObjectNode model = model(LOAD + "# edited\n", PipelineFromProvenance.sha256(LOAD));
        ((ObjectNode) model.at("/architectures/arch1")).put("name", "renamed since");
        var result = build(model, "m1");
        assertThat(result.addedOperations()).containsExactly("Load_e1");
        assertThat(result.addedArchitectures()).hasSize(1);
        JsonNode p = pipeline(result);
        assertThat(p.at("/nodes/n1/operation").asText()).isEqualTo("Load_e1");
        assertThat(p.at("/nodes/n2/references/model").asText()).isEqualTo(result.addedArchitectures().get(0));
        assertThat(result.patch().toString()).contains(Json.MAPPER.valueToTree(LOAD.replace("class Load:", "class Load_e1:")).toString());
        // opened again: the version added the first time is used
        ObjectNode after = model.deepCopy();
        ((ObjectNode) after.get("operations")).putObject("Load_e1").put("code", LOAD.replace("class Load:", "class Load_e1:"));
        assertThat(build(after, "m1").addedOperations()).isEmpty();
        assertThat(result.patch().findValuesAsText("path")).doesNotContain("/operations/Load", "/architectures/arch1");
    }

    @Test
    void aRecordWhoseCodeDoesNotMatchItsHashOrWhoseIdsAreNotIdsIsRefused() {
        assertThatThrownBy(() -> build(model(LOAD, "0".repeat(64)), "m1"))
                .isInstanceOf(StoreException.class).hasMessageContaining("does not match its recorded hash");
        ObjectNode hostile = model(LOAD, PipelineFromProvenance.sha256(LOAD));
        ((ObjectNode) hostile.at("/artifacts/m1/provenance")).put("job", "../../etc");
        assertThatThrownBy(() -> build(hostile, "m1")).hasMessageContaining("is not a job id");
        ObjectNode badOp = model(LOAD, PipelineFromProvenance.sha256(LOAD));
        ((ObjectNode) badOp.at("/artifacts/m1/provenance")).put("operation", "os.system");
        assertThatThrownBy(() -> build(badOp, "m1")).hasMessageContaining("cannot name an operation");
        assertThatThrownBy(() -> build(model(LOAD, PipelineFromProvenance.sha256(LOAD)), "d1"))
                .hasMessageContaining("not saved by a run");
        assertThatThrownBy(() -> build(model(LOAD, PipelineFromProvenance.sha256(LOAD)), "nope"))
                .hasMessageContaining("there is no artifact");
        ObjectNode gone = model(LOAD, PipelineFromProvenance.sha256(LOAD));
        ((ObjectNode) gone.get("artifacts")).remove("d1");
        assertThatThrownBy(() -> build(gone, "m1")).hasMessageContaining("no longer in the project");
    }

    @Test
    void aJobsSeedIsTheFirstFourBytesOfSha256OfTheRunsSeedAndItsNode() {
        // the same value python/deepforge/seeding.py computes (test_seeding.py)
        assertThat(RunSpec.jobSeed(42, "n1")).isEqualTo(93642387L);
    }
}
