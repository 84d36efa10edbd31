package org.deepforge.nn.codegen;

import org.deepforge.library.CodeGenerationException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deepforge.nn.codegen.PythonRunner.Input;
import org.deepforge.nn.codegen.PythonRunner.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PyTorchCodeTest {
    private final PyTorchCode codegen = new PyTorchCode();

    @TempDir
    Path dir;

    static ArchitectureBuilder lenet() {
        return new ArchitectureBuilder("LeNet 5")
                .layer("l1", "Input", "image", "{\"shape\": [1, 28, 28]}")
                .layer("l2", "Conv2d", "conv1", "{\"out_channels\": 6, \"kernel_size\": 5, \"padding\": 2}")
                .layer("l3", "ReLU", null)
                .layer("l4", "MaxPool2d", "pool1", "{\"kernel_size\": 2}")
                .layer("l5", "Conv2d", "conv2", "{\"out_channels\": 16, \"kernel_size\": [5, 5], \"stride\": 1}")
                .layer("l6", "ReLU", null)
                .layer("l7", "MaxPool2d", "pool2", "{\"kernel_size\": 2, \"stride\": 2}")
                .layer("l8", "Flatten", null)
                .layer("l9", "Linear", "fc1", "{\"out_features\": 120}")
                .layer("l10", "ReLU", null, "{\"inplace\": true}")
                .layer("l11", "Linear", "fc2", "{\"out_features\": 84, \"bias\": true}")
                .layer("l12", "ReLU", null)
                .layer("l13", "Dropout", null, "{\"p\": 0.25}")
                .layer("l14", "Linear", "fc3", "{\"out_features\": 10}")
                .layer("l15", "Output", "logits")
                .chain("l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9", "l10", "l11", "l12", "l13", "l14", "l15")
                .inferred("l2", "{\"in_channels\": 1}")
                .inferred("l5", "{\"in_channels\": 6}")
                .inferred("l9", "{\"in_features\": 400}")
                .inferred("l11", "{\"in_features\": 120}")
                .inferred("l14", "{\"in_features\": 84}");
    }

    @Test
    void lenetStyleCnnRunsAndReadsLikeHandWrittenCode() throws Exception {
        ArchitectureBuilder arch = lenet();
        String code = codegen.generate(arch.json(), arch.inferred());

        Result result = PythonRunner.run(dir, code, "LeNet5", List.of(Input.of(1, 28, 28)), true);
        assertThat(result.shapes()).containsExactly(List.of(2, 10));
        assertThat(result.parameters()).isEqualTo(156 + 2416 + 48120 + 10164 + 850);

        assertThat(code).startsWith("import torch\nfrom torch import nn\n\n\nclass LeNet5(nn.Module):\n");
        assertThat(code.split("\n")).filteredOn(l -> l.contains("import ")).hasSize(2);
        assertThat(code).contains(
                "        super().__init__()\n",
                "        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)\n",
                "        self.relu_1 = nn.ReLU()\n",
                "        self.pool1 = nn.MaxPool2d(2)\n",
                "        self.conv2 = nn.Conv2d(6, 16, kernel_size=(5, 5))\n",
                "        self.pool2 = nn.MaxPool2d(2, stride=2)\n",
                "        self.flatten_1 = nn.Flatten()\n",
                "        self.relu_3 = nn.ReLU(inplace=True)\n",
                "        self.fc2 = nn.Linear(120, 84)\n",
                "        self.dropout_1 = nn.Dropout(0.25)\n",
                "        self.fc3 = nn.Linear(84, 10)\n",
                "    def forward(self, image):\n",
                "        conv1 = self.conv1(image)\n",
                "        relu_1 = self.relu_1(conv1)\n",
                "        logits = self.fc3(dropout_1)\n",
                "        return logits\n");
        // Defaults the user happened to set (stride=1, bias=True) are not restated.
        assertThat(code).doesNotContain("stride=1", "bias=True", "inplace=False");
        assertThat(code.split("\n")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(88));
    }

    @Test
    void inceptionModuleConcatenatesItsBranchesInInputOrder() throws Exception {
        ArchitectureBuilder arch = new ArchitectureBuilder("inception block")
                .layer("a", "Input", "x", "{\"shape\": [16, 8, 8]}")
                .layer("b1", "Conv2d", "branch1x1", "{\"out_channels\": 8, \"kernel_size\": 1}")
                .layer("b2", "Conv2d", "reduce3x3", "{\"out_channels\": 4, \"kernel_size\": 1}")
                .layer("b3", "Conv2d", "branch3x3", "{\"out_channels\": 8, \"kernel_size\": 3, \"padding\": 1}")
                .layer("c1", "Conv2d", "reduce5x5", "{\"out_channels\": 2, \"kernel_size\": 1}")
                .layer("c2", "Conv2d", "branch5x5", "{\"out_channels\": 4, \"kernel_size\": 5, \"padding\": 2}")
                .layer("d1", "MaxPool2d", "pool", "{\"kernel_size\": 3, \"stride\": 1, \"padding\": 1}")
                .layer("d2", "Conv2d", "pool_proj", "{\"out_channels\": 4, \"kernel_size\": 1}")
                .layer("z", "Concatenate", "mixed", "{\"dim\": 1}")
                .layer("o", "Output", null)
                .chain("a", "b1").chain("a", "b2", "b3").chain("a", "c1", "c2").chain("a", "d1", "d2")
                // connections arrive in another order than their input indices
                .connect("d2", 0, "z", 3).connect("c2", 0, "z", 2).connect("b1", 0, "z", 0).connect("b3", 0, "z", 1)
                .chain("z", "o")
                .inferred("b1", "{\"in_channels\": 16}").inferred("b2", "{\"in_channels\": 16}")
                .inferred("b3", "{\"in_channels\": 4}").inferred("c1", "{\"in_channels\": 16}")
                .inferred("c2", "{\"in_channels\": 2}").inferred("d2", "{\"in_channels\": 16}");
        String code = codegen.generate(arch.json(), arch.inferred());

        Result result = PythonRunner.run(dir, code, "InceptionBlock", List.of(Input.of(16, 8, 8)), true);
        assertThat(result.shapes()).containsExactly(List.of(2, 24, 8, 8));
        assertThat(result.parameters()).isEqualTo(136 + 68 + 296 + 34 + 204 + 68);

        // every intermediate is let go right after its last use (training reuses the memory); the input and
        // what forward returns are kept
        assertThat(code).contains("        branch3x3 = self.branch3x3(reduce3x3)\n        del reduce3x3\n",
                "        mixed = torch.cat([branch1x1, branch3x3, branch5x5, pool_proj], dim=1)\n"
                        + "        del branch1x1, branch3x3, branch5x5, pool_proj\n        return mixed\n");
        assertThat(code).doesNotContain("del x", "del mixed");
        // each branch is written out before the next one starts
        assertThat(code).containsSubsequence(
                "self.reduce3x3 = nn.Conv2d(16, 4, kernel_size=1)\n        self.branch3x3 = nn.Conv2d(4, 8",
                "self.reduce5x5 = nn.Conv2d(16, 2, kernel_size=1)\n        self.branch5x5 = nn.Conv2d(2, 4",
                "self.pool = nn.MaxPool2d(3, stride=1, padding=1)\n        self.pool_proj = nn.Conv2d(16, 4");
    }

    @Test
    void lstmClassifierTakesTheOutputSequence() throws Exception {
        ArchitectureBuilder arch = new ArchitectureBuilder("sentiment_lstm")
                .layer("l1", "Input", "tokens", "{\"shape\": [20]}")
                .layer("l2", "Embedding", "embedding", "{\"num_embeddings\": 1000, \"embedding_dim\": 32}")
                .layer("l3", "LSTM", "lstm", "{\"hidden_size\": 64, \"batch_first\": true, \"num_layers\": 1}")
                .layer("l4", "Flatten", null)
                .layer("l5", "Linear", "classifier", "{\"out_features\": 5}")
                .layer("l6", "Output", "logits")
                .chain("l1", "l2", "l3", "l4", "l5", "l6")
                .inferred("l3", "{\"input_size\": 32}")
                .inferred("l5", "{\"in_features\": 1280}");
        String code = codegen.generate(arch.json(), arch.inferred());

        Result result = PythonRunner.run(dir, code, "SentimentLstm", List.of(Input.tokens(20)), true);
        assertThat(result.shapes()).containsExactly(List.of(2, 5));
        assertThat(result.parameters()).isEqualTo(32000 + 25088 + 6405);
        assertThat(code).contains(
                "        self.embedding = nn.Embedding(1000, 32)\n",
                "        self.lstm = nn.LSTM(32, 64, batch_first=True)\n",
                "    def forward(self, tokens):\n",
                "        lstm = self.lstm(embedding)[0]\n",
                "        logits = self.classifier(flatten_1)\n");
    }

    @Test
    void recurrentHiddenStateUsedDownstreamIsUnpacked() throws Exception {
        ArchitectureBuilder arch = new ArchitectureBuilder("encoder")
                .layer("l1", "Input", "x", "{\"shape\": [7, 4]}")
                .layer("l2", "LSTM", "encoder", "{\"hidden_size\": 6, \"batch_first\": true}")
                .layer("l3", "Linear", "head", "{\"out_features\": 2}")
                .layer("l4", "Output", "sequence_out")
                .layer("l5", "Output", "scores")
                .connect("l1", 0, "l2", 0).connect("l2", 0, "l4", 0)
                .connect("l2", 1, "l3", 0).connect("l3", 0, "l5", 0)
                .inferred("l2", "{\"input_size\": 4}").inferred("l3", "{\"in_features\": 6}");
        String code = codegen.generate(arch.json(), arch.inferred());

        Result result = PythonRunner.run(dir, code, "Encoder", List.of(Input.of(7, 4)), false);
        assertThat(result.shapes()).containsExactly(List.of(1, 2, 2), List.of(2, 7, 6));
        assertThat(result.parameters()).isEqualTo(288 + 14);
        assertThat(code).contains(
                "        sequence_out, (encoder_hidden, _) = self.encoder(x)\n",
                "        scores = self.head(encoder_hidden)\n",
                "        return scores, sequence_out\n");
    }

    @Test
    void residualBlockAddsTheShortcut() throws Exception {
        ArchitectureBuilder arch = new ArchitectureBuilder("residual-block")
                .layer("l1", "Input", "x", "{\"shape\": [8, 16, 16]}")
                .layer("l2", "Conv2d", "conv1",
                        "{\"out_channels\": 8, \"kernel_size\": 3, \"padding\": 1, \"bias\": false}")
                .layer("l3", "BatchNorm2d", "bn1")
                .layer("l4", "ReLU", "act1")
                .layer("l5", "Conv2d", "conv2",
                        "{\"out_channels\": 8, \"kernel_size\": 3, \"padding\": [1, 1], \"bias\": false}")
                .layer("l6", "BatchNorm2d", "bn2", "{\"eps\": 1e-05, \"momentum\": 0.01}")
                .layer("l7", "Add", "residual")
                .layer("l8", "ReLU", null)
                .layer("l9", "Output", "y")
                .chain("l1", "l2", "l3", "l4", "l5", "l6")
                .connect("l6", 0, "l7", 0).connect("l1", 0, "l7", 1)
                .chain("l7", "l8", "l9")
                .inferred("l2", "{\"in_channels\": 8}").inferred("l3", "{\"num_features\": 8}")
                .inferred("l5", "{\"in_channels\": 8}").inferred("l6", "{\"num_features\": 8}");
        String code = codegen.generate(arch.json(), arch.inferred());

        Result result = PythonRunner.run(dir, code, "ResidualBlock", List.of(Input.of(8, 16, 16)), true);
        assertThat(result.shapes()).containsExactly(List.of(2, 8, 16, 16));
        assertThat(result.parameters()).isEqualTo(576 * 2 + 16 * 2);
        assertThat(code).contains(
                "        self.conv1 = nn.Conv2d(8, 8, kernel_size=3, padding=1, bias=False)\n",
                "        self.conv2 = nn.Conv2d(8, 8, kernel_size=3, padding=(1, 1), bias=False)\n",
                "        self.bn1 = nn.BatchNorm2d(8)\n",
                "        self.bn2 = nn.BatchNorm2d(8, momentum=0.01)\n",
                "        residual = bn2 + x\n",
                "        y = self.relu_1(residual)\n");
    }

    @Test
    void splitPiecesAreUnpackedAndConcatenatedBack() throws Exception {
        ArchitectureBuilder arch = new ArchitectureBuilder("split and merge")
                .layer("l1", "Input", "features", "{\"shape\": [8, 4, 4]}")
                .layer("l2", "Split", "halves", "{\"split_size_or_sections\": 4, \"dim\": 1}")
                .layer("l3", "Conv2d", "mix", "{\"out_channels\": 4, \"kernel_size\": 1}")
                .layer("l4", "Sigmoid", "gate")
                .layer("l5", "Concatenate", "joined")
                .layer("l6", "Reshape", null, "{\"shape\": [8, -1]}")
                .layer("l7", "Output", "sequence")
                .layer("l8", "Mean", null)
                .layer("l9", "Output", "average")
                .layer("l10", "Split", "parts", "{\"split_size_or_sections\": [1, 3], \"dim\": 1}")
                .layer("l11", "Output", "tail")
                .connect("l1", 0, "l2", 0)
                .connect("l2", 0, "l3", 0).connect("l2", 1, "l4", 0)
                .connect("l4", 0, "l5", 0).connect("l3", 0, "l5", 1)
                .chain("l5", "l6", "l7")
                .connect("l3", 0, "l8", 0).connect("l4", 0, "l8", 1).chain("l8", "l9")
                .connect("l4", 0, "l10", 0).connect("l10", 1, "l11", 0)
                .inferred("l2", "{\"chunks\": 2}")
                .inferred("l3", "{\"in_channels\": 4}");
        String code = codegen.generate(arch.json(), arch.inferred());

        Result result = PythonRunner.run(dir, code, "SplitAndMerge", List.of(Input.of(8, 4, 4)), false);
        assertThat(result.shapes()).containsExactly(List.of(2, 4, 4, 4), List.of(2, 8, 16), List.of(2, 3, 4, 4));
        assertThat(result.parameters()).isEqualTo(20);
        assertThat(code).contains(
                "        halves_0, halves_1 = torch.split(features, 4, dim=1)\n",
                "        joined = torch.cat([gate, mix], dim=1)\n",
                "        sequence = joined.reshape(joined.shape[0], 8, -1)\n",
                "        average = torch.stack([mix, gate]).mean(0)\n",
                "        _, tail = torch.split(gate, [1, 3], dim=1)\n",
                "        return average, sequence, tail\n");
        assertThat(code).doesNotContain("chunks");
    }

    @Test
    void tensorNodesAndParametersReadLikeTorch() throws Exception {
        // a ViT-style stem: patches as a sequence, a class token expanded to the batch, a positional embedding,
        // the class token's output and a mean over the sequence
        ArchitectureBuilder arch = new ArchitectureBuilder("tiny vit")
                .layer("l1", "Input", "image", "{\"shape\": [3, 8, 8]}")
                .layer("l2", "Conv2d", "patches", "{\"out_channels\": 16, \"kernel_size\": 4, \"stride\": 4}")
                .layer("l3", "Reshape", null, "{\"shape\": [16, 4]}")
                .layer("l4", "Permute", "tokens", "{\"dims\": [0, 2, 1]}")
                .layer("l5", "Parameter", "class_token", "{\"shape\": [1, 1, 16]}")
                .layer("l6", "Expand", "batch_token", "{\"shape\": [null, -1, -1]}")
                .layer("l7", "Concatenate", "sequence")
                .layer("l8", "Parameter", "position", "{\"shape\": [1, 5, 16]}")
                .layer("l9", "Add", "embedded")
                .layer("l10", "Select", "first", "{\"dim\": 1, \"index\": 0}")
                .layer("l11", "Output", "token")
                .layer("l12", "ReduceMean", "pooled", "{\"dim\": [1], \"keepdim\": true}")
                .layer("l13", "Output", "average")
                .chain("l1", "l2", "l3", "l4")
                .chain("l5", "l6").connect("l6", 0, "l7", 0).connect("l4", 0, "l7", 1)
                .connect("l7", 0, "l9", 0).connect("l8", 0, "l9", 1)
                .chain("l9", "l10", "l11").chain("l9", "l12", "l13")
                .inferred("l2", "{\"in_channels\": 3}");
        String code = codegen.generate(arch.json(), arch.inferred());

        Result result = PythonRunner.run(dir, code, "TinyVit", List.of(Input.of(3, 8, 8)), false);
        assertThat(result.shapes()).containsExactly(List.of(2, 1, 16), List.of(2, 16));
        assertThat(result.parameters()).isEqualTo(16 * 3 * 16 + 16 + 16 + 5 * 16);
        assertThat(code).contains(
                "        self.class_token = nn.Parameter(torch.zeros(1, 1, 16))\n",
                "        self.position = nn.Parameter(torch.zeros(1, 5, 16))\n",
                "        tokens = reshape_1.permute(0, 2, 1)\n",
                "        class_token = self.class_token\n",
                "        batch_token = class_token.expand(image.shape[0], -1, -1)\n",
                "        token = embedded[:, 0]\n",
                "        average = embedded.mean(1, keepdim=True)\n");
    }

    @Test
    void multiInputMultiOutputModelWithSharedWeightsAndAttention() throws Exception {
        ArchitectureBuilder arch = new ArchitectureBuilder("siamese")
                .layer("i1", "Input", "right", "{\"shape\": [10]}")
                .layer("i2", "Input", "left", "{\"shape\": [10]}")
                .layer("i3", "Input", "sequence", "{\"shape\": [5, 16]}")
                .layer("enc", "Linear", "encoder", "{\"out_features\": 16}")
                .layer("enc2", "Shared", null, "{\"layer\": \"enc\"}")
                .layer("sum", "Add", "sum")
                .layer("prod", "Multiply", "product")
                .layer("blend", "Mean", "blend")
                .layer("head", "Linear", "head", "{\"out_features\": 3}")
                .layer("att", "MultiheadAttention", "attention", "{\"num_heads\": 4, \"batch_first\": true}")
                .layer("gru", "GRU", "summary", "{\"hidden_size\": 8, \"batch_first\": true}")
                .layer("o1", "Output", "class_scores")
                .layer("o2", "Output", "embedding")
                .layer("o3", "Output", "attended")
                .layer("o4", "Output", "state")
                .connect("i2", 0, "enc", 0).connect("i1", 0, "enc2", 0)
                .connect("enc", 0, "sum", 0).connect("enc2", 0, "sum", 1)
                .connect("enc", 0, "prod", 0).connect("enc2", 0, "prod", 1)
                .connect("sum", 0, "blend", 0).connect("prod", 0, "blend", 1)
                .chain("blend", "head", "o1").chain("sum", "o2")
                .chain("i3", "att", "o3")
                .connect("i3", 0, "gru", 0).connect("gru", 1, "o4", 0)
                .inferred("enc", "{\"in_features\": 10}").inferred("head", "{\"in_features\": 16}")
                .inferred("att", "{\"embed_dim\": 16}").inferred("gru", "{\"input_size\": 16}");
        String code = codegen.generate(arch.json(), arch.inferred());

        Result result = PythonRunner.run(dir, code, "Siamese",
                List.of(Input.of(10), Input.of(10), Input.of(5, 16)), false);
        assertThat(result.shapes()).containsExactly(
                List.of(2, 5, 16), List.of(2, 3), List.of(2, 16), List.of(1, 2, 8));
        assertThat(result.parameters()).isEqualTo(176 + 51 + 1088 + 624);
        assertThat(code).contains(
                "    def forward(self, left, right, sequence):\n",
                "        encoder = self.encoder(left)\n",
                "        encoder_2 = self.encoder(right)\n",
                "        embedding = encoder + encoder_2\n",
                "        product = encoder * encoder_2\n",
                "        blend = torch.stack([embedding, product]).mean(0)\n",
                "        self.attention = nn.MultiheadAttention(16, 4, batch_first=True)\n",
                "        attended = self.attention(sequence, sequence, sequence)[0]\n",
                "        _, state = self.summary(sequence)\n",
                "        return attended, class_scores, embedding, state\n");
        assertThat(code).containsOnlyOnce("nn.Linear(10, 16)");
    }

    @Test
    void sameArchitectureGivesTheSameBytesWhateverTheKeyOrder() {
        ArchitectureBuilder arch = lenet();
        String first = codegen.generate(arch.json(), arch.inferred());
        assertThat(codegen.generate(arch.json(), arch.inferred())).isEqualTo(first);
        assertThat(codegen.generate(shuffled(arch.json(), new Random(7)), arch.inferred())).isEqualTo(first);
        assertThat(codegen.generate(shuffled(arch.json(), new Random(8)), arch.inferred())).isEqualTo(first);
    }

    @Test
    void namesThatPythonCannotTakeFallBackToTheTypeAndStayUnique() {
        ArchitectureBuilder arch = new ArchitectureBuilder("")
                .layer("l1", "Input", null, "{\"shape\": [4]}")
                .layer("l2", "Linear", "1st layer", "{\"in_features\": 4, \"out_features\": 4}")
                .layer("l3", "Linear", "class", "{\"in_features\": 4, \"out_features\": 4}")
                .layer("l4", "Linear", "dense", "{\"in_features\": 4, \"out_features\": 4}")
                .layer("l5", "LeakyReLU", "dense", "{\"negative_slope\": 0.2}")
                .layer("l6", "BatchNorm1d", "forward", "{\"num_features\": 4, \"eps\": 0.001}")
                .layer("l7", "Output", null)
                .chain("l1", "l2", "l3", "l4", "l5", "l6", "l7");
        String code = codegen.generate(arch.json(), Map.of());
        assertThat(code).contains(
                "class Architecture(nn.Module):\n",
                "        self.linear_1 = nn.Linear(4, 4)\n",
                "        self.linear_2 = nn.Linear(4, 4)\n",
                "        self.dense = nn.Linear(4, 4)\n",
                "        self.dense_2 = nn.LeakyReLU(0.2)\n",
                "        self.forward_ = nn.BatchNorm1d(4, eps=0.001)\n",
                "    def forward(self, input_1):\n",
                "        return forward_\n");
    }

    @Test
    void anOutputNamedLikeTheLayerFeedingItReturnsThatLayersTensor() {
        ArchitectureBuilder arch = new ArchitectureBuilder("probe")
                .layer("l1", "Input", "x", "{\"shape\": [4]}")
                .layer("l2", "Linear", "logits", "{\"in_features\": 4, \"out_features\": 2}")
                .layer("l3", "Output", "logits")
                .layer("l4", "Output", "features")
                .chain("l1", "l2", "l3").chain("l1", "l4");
        String code = codegen.generate(arch.json(), Map.of());
        assertThat(code).contains("        logits = self.logits(x)\n", "        return x, logits\n");
    }

    @Test
    void classNamesAreCamelCaseIdentifiers() {
        assertThat(PyTorchCode.className(named("convnet"))).isEqualTo("Convnet");
        assertThat(PyTorchCode.className(named("my cnn-v2"))).isEqualTo("MyCnnV2");
        assertThat(PyTorchCode.className(named("resNet_50"))).isEqualTo("ResNet50");
        assertThat(PyTorchCode.className(named("3d unet"))).isEqualTo("Model3dUnet");
        assertThat(PyTorchCode.className(named("  "))).isEqualTo("Architecture");
        assertThat(PyTorchCode.className(ArchitectureBuilder.JSON.createObjectNode())).isEqualTo("Architecture");
    }

    @Test
    void literalsAreWrittenAsPythonAndLongCallsWrap() throws Exception {
        ArchitectureBuilder arch = new ArchitectureBuilder("literals")
                .layer("l1", "Input", "x", "{\"shape\": [3, 8, 8]}")
                .layer("l2", "Conv2d", null, "{\"in_channels\": 3, \"out_channels\": 4, \"kernel_size\": [3, 1],"
                        + " \"padding\": \"same\", \"padding_mode\": \"reflect\"}")
                .layer("l3", "LayerNorm", null, "{\"normalized_shape\": [8], \"eps\": 1e-06}")
                .layer("l4", "Upsample", null, "{\"scale_factor\": 2.0, \"mode\": \"bilinear\","
                        + " \"align_corners\": false}")
                .layer("l5", "AdaptiveAvgPool2d", null, "{\"output_size\": [1, null]}")
                .layer("l6", "Output", "y")
                .chain("l1", "l2", "l3", "l4", "l5", "l6");
        String code = codegen.generate(arch.json(), Map.of());
        assertThat(code).contains(
                "        self.conv2d_1 = nn.Conv2d(\n"
                        + "            3, 4, kernel_size=(3, 1), padding='same', padding_mode='reflect'\n"
                        + "        )\n",
                "        self.layer_norm_1 = nn.LayerNorm((8,), eps=1e-06)\n",
                "nn.Upsample(\n            scale_factor=2.0, mode='bilinear', align_corners=False\n        )\n",
                "        self.adaptive_avg_pool2d_1 = nn.AdaptiveAvgPool2d((1, None))\n");
        Result result = PythonRunner.run(dir, code, "Literals", List.of(Input.of(3, 8, 8)), true);
        assertThat(result.shapes()).containsExactly(List.of(2, 4, 1, 16));
        assertThat(result.parameters()).isEqualTo(40 + 16);
        assertThat(PythonLiteral.number(new BigDecimal("0.0001"))).isEqualTo("0.0001");
        assertThat(PythonLiteral.number(new BigDecimal("1E+20"))).isEqualTo("1e+20");
        assertThat(PythonLiteral.number(new BigDecimal("3"))).isEqualTo("3.0");
        assertThat(PythonLiteral.string("it's a \\ path")).isEqualTo("'it\\'s a \\\\ path'");
    }

    @Test
    void brokenArchitecturesSayWhichLayerToFix() {
        ArchitectureBuilder cycle = new ArchitectureBuilder("loop")
                .layer("l1", "Input", "x", "{\"shape\": [4]}")
                .layer("l2", "Linear", "a", "{\"in_features\": 4, \"out_features\": 4}")
                .layer("l3", "Add", "b")
                .layer("l4", "Output", "y")
                .chain("l1", "l2", "l3", "l4").connect("l3", 0, "l2", 1).connect("l1", 0, "l3", 1);
        assertThatThrownBy(() -> codegen.generate(cycle.json(), Map.of()))
                .isInstanceOf(CodeGenerationException.class).hasMessageContaining("cycle");

        ArchitectureBuilder dangling = new ArchitectureBuilder("dangling")
                .layer("l1", "Input", "x", "{\"shape\": [4]}")
                .layer("l2", "Linear", "fc", "{\"in_features\": 4, \"out_features\": 4}")
                .layer("l3", "Output", "y")
                .chain("l2", "l3");
        assertThatThrownBy(() -> codegen.generate(dangling.json(), Map.of()))
                .isInstanceOf(CodeGenerationException.class)
                .hasMessage("Linear \"fc\": input 0 is not connected");
    }

    private static JsonNode named(String name) {
        ObjectNode n = ArchitectureBuilder.JSON.createObjectNode();
        n.put("name", name);
        return n;
    }

    /** A copy with the keys of every object in another order. */
    private static JsonNode shuffled(JsonNode node, Random random) {
        if (!node.isObject()) {
            return node;
        }
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        Collections.shuffle(keys, random);
        ObjectNode out = ArchitectureBuilder.JSON.createObjectNode();
        keys.forEach(k -> out.set(k, shuffled(node.get(k), random)));
        return out;
    }
}
