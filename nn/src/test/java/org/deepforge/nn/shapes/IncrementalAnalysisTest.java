package org.deepforge.nn.shapes;

import org.deepforge.library.ArchitectureAnalysis;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.deepforge.model.Json;
import org.deepforge.model.MergePatch;
import org.deepforge.nn.LayerCatalog;
import org.junit.jupiter.api.Test;

/**
 * One ShapeInference analyses edit after edit (as the editor asks while the user types) and remembers
 * layers it worked out: every answer equals a fresh analysis's, and a slow fallback is asked once.
 */
class IncrementalAnalysisTest {
    private static JsonNode convnet(int channels, int kernel, Object outFeatures) {
        return Arch.named("net").input("image", 3, 32, 32)
                .then("conv1", "Conv2d", "out_channels", channels, "kernel_size", kernel)
                .then("bn1", "BatchNorm2d").then("relu1", "ReLU")
                .then("pool1", "MaxPool2d", "kernel_size", 2)
                .then("conv2", "Conv2d", "out_channels", 16, "kernel_size", 3, "padding", 1)
                .then("flat", "Flatten").then("fc", "Linear", "out_features", outFeatures)
                .then("out", "Output").json();
    }

    @Test
    void everyAnalysisInASequenceOfEditsEqualsAFreshOne() {
        ShapeInference reused = new ShapeInference();
        List<JsonNode> edits = new ArrayList<>();
        for (int channels : new int[] {8, 9, 8, 64}) {
            for (int kernel : new int[] {3, 5, 40, 3}) { // 40 does not fit a 32×32 image: an error, then fixed
                edits.add(convnet(channels, kernel, 10));
            }
        }
        edits.add(convnet(8, 3, "ten")); // wrong type, then the same layer fine again
        edits.add(convnet(8, 3, 10));
        edits.add(convnet(8, 3, "ten"));
        for (JsonNode edit : edits) {
            JsonNode fresh = new ShapeInference().analyze(edit).toJson();
            assertThat(reused.analyze(edit).toJson()).as(edit.toString()).isEqualTo(fresh);
        }
    }

    @Test
    void aRememberedErrorNamesTheLayerItIsAboutNow() {
        ShapeInference reused = new ShapeInference();
        JsonNode a = Arch.named("x").input("x", 3, 4, 4).then("small_pool", "MaxPool2d", "kernel_size", 8).json();
        JsonNode b = Arch.named("x").input("x", 3, 4, 4).then("other_pool", "MaxPool2d", "kernel_size", 8).json();
        assertThat(reused.analyze(a).errors().get(0).message()).startsWith("MaxPool2d \"small_pool\": kernel 8 is larger");
        assertThat(reused.analyze(b).errors().get(0).message()).startsWith("MaxPool2d \"other_pool\": kernel 8 is larger");
        assertThat(reused.analyze(b).errors().get(0).layer()).contains("other_pool");
    }

    @Test
    void anEditToTheArgumentsAfterAnAnalysisIsSeen() {
        // the memo keeps its own copy of the arguments: changing the JSON in place is a new architecture
        ShapeInference reused = new ShapeInference();
        JsonNode arch = convnet(8, 3, 10);
        assertThat(reused.analyze(arch).layers().get("conv1").output()).containsExactly(null, 8, 30, 30);
        ((ObjectNode) arch.at("/layers/conv1/arguments")).put("out_channels", 12);
        assertThat(reused.analyze(arch).layers().get("conv1").output()).containsExactly(null, 12, 30, 30);
        assertThat(reused.analyze(arch).layers().get("conv1").parameters()).isEqualTo(12 * 3 * 9 + 12);
    }

