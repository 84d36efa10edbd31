package org.deepforge.exec.reify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.deepforge.model.Json;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;
import org.deepforge.store.StoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Open as pipeline" of what an interactive session saved: a training, and a console's cells. */
class PipelineFromSessionTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String CONFIG = """
            {"training": "t1", "data": "xy", "architecture": "a1",
             "loss": {"name": "CrossEntropyLoss", "arguments": {}}, "optimizer": {"name": "Adam", "arguments": {"lr": 0.01}},
             "batchSize": 16, "epochs": 3, "validationSplit": 0.1, "device": "cpu", "seed": 7}""";

    @TempDir
    static Path dir;
    static Analysis analysis;

    @BeforeAll
    static void startAnalysis() {
        analysis = new Analysis("/usr/bin/python3", PythonRuntime.unpack(dir.resolve("runtime")).root(), Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopAnalysis() {
        analysis.close();
    }

    static ObjectNode architecture(String name) {
        ObjectNode arch = Json.MAPPER.createObjectNode().put("name", name);
        arch.putObject("layers").putObject("l1").put("type", "Linear");
        return arch;
    }

    /** A project with architecture a1, data artifacts d1 ("digits") and d2 ("labels"), and artifact m1 saved by session s-1. */
    static ObjectNode model(String provenance) throws Exception {
        ObjectNode model = Json.MAPPER.createObjectNode();
        model.putObject("operations");
        model.putObject("pipelines");
        model.putObject("architectures").set("a1", architecture("net"));
        ObjectNode artifacts = model.putObject("artifacts");
        artifacts.putObject("d1").put("name", "digits").putObject("storage").put("adapter", "local").put("key", "k1").put("sha256", "ab12").put("size", 1);
        artifacts.putObject("d2").put("name", "labels").putObject("storage").put("adapter", "local").put("key", "k2").put("sha256", "cd34").put("size", 1);
        ObjectNode m1 = artifacts.putObject("m1").put("name", "trained");
        m1.putObject("storage").put("adapter", "local").put("key", "k3").put("sha256", "ef56").put("size", 2);
        m1.set("provenance", Json.MAPPER.readTree(provenance));
        return model;
    }

    static String training(String cells) {
        return """
                {"session": {"id": "s-1", "adapter": "local", "branch": "main", "commit": "%s", "started": "2026-12-07T00:00:00Z"},
                 "kind": "training", "cells": %s, "training": %s,
                 "inputs": [{"artifact": "d1", "name": "digits", "sha256": "ab12", "variable": "xy"}],
                 "architectures": [{"id": "a1", "name": "net", "commit": "%s"}], "environment": {}, "seed": 7}"""
                .formatted(COMMIT, cells, CONFIG, COMMIT);
    }

    static final String CONSOLE = """
            {"session": {"id": "s-1", "adapter": "local", "branch": "main", "commit": "%s", "started": "2026-12-07T00:00:00Z"},
             "kind": "console",
             "cells": ["df.load(\\"x\\", \\"inputs/digits\\", \\"ab12\\")", "%%matplotlib inline\\nimport numpy as np\\nscale = 2",
                       "def fit(x, labels):\\n    return np.linalg.lstsq(x * scale, labels, rcond=None)[0]\\n\\nmodel = fit(x, labels)",
                       "df.explore(\\"model\\", plot=\\"auto\\")"],
             "inputs": [{"artifact": "d1", "name": "digits", "sha256": "ab12", "variable": "x"},
                        {"artifact": "d2", "name": "labels", "sha256": "cd34", "variable": "labels"}],
             "architectures": [], "environment": {}, "variable": "model", "seed": 3}""".formatted(COMMIT);

    static PipelineFromProvenance.Result build(JsonNode model, PipelineFromProvenance.ArchitectureHistory history) {
        return PipelineFromProvenance.build(model, "m1", analysisRenamer(), history);
    }

    static PipelineFromProvenance.ClassRenamer analysisRenamer() {
        return (code, from, to) -> analysis.edit(code, from, Json.MAPPER.createObjectNode().put("action", "rename_class").put("to", to)).path("code").asText();
    }

    static JsonNode added(PipelineFromProvenance.Result result, String path) {
        for (JsonNode op : result.patch()) {
            if (op.get("path").asText().equals(path)) {
                return op.get("value");
            }
        }
        throw new AssertionError("nothing added at " + path + " in " + result.patch());
    }

    static JsonNode pipeline(PipelineFromProvenance.Result result) {
        return added(result, "/pipelines/" + result.pipeline());
    }

    static JsonNode connection(JsonNode pipeline, String toNode, String toPort) {
        for (JsonNode c : pipeline.get("connections")) {
            if (c.at("/to/node").asText().equals(toNode) && c.at("/to/port").asText().equals(toPort)) {
                return c.get("from");
            }
        }
        throw new AssertionError("nothing goes into " + toNode + "." + toPort + " in " + pipeline);
    }

    @Test
    void aTrainingBecomesInputTrainNetworkOutputWithTheTrainersConfigurationAsAttributes() throws Exception {
        String cells = "[\"df.load(\\\"xy\\\", \\\"inputs/digits\\\", \\\"ab12\\\")\", \"df.train({\\n  \\\"training\\\": \\\"t1\\\"\\n})\"]";
        ObjectNode model = model(training(cells));
        var result = build(model, PipelineFromProvenance.ArchitectureHistory.NONE);
        JsonNode p = pipeline(result);
        assertThat(result.execution()).isEmpty();
        assertThat(result.seed()).isEqualTo(OptionalLong.of(7));
        assertThat(result.name()).isEqualTo("trained (from session s-1)");
        assertThat(result.addedOperations()).containsExactly("TrainNetwork");
        assertThat(result.addedArchitectures()).isEmpty();
        JsonNode train = p.at("/nodes/train");
        assertThat(train.path("operation").asText()).isEqualTo("TrainNetwork");
        assertThat(train.path("attributes")).isEqualTo(Json.MAPPER.readTree("""
                {"loss": "CrossEntropyLoss", "loss_arguments": {}, "optimizer": "Adam", "optimizer_arguments": {"lr": 0.01},
                 "batch_size": 16, "epochs": 3, "validation_split": 0.1, "device": "cpu", "seed": 7}"""));
        assertThat(train.at("/references/model").asText()).isEqualTo("a1");
        String input = connection(p, "train", "data").path("node").asText();
        assertThat(p.at("/nodes/" + input + "/input/artifact").asText()).isEqualTo("d1");
        assertThat(p.at("/nodes/" + result.outputNode() + "/output/saveName").asText()).isEqualTo("trained");
        assertThat(connection(p, result.outputNode(), "data")).isEqualTo(Json.MAPPER.readTree("{\"node\": \"train\", \"port\": \"model\"}"));
        assertThat(added(result, "/operations/TrainNetwork").path("code").asText()).isEqualTo(PipelineFromSession.TRAIN_CODE);

        // opened again, the operation the first opening added is used; one of the same name with other code is left alone
        ObjectNode again = model.deepCopy();
        ((ObjectNode) again.get("operations")).set("TrainNetwork", added(result, "/operations/TrainNetwork"));
        assertThat(build(again, PipelineFromProvenance.ArchitectureHistory.NONE).addedOperations()).isEmpty();
        ObjectNode taken = model.deepCopy();
        ((ObjectNode) taken.get("operations")).putObject("TrainNetwork").put("code", "class TrainNetwork:\n    pass\n");
        var renamed = build(taken, PipelineFromProvenance.ArchitectureHistory.NONE);
        assertThat(renamed.addedOperations()).containsExactly("TrainNetwork_2");
        assertThat(added(renamed, "/operations/TrainNetwork_2").path("code").asText()).contains("class TrainNetwork_2:");
    }

    @Test
    void theGeneratedOperationsParseWithTheirPortsAttributesAndReference() throws Exception {
        JsonNode train = analysis.parse(PipelineFromSession.TRAIN_CODE, "TrainNetwork");
        assertThat(train.path("syntaxError").isNull()).isTrue();
        assertThat(train.path("errors")).isEmpty();
        assertThat(train.path("lint")).isEmpty();
        assertThat(train.path("inputs").findValuesAsText("name")).containsExactly("data");
        assertThat(train.path("outputs").findValuesAsText("name")).containsExactly("model");
        assertThat(train.path("references").get(0).path("type").asText()).isEqualTo("Architecture");
        assertThat(train.path("attributes").findValuesAsText("name")).containsExactly("loss", "loss_arguments", "optimizer",
                "optimizer_arguments", "batch_size", "epochs", "validation_split", "device", "seed");

        var result = build(model(CONSOLE), PipelineFromProvenance.ArchitectureHistory.NONE);
        String name = result.addedOperations().get(0);
        JsonNode cells = analysis.parse(added(result, "/operations/" + name).path("code").asText(), name);
        assertThat(cells.path("syntaxError").isNull()).isTrue();
        assertThat(cells.path("lint")).isEmpty();
        assertThat(cells.path("inputs").findValuesAsText("name")).containsExactly("x", "labels");
        assertThat(cells.path("outputs").findValuesAsText("name")).containsExactly("model");
    }

    @Test
    void aConsoleRecordBecomesOneOperationOfTheCellsFedByTheLoadedArtifacts() throws Exception {
        var result = build(model(CONSOLE), PipelineFromProvenance.ArchitectureHistory.NONE);
        assertThat(result.addedOperations()).containsExactly("Session_s_1");
        assertThat(result.seed()).isEqualTo(OptionalLong.of(3));
        String code = added(result, "/operations/Session_s_1").path("code").asText();
        assertThat(code).contains("class Session_s_1:", "def execute(self, x, labels):", "        # %matplotlib inline\n",
                "        import numpy as np\n", "        def fit(x, labels):\n            return np.linalg", "        return model\n")
                .doesNotContain("df.load(\"x\"", "df.explore(\"model\"", "{{");
        JsonNode p = pipeline(result);
        assertThat(p.at("/nodes/cells/operation").asText()).isEqualTo("Session_s_1");
        assertThat(p.at("/nodes/" + connection(p, "cells", "x").path("node").asText() + "/input/artifact").asText()).isEqualTo("d1");
        assertThat(p.at("/nodes/" + connection(p, "cells", "labels").path("node").asText() + "/input/artifact").asText()).isEqualTo("d2");
        assertThat(connection(p, result.outputNode(), "data")).isEqualTo(Json.MAPPER.readTree("{\"node\": \"cells\", \"port\": \"model\"}"));

        // a saved expression is assigned to a name the operation returns
        ObjectNode expression = model(CONSOLE.replace("\"variable\": \"model\"", "\"variable\": \"model[0:2]\""));
        var sliced = build(expression, PipelineFromProvenance.ArchitectureHistory.NONE);
        assertThat(added(sliced, "/operations/Session_s_1").path("code").asText()).contains("        saved = model[0:2]\n        return saved\n");
    }

    @Test
    void aTrainingOnDataTheCellsMadeRunsTheCellsFirst() throws Exception {
        var result = build(model(training("[\"xy = (x / 255, y)\"]").replace("\"variable\": \"xy\"", "\"variable\": \"x\"")),
                PipelineFromProvenance.ArchitectureHistory.NONE);
        assertThat(result.addedOperations()).containsExactlyInAnyOrder("Session_s_1", "TrainNetwork");
        JsonNode p = pipeline(result);
        assertThat(connection(p, "train", "data")).isEqualTo(Json.MAPPER.readTree("{\"node\": \"cells\", \"port\": \"xy\"}"));
        assertThat(p.at("/nodes/" + connection(p, "cells", "x").path("node").asText() + "/input/artifact").asText()).isEqualTo("d1");
        assertThat(added(result, "/operations/Session_s_1").path("code").asText()).contains("def execute(self, x):", "return xy\n");
    }

    @Test
    void theCellsBeforeTheDataWasLoadedAreLeftOut() throws Exception {
        // the cells made and saved the artifact, which was then loaded into xy: the pipeline trains on the artifact
        String cells = "[\"import numpy as np\\nmade = make()\", \"df.save(\\\"made\\\", \\\"o1\\\")\", "
                + "\"df.load(\\\"xy\\\", \\\"inputs/digits\\\", \\\"ab12\\\")\", \"df.train({\\\"training\\\": \\\"t1\\\"})\"]";
        var result = build(model(training(cells)), PipelineFromProvenance.ArchitectureHistory.NONE);
        assertThat(result.addedOperations()).containsExactly("TrainNetwork");
        JsonNode p = pipeline(result);
        assertThat(p.at("/nodes/" + connection(p, "train", "data").path("node").asText() + "/input/artifact").asText()).isEqualTo("d1");

        // a cell after the load may have changed xy: the cells run first, all of them, as the later may need the earlier
        var changed = build(model(training(cells.replace("]", ", \"xy = (xy[0] / 2, xy[1])\"]"))), PipelineFromProvenance.ArchitectureHistory.NONE);
        assertThat(changed.addedOperations()).containsExactlyInAnyOrder("Session_s_1", "TrainNetwork");
        assertThat(added(changed, "/operations/Session_s_1").path("code").asText()).contains("made = make()", "xy = (xy[0] / 2, xy[1])");
    }

    @Test
    void theArchitectureIsTheOneOfTheSessionsCommit() throws Exception {
        ObjectNode model = model(training("[]"));
        var same = build(model, (id, commit) -> Optional.of(architecture("net")));
        assertThat(same.addedArchitectures()).isEmpty();
        assertThat(pipeline(same).at("/nodes/train/references/model").asText()).isEqualTo("a1");

        List<String> asked = new ArrayList<>();
        var changed = build(model, (id, commit) -> {
            asked.add(id + "@" + commit);
            return Optional.of(architecture("net as it was"));
        });
        assertThat(asked).containsExactly("a1@" + COMMIT);
        assertThat(changed.addedArchitectures()).hasSize(1);
        String fresh = changed.addedArchitectures().get(0);
        assertThat(added(changed, "/architectures/" + fresh).path("name").asText()).isEqualTo("net as it was");
        assertThat(pipeline(changed).at("/nodes/train/references/model").asText()).isEqualTo(fresh);

        ObjectNode gone = model.deepCopy();
        ((ObjectNode) gone.get("architectures")).remove("a1");
        assertThatThrownBy(() -> build(gone, PipelineFromProvenance.ArchitectureHistory.NONE))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT))
                .hasMessageContaining("architecture a1 that the training used is gone");
    }

    @Test
    void aDamagedOrHostileRecordIsRefusedSayingWhy() throws Exception {
        assertThatThrownBy(() -> build(model(CONSOLE.replace("\"s-1\"", "\"../s\"")), PipelineFromProvenance.ArchitectureHistory.NONE))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.BAD_REQUEST))
                .hasMessageContaining("\"../s\" is not a session id");
        assertThatThrownBy(() -> build(model(CONSOLE.replace("\"variable\": \"x\"", "\"variable\": \"os.system\"")), PipelineFromProvenance.ArchitectureHistory.NONE))
                .hasMessageContaining("\"os.system\" cannot be a loaded artifact's variable");
        assertThatThrownBy(() -> build(model(CONSOLE.replace("\"variable\": \"labels\"", "\"variable\": \"self\"")), PipelineFromProvenance.ArchitectureHistory.NONE))
                .hasMessageContaining("\"self\" cannot be");
        assertThatThrownBy(() -> build(model(CONSOLE.replace(", \"variable\": \"model\"", "")), PipelineFromProvenance.ArchitectureHistory.NONE))
                .hasMessageContaining("does not say which variable the session saved");
        assertThatThrownBy(() -> build(model(CONSOLE.replace("\"kind\": \"console\"", "\"kind\": \"shell\"")), PipelineFromProvenance.ArchitectureHistory.NONE))
                .hasMessageContaining("its kind is \"shell\"");
        assertThatThrownBy(() -> build(model(CONSOLE.replace("\"commit\": \"" + COMMIT, "\"commit\": \"HEAD~1")), PipelineFromProvenance.ArchitectureHistory.NONE))
                .hasMessageContaining("\"HEAD~1\" is not a commit");
        assertThatThrownBy(() -> build(model(CONSOLE.replace("\"variable\": \"model\"", "\"variable\": \"model\\nimport os\"")),
                PipelineFromProvenance.ArchitectureHistory.NONE)).hasMessageContaining("the saved expression spans lines");
        assertThatThrownBy(() -> build(model(training("[]").replace("\"name\": \"Adam\"", "\"name\": \"Adam(); import os\"")),
                PipelineFromProvenance.ArchitectureHistory.NONE)).hasMessageContaining("is not a name");

        ObjectNode changedData = model(CONSOLE);
        ((ObjectNode) changedData.at("/artifacts/d2/storage")).put("sha256", "9999");
        assertThatThrownBy(() -> build(changedData, PipelineFromProvenance.ArchitectureHistory.NONE))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT))
                .hasMessageContaining("holds other data than the session loaded");
        ObjectNode goneData = model(CONSOLE);
        ((ObjectNode) goneData.get("artifacts")).remove("d1");
        assertThatThrownBy(() -> build(goneData, PipelineFromProvenance.ArchitectureHistory.NONE))
                .hasMessageContaining("that the session loaded into x is no longer in the project");
        ObjectNode nothingToTrainOn = model(training("[]").replace("\"variable\": \"xy\"", "\"variable\": \"other\""));
        assertThatThrownBy(() -> build(nothingToTrainOn, PipelineFromProvenance.ArchitectureHistory.NONE))
                .hasMessageContaining("was neither loaded from an artifact nor made by the session's cells");
        ArrayNode many = Json.MAPPER.createArrayNode();
        for (int i = 0; i <= SessionRecord.MAX_CELLS; i++) {
            many.add("x = 1");
        }
        assertThatThrownBy(() -> build(model(CONSOLE.replaceFirst("\"cells\": \\[", "\"cells\": " + Json.compact(many) + ", \"ignored\": [")),
                PipelineFromProvenance.ArchitectureHistory.NONE)).hasMessageContaining("more than one operation may hold");
    }

    @Test
    void onlyTheWorkspacesOneStatementCallsAreTakenForThem() {
        assertThat(PipelineFromSession.isWorkspaceCall("df.load(\"x\", \"inputs/d\", \"ab\")")).isTrue();
        assertThat(PipelineFromSession.isWorkspaceCall("df.train({\n  \"training\": \"t1\"\n})")).isTrue();
        assertThat(PipelineFromSession.isWorkspaceCall("df.load(\"x\", \"inputs/d\", \"ab\")\nx = x[:10]\nprint(len(x))")).isFalse();
        assertThat(PipelineFromSession.isWorkspaceCall("x = df.load(\"x\")")).isFalse();
    }
}
