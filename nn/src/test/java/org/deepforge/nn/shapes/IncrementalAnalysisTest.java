package org.deepforge.nn.shapes;

import org.deepforge.library.ArchitectureAnalysis;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.model.Json;
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
}