    @Test
    void theFallbackIsAskedOnceForALayerThatDidNotChange() {
        List<String> asked = new ArrayList<>();
        FallbackShapes fallback = (type, arguments, inputs) -> {
            asked.add(type + " " + arguments + " " + inputs);
            if (arguments.path("reduction").asText().equals("bad")) {
                throw new IllegalArgumentException("reduction must be none, mean or sum");
            }
            return Optional.of(new FallbackShapes.Outputs(List.of(inputs.get(0)), 0));
        };
        ShapeInference inference = new ShapeInference(LayerCatalog.bundled(), fallback);
        for (int units = 4; units < 8; units++) {
            JsonNode arch = Arch.named("loss").input("a", 10).input("b", 10)
                    .layer("l", "MSELoss", "reduction", "none").wire("a", "l", 0).wire("b", "l", 1)
                    .then("fc", "Linear", "out_features", units).then("o", "Output").json();
            JsonNode analysis = inference.analyze(arch).toJson();
            assertThat(analysis.get("errors")).as(analysis.toString()).isEmpty();
            assertThat(analysis.at("/layers/fc/output").toString()).isEqualTo("[null," + units + "]");
        }
        assertThat(asked).containsExactly("MSELoss {\"reduction\":\"none\"} [[null, 10], [null, 10]]");

        JsonNode bad = Arch.named("loss").input("a", 10).input("b", 10)
                .layer("l", "MSELoss", "reduction", "bad").wire("a", "l", 0).wire("b", "l", 1).json();
        for (int i = 0; i < 3; i++) {
            assertThat(inference.analyze(bad).errors().get(0).message()).isEqualTo("MSELoss \"l\": reduction must be none, mean or sum");
        }
        assertThat(asked).hasSize(2);
    }

    @Test
    void theBytesTheServerSendsAreTheDocumentedJson() {
        ShapeInference inference = new ShapeInference();
        for (JsonNode arch : List.of(convnet(8, 3, 10), convnet(8, 40, 10))) {
            ArchitectureAnalysis analysis = inference.analyze(arch);
            assertThat(new String(analysis.toJsonBytes(), StandardCharsets.UTF_8)).isEqualTo(Json.compact(analysis.toJson()));
        }
    }

    /** Two branches joined by a Concatenate, so that a change travels through a layer with two inputs. */
    private static JsonNode branching() {
        return Arch.named("branches").input("image", 3, 32, 32)
                .then("stem", "Conv2d", "out_channels", 16, "kernel_size", 3, "padding", 1)
                .then("left", "Conv2d", "out_channels", 8, "kernel_size", 1)
                .from("stem").then("right", "Conv2d", "out_channels", 8, "kernel_size", 3, "padding", 1)
                .then("right_act", "ReLU")
                .layer("cat", "Concatenate", "dim", 1).wire("left", "cat", 0).wire("right_act", "cat", 1)
                .then("pool", "MaxPool2d", "kernel_size", 2)
                .then("flat", "Flatten").then("fc", "Linear", "out_features", 10)
                .then("out", "Output").json();
    }

    private static ObjectNode patchOf(String layer, String argument, JsonNode value) {
        ObjectNode patch = Json.MAPPER.createObjectNode();
        patch.putObject("layers").putObject(layer).putObject("arguments").set(argument, value);
        return patch;
    }

    @Test
    void anEditAnalysedFromTheLastAnalysisEqualsAFreshAnalysisOfTheEditedArchitecture() {
        ShapeInference inference = new ShapeInference();
        Random random = new Random(42);
        String[][] arguments = {{"stem", "out_channels"}, {"stem", "kernel_size"}, {"left", "out_channels"}, {"right", "padding"},
                {"right", "kernel_size"}, {"cat", "dim"}, {"pool", "kernel_size"}, {"fc", "out_features"}};
        JsonNode[] values = {Json.MAPPER.valueToTree(1), Json.MAPPER.valueToTree(2), Json.MAPPER.valueToTree(3), Json.MAPPER.valueToTree(8),
                Json.MAPPER.valueToTree(40), Json.MAPPER.valueToTree(0), Json.MAPPER.valueToTree(-1), Json.MAPPER.valueToTree("ten"),
                Json.MAPPER.nullNode()}; // 40 does not fit, 0 and "ten" are refused, null removes the argument
        JsonNode original = branching();
        ShapeInference.Kept kept = inference.analyzeKept(original);
        String[] last = arguments[0];
        int withErrors = 0;
        for (int i = 0; i < 400; i++) {
            JsonNode patch;
            if (i % 25 == 24) { // now and then what is not an edit of arguments: a rename, a new type, arguments that are not an object
                patch = Json.MAPPER.createObjectNode().set("layers", Json.MAPPER.valueToTree(java.util.Map.of("left",
                        java.util.Map.of(i % 2 == 0 ? "name" : "type", i % 2 == 0 ? "left" + i : "Conv2d"))));
            } else if (i % 37 == 36) {
                patch = Json.MAPPER.createObjectNode().set("layers", Json.MAPPER.valueToTree(java.util.Map.of("fc", java.util.Map.of("arguments", 7))));
            } else if (i % 2 == 1) { // the last edit taken back: errors come and go
                JsonNode was = original.at("/layers/" + last[0] + "/arguments/" + last[1]);
                patch = patchOf(last[0], last[1], was.isMissingNode() ? Json.MAPPER.nullNode() : was);
            } else {
                last = arguments[random.nextInt(arguments.length)];
                patch = patchOf(last[0], last[1], values[random.nextInt(values.length)]);
            }
            JsonNode edited = MergePatch.apply(kept.architecture(), patch);
            kept = inference.analyzeEdit(kept, patch, edited);
            JsonNode fresh = new ShapeInference().analyze(edited).toJson();
            assertThat(kept.analysis().toJson()).as("edit %d: %s", i, patch).isEqualTo(fresh);
            withErrors += fresh.get("errors").isEmpty() ? 0 : 1;
        }
        assertThat(withErrors).as("the edits went through errors and back").isBetween(50, 350);
    }

