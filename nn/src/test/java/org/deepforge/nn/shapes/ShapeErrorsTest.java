package org.deepforge.nn.shapes;

import org.deepforge.library.LayerError;
import org.deepforge.library.ArchitectureAnalysis;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.deepforge.nn.Architecture;
import org.junit.jupiter.api.Test;

/** Errors in the user's words, on the right layer, and silence after them. */
class ShapeErrorsTest {
    private final ShapeInference inference = new ShapeInference();

    private List<String> messages(JsonNode arch) {
        return inference.analyze(arch).errors().stream().map(LayerError::message).toList();
    }

    @Test
    void poolingA1x1InputIsTheClearFig8ErrorAndLaterLayersStaySilent() {
        JsonNode arch = Arch.named("fig8").input("image", 3, 4, 4)
                .then("conv1", "Conv2d", "out_channels", 64, "kernel_size", 3, "padding", 1)
                .then("pool1", "MaxPool2d", "kernel_size", 2)
                .then("pool2", "MaxPool2d", "kernel_size", 2)
                .then("pool3", "MaxPool2d", "kernel_size", 2)
                .then("flatten", "Flatten")
                .then("fc", "Linear", "out_features", 10, "in_features", 999)
                .then("out", "Output").json();
        ArchitectureAnalysis a = inference.analyze(arch);
        assertThat(a.errors()).containsExactly(LayerError.on("pool3",
                "MaxPool2d \"pool3\": kernel 2 is larger than its 1×1 input (input [N, 64, 1, 1])"));
        assertThat(a.layers()).containsOnlyKeys("image", "conv1", "pool1", "pool2");
        assertThat(a.layers().get("pool2").output()).containsExactly(null, 64, 1, 1);
        assertThat(a.shapes()).containsOnlyKeys("k1", "k2", "k3", "k4");
    }

    @Test
    void paddedAndDilatedKernelsAreDescribed() {
        assertThat(messages(Arch.single(Arch.shape(2, 3, 3), "Conv2d", "out_channels", 1, "kernel_size", 3, "dilation", 3, "padding", 1).json()))
                .containsExactly("Conv2d \"layer\": kernel 3 with dilation 3 (spanning 7) is larger than its padded 3×3 input (padding 1)"
                        + " (input [N, 2, 3, 3])");
    }

    @Test
    void linearWithTheWrongInFeaturesSaysWhatToSet() {
        assertThat(messages(Arch.named("x").input("x", 64).then("fc", "Linear", "in_features", 128, "out_features", 10).json()))
                .containsExactly("Linear \"fc\": expects 128 input features but gets [N, 64] (set in_features to 64 or leave it out to infer it)");
    }

    @Test
    void missingRequiredArgument() {
        assertThat(messages(Arch.named("x").input("x", 1, 8, 8).then("conv1", "Conv2d", "kernel_size", 3).json()))
                .containsExactly("Conv2d \"conv1\": needs out_channels");
    }

    @Test
    void argumentOfTheWrongTypeNamesArgumentAndType() {
        assertThat(messages(Arch.named("x").input("x", 1, 8, 8).then("conv1", "Conv2d", "out_channels", 4, "kernel_size", "three").json()))
                .containsExactly("Conv2d \"conv1\": kernel_size must be a whole number or a tuple of 2 whole numbers, not \"three\"");
        assertThat(messages(Arch.named("x").input("x", 8).then("fc", "Linear", "out_features", 4, "bias", "yes").json()))
                .containsExactly("Linear \"fc\": bias must be True or False, not \"yes\"");
        assertThat(messages(Arch.named("x").input("x", 3, 8).then("up", "Upsample", "scale_factor", 2, "mode", "cubic").json()).get(0))
                .startsWith("Upsample \"up\": mode must be one of 'nearest', 'linear'");
    }

    @Test
    void unknownTypeAndTypesWithoutARule() {
        assertThat(messages(Arch.named("x").input("x", 1, 8, 8).then("c", "Conv5d", "out_channels", 4).then("r", "ReLU").json()))
                .singleElement().asString().startsWith("Conv5d \"c\": unknown layer type Conv5d").contains("did you mean Conv");
        assertThat(messages(Arch.named("x").input("x", 5, 8).then("enc", "TransformerEncoder").json()))
                .containsExactly("TransformerEncoder \"enc\": no shape rule for TransformerEncoder yet, so the shapes after it are unknown");
    }

    @Test
    void multiheadAttentionHeadsMustDivideEmbedDim() {
        assertThat(messages(Arch.single(Arch.shape(10, 30), "MultiheadAttention", "num_heads", 4).json()))
                .containsExactly("MultiheadAttention \"layer\": num_heads 4 must divide embed_dim 30 (each head gets embed_dim/num_heads features)");
        assertThat(messages(Arch.single(Arch.shape(10, 30), "TransformerEncoderLayer", "nhead", 4).json()).get(0))
                .contains("nhead 4 must divide d_model 30");
    }