    @Test
    void anEditOfOneLayerTakesTheResultsOfTheLayersItCannotChange() {
        ShapeInference inference = new ShapeInference();
        ShapeInference.Kept base = inference.analyzeKept(branching());
        JsonNode patch = patchOf("right", "out_channels", Json.MAPPER.valueToTree(4));
        ShapeInference.Kept edited = inference.analyzeEdit(base, patch, MergePatch.apply(base.architecture(), patch));
        var before = base.analysis().layers();
        var after = edited.analysis().layers();
        for (String unchanged : List.of("image", "stem", "left")) { // before the edit or beside it: the very same results
            assertThat(after.get(unchanged)).as(unchanged).isSameAs(before.get(unchanged));
        }
        for (String reworked : List.of("right", "right_act", "cat", "pool", "flat", "fc")) { // the edit and what its shapes feed
            assertThat(after.get(reworked)).as(reworked).isNotSameAs(before.get(reworked));
        }
        assertThat(after.get("fc").parameters()).isEqualTo((8 + 4) * 16 * 16 * 10 + 10);
        assertThat(after.get("out")).as("the same input shape as before").isSameAs(before.get("out"));

        JsonNode nothing = Json.MAPPER.createObjectNode(); // an empty patch: everything as before
        ShapeInference.Kept same = inference.analyzeEdit(edited, nothing, MergePatch.apply(edited.architecture(), nothing));
        after.forEach((id, info) -> assertThat(same.analysis().layers().get(id)).as(id).isSameAs(info));
        assertThat(same.analysis().toJson()).isEqualTo(edited.analysis().toJson());
    }

    @Test
    void anArchitectureWithASharedLayerIsAnalysedWholeAfterEachEdit() {
        // a Shared layer reads another layer's arguments, not only its inputs' shapes: nothing is taken from before
        ShapeInference inference = new ShapeInference();
        JsonNode arch = Arch.named("shared").input("a", 6).input("b", 6)
                .layer("fc", "Linear", "out_features", 6).wire("a", "fc", 0)
                .layer("again", "Shared", "layer", "fc").wire("b", "again", 0)
                .layer("sum", "Add").wire("fc", "sum", 0).wire("again", "sum", 1).then("out", "Output").json();
        ShapeInference.Kept kept = inference.analyzeKept(arch);
        for (int features : new int[] {5, 6, 3}) {
            JsonNode patch = patchOf("fc", "out_features", Json.MAPPER.valueToTree(features));
            JsonNode edited = MergePatch.apply(kept.architecture(), patch);
            ShapeInference.Kept previous = kept;
            kept = inference.analyzeEdit(kept, patch, edited);
            assertThat(kept.analysis().toJson()).isEqualTo(new ShapeInference().analyze(edited).toJson());
            assertThat(kept.analysis().layers().get("a")).isNotSameAs(previous.analysis().layers().get("a"));
        }
    }
}