    @Test
    void attentionAndDecoderNeedOneBatchSize() {
        JsonNode mha = Arch.named("mha").input("q", 7, 16).input("k", 9, 16)
                .layer("mha", "MultiheadAttention", "num_heads", 2).wire("q", "mha", 0).wire("k", "mha", 1).json();
        assertThat(messages(mha).get(0)).startsWith("MultiheadAttention \"mha\": needs query, key and value of one batch size (dim 1)");
        JsonNode dec = Arch.named("dec").input("tgt", 5, 16).input("memory", 7, 16)
                .layer("dec", "TransformerDecoderLayer", "nhead", 2).wire("tgt", "dec", 0).wire("memory", "dec", 1).json();
        assertThat(messages(dec).get(0)).contains("needs memory (input 1) of the same batch size");
    }

    @Test
    void mergesListTheShapesThatDoNotFit() {
        JsonNode cat = Arch.named("x").input("a", 64, 8, 8).input("b", 32, 4, 4)
                .layer("cat", "Concatenate").wire("a", "cat", 0).wire("b", "cat", 1).json();
        assertThat(messages(cat)).containsExactly("Concatenate \"cat\": cannot concatenate [N, 64, 8, 8] and [N, 32, 4, 4] along dim 1:"
                + " all other dimensions must match");
        JsonNode add = Arch.named("x").input("a", 64, 8, 8).input("b", 32, 8, 8)
                .layer("add", "Add").wire("a", "add", 0).wire("b", "add", 1).json();
        assertThat(messages(add)).containsExactly("Add \"add\": shapes [N, 64, 8, 8] and [N, 32, 8, 8] cannot be added"
                + " (in every dimension, counted from the last, the sizes must match or be 1)");
        JsonNode reshape = Arch.named("x").input("a", 64, 4, 4).then("r", "Reshape", "shape", Arch.shape(1000)).json();
        assertThat(messages(reshape)).containsExactly("Reshape \"r\": cannot reshape [N, 64, 4, 4] (1024 values per sample) into [N, 1000] (1000 values)");
        JsonNode split = Arch.named("x").input("a", 10).then("s", "Split", "split_size_or_sections", Arch.shape(3, 4)).json();
        assertThat(messages(split)).containsExactly("Split \"s\": sections [3, 4] add up to 7, but dim 1 of [N, 10] has 10");
    }

    @Test
    void tensorNodesSayWhatDoesNotFit() {
        JsonNode permute = Arch.named("x").input("a", 4, 5).then("p", "Permute", "dims", Arch.shape(0, 1, 1)).json();
        assertThat(messages(permute)).containsExactly("Permute \"p\": dims [0, 1, 1] name dimension 1 twice");
        JsonNode mean = Arch.named("x").input("a", 4, 5).then("m", "ReduceMean", "dim", Arch.shape(0, 2)).json();
        assertThat(messages(mean)).containsExactly("ReduceMean \"m\": cannot average over dimension 0 of [N, 4, 5], the batch");
        JsonNode expand = Arch.named("x").input("a", 4, 5).then("e", "Expand", "shape", new Integer[] {null, 8, 5}).json();
        assertThat(messages(expand)).containsExactly("Expand \"e\": cannot expand [N, 4, 5] to [null,8,5]: dimension 1 has size 4,"
                + " and only a size 1 can be expanded");
        JsonNode select = Arch.named("x").input("a", 4, 5).then("s", "Select", "dim", 2, "index", 5).json();
        assertThat(messages(select)).containsExactly("Select \"s\": index 5 is out of range for dimension 2 of [N, 4, 5] (use -5 … 4)");
        JsonNode fed = Arch.named("x").input("a", 4).layer("p", "Parameter", "shape", Arch.shape(4)).wire("a", "p", 0).json();
        assertThat(messages(fed)).singleElement().asString().startsWith("Parameter \"p\": takes no inputs");
    }

    @Test
    void unconnectedInputs() {
        JsonNode arch = Arch.named("x").input("x", 3, 8, 8)
                .then("pool", "MaxPool2d", "kernel_size", 2, "return_indices", true)
                .then("unpool", "MaxUnpool2d", "kernel_size", 2)
                .layer("lonely", "Linear", "out_features", 3).json();
        assertThat(messages(arch)).containsExactlyInAnyOrder("MaxUnpool2d \"unpool\": input 1 is not connected", "Linear \"lonely\": has no input connected");
        JsonNode tooMany = Arch.named("x").input("x", 3).then("relu", "ReLU").wire("x", "relu", 1).json();
        assertThat(messages(tooMany)).containsExactly("ReLU \"relu\": has one input, but connection k2 goes to input 1");
        JsonNode badOutput = Arch.named("x").input("x", 3).then("relu", "ReLU").then("o", "Output").wire("relu", 1, "o", 1).json();
        assertThat(messages(badOutput).get(0)).startsWith("Output \"o\": has one input");
    }

    @Test
    void argumentRulesInWords() {
        assertThat(messages(Arch.single(Arch.shape(12, 5, 5), "GroupNorm", "num_groups", 5).json()))
                .containsExactly("GroupNorm \"layer\": num_groups 5 must divide the 12 channels of [N, 12, 5, 5]");
        assertThat(messages(Arch.single(Arch.shape(6, 8, 8), "Conv2d", "out_channels", 4, "kernel_size", 3, "groups", 4).json()))
                .containsExactly("Conv2d \"layer\": groups 4 must divide both in_channels 6 and out_channels 4");
        assertThat(messages(Arch.single(Arch.shape(6, 8, 8), "Conv2d", "out_channels", 4, "kernel_size", 3, "padding", "same", "stride", 2).json()))
                .containsExactly("Conv2d \"layer\": padding='same' needs stride 1 (stride is 2)");
        assertThat(messages(Arch.single(Arch.shape(6, 8), "LSTM", "hidden_size", 4, "proj_size", 4).json()))
                .containsExactly("LSTM \"layer\": proj_size 4 must be smaller than hidden_size 4");
        assertThat(messages(Arch.single(Arch.shape(6, 8, 8), "Upsample", "size", 4, "scale_factor", 2).json()))
                .containsExactly("Upsample \"layer\": needs either size or scale_factor (exactly one of them)");
        assertThat(messages(Arch.single(Arch.shape(6, 8), "Conv2d", "out_channels", 4, "kernel_size", 3).json()))
                .containsExactly("Conv2d \"layer\": expects an input shaped [N, C, H, W] but gets [N, 6, 8]");
        assertThat(messages(Arch.single(Arch.shape(5, 6), "LayerNorm", "normalized_shape", 5).json()).get(0))
                .startsWith("LayerNorm \"layer\": normalises the last dimensions [5] but gets [N, 5, 6]");
        assertThat(messages(Arch.single(Arch.shape(3, 4), "ReflectionPad1d", "padding", 4).json()).get(0))
                .startsWith("ReflectionPad1d \"layer\": reflection padding 4, 4 must be smaller than the size 4");
        assertThat(messages(Arch.single(Arch.shape(3, 5), "GLU").json()))
                .containsExactly("GLU \"layer\": halves dim 2, which must have an even size, but gets [N, 3, 5]");
        assertThat(messages(Arch.single(Arch.shape(3, 5), "Softmax", "dim", 3).json()))
                .containsExactly("Softmax \"layer\": dim 3 is out of range for a 3-dimensional input (use -3 … 2)");
        assertThat(messages(Arch.named("x").layer("x", "Input").json())).containsExactly("Input \"x\": needs shape");
    }

    @Test
    void unnamedLayersAreCalledByTypeAndNumber() {
        JsonNode arch = Arch.named("x").input("x", 3).then("l2", "ReLU").then("l3", "ReLU").then("l4", "Linear").json();
        ((ObjectNode) arch.get("layers").get("l2")).remove("name");
        ((ObjectNode) arch.get("layers").get("l3")).remove("name");
        ((ObjectNode) arch.get("layers").get("l4")).remove("name");
        assertThat(messages(arch)).containsExactly("Linear \"linear_1\": needs out_features");
        assertThat(Architecture.parse(arch).name("l3")).isEqualTo("relu_2");
    }

    @Test
    void sharedLayersReuseArgumentsAndCountParametersOnce() {
        JsonNode arch = Arch.named("x").input("a", 8).input("b", 6)
                .layer("fc", "Linear", "out_features", 4).wire("a", "fc", 0)
                .layer("again", "Shared", "layer", "fc").wire("b", "again", 0).json();
        assertThat(messages(arch)).containsExactly(
                "Shared \"again\": expects 8 input features but gets [N, 6] (set in_features to 6 or leave it out to infer it)");
        JsonNode ok = Arch.named("x").input("a", 8).input("b", 8)
                .layer("fc", "Linear", "out_features", 4).wire("a", "fc", 0)
                .layer("again", "Shared", "layer", "fc").wire("b", "again", 0).json();
        ArchitectureAnalysis a = inference.analyze(ok);
        assertThat(a.parameters()).hasValue(36);
        assertThat(a.layers().get("again").parameters()).isZero();
        assertThat(messages(Arch.named("x").input("a", 8).then("s", "Shared", "layer", "nope").json()))
                .containsExactly("Shared \"s\": reuses layer \"nope\", which does not exist");
    }
}
