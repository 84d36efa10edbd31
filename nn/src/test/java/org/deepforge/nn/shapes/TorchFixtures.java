package org.deepforge.nn.shapes;

import static org.deepforge.nn.shapes.Arch.shape;
import static org.deepforge.nn.shapes.Arch.single;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Architectures whose every layer is checked against real torch: four networks and one or more per layer family. */
final class TorchFixtures {
    private TorchFixtures() {}

    static JsonNode lenet() {
        return Arch.named("lenet").input("image", 1, 28, 28)
                .then("conv1", "Conv2d", "out_channels", 6, "kernel_size", 5, "padding", 2)
                .then("relu1", "ReLU")
                .then("pool1", "MaxPool2d", "kernel_size", 2)
                .then("conv2", "Conv2d", "out_channels", 16, "kernel_size", 5)
                .then("relu2", "ReLU")
                .then("pool2", "AvgPool2d", "kernel_size", 2)
                .then("flatten", "Flatten")
                .then("fc1", "Linear", "out_features", 120)
                .then("relu3", "ReLU")
                .then("fc2", "Linear", "out_features", 84)
                .then("drop", "Dropout", "p", 0.3)
                .then("fc3", "Linear", "out_features", 10)
                .then("logprobs", "LogSoftmax", "dim", 1)
                .then("logits", "Output").json();
    }

    static JsonNode lstmClassifier() {
        return Arch.named("lstm_classifier").input("tokens", 20)
                .then("embed", "Embedding", "num_embeddings", 1000, "embedding_dim", 32)
                .then("lstm", "LSTM", "hidden_size", 64, "num_layers", 2, "batch_first", true, "bidirectional", true)
                .then("flatten", "Flatten")
                .then("fc", "Linear", "out_features", 5)
                .then("scores", "Output")
                .layer("hidden", "Output").wire("lstm", 1, "hidden", 0)
                .layer("cell", "Output").wire("lstm", 2, "cell", 0).json();
    }

    static JsonNode transformerBlock() {
        return Arch.named("transformer_block").input("x", 10, 32)
                .then("attn", "MultiheadAttention", "num_heads", 4, "batch_first", true)
                .layer("add1", "Add").wire("x", "add1", 0).wire("attn", "add1", 1)
                .from("add1").then("norm1", "LayerNorm")
                .then("ff1", "Linear", "out_features", 64)
                .then("act", "ReLU")
                .then("ff2", "Linear", "out_features", 32)
                .layer("add2", "Add").wire("norm1", "add2", 0).wire("ff2", "add2", 1)
                .from("add2").then("norm2", "LayerNorm")
                .then("y", "Output").json();
    }

    /** The paper's inception module on a 64×64 image with 5 channels. */
    static JsonNode inception() {
        return Arch.named("inception").input("image", 5, 64, 64)
                .then("conv1x1", "Conv2d", "out_channels", 16, "kernel_size", 1)
                .from("image").then("conv3x3", "Conv2d", "out_channels", 24, "kernel_size", 3, "padding", 1)
                .from("image").then("conv5x5", "Conv2d", "out_channels", 8, "kernel_size", 5, "padding", 2)
                .from("image").then("pool", "AvgPool2d", "kernel_size", 3, "stride", 1, "padding", 1)
                .layer("concat", "Concatenate", "dim", 1)
                .wire("conv1x1", "concat", 0).wire("conv3x3", "concat", 1).wire("conv5x5", "concat", 2).wire("pool", "concat", 3)
                .from("concat").then("out", "Output").json();
    }

    /** Permute, ReduceMean, Expand, Select and Parameter: a ViT-like stem and the corner cases of each. */
    static void tensorNodes(Map<String, JsonNode> f) {
        f.put("tensor_nodes", Arch.named("tensor_nodes").input("image", 3, 8, 8)
                .then("patches", "Conv2d", "out_channels", 6, "kernel_size", 4, "stride", 4)
                .then("seq", "Flatten", "start_dim", 2)
                .then("tokens", "Permute", "dims", shape(0, -1, 1))
                .layer("token", "Parameter", "shape", shape(1, 1, 6))
                .from("token").then("batch_token", "Expand", "shape", new Integer[] {null, -1, -1})
                .layer("cat", "Concatenate", "dim", 1).wire("batch_token", "cat", 0).wire("tokens", "cat", 1)
                .layer("pos", "Parameter", "shape", shape(5, 6))
                .layer("embedded", "Add").wire("cat", "embedded", 0).wire("pos", "embedded", 1)
                .from("embedded").then("first", "Select", "dim", 1, "index", 0).then("o1", "Output")
                .from("embedded").then("last", "Select", "dim", -1, "index", -2).then("o2", "Output")
                .from("patches").then("gap", "ReduceMean", "dim", shape(2, 3)).then("o3", "Output")
                .from("patches").then("kept", "ReduceMean", "dim", -1, "keepdim", true).then("o4", "Output")
                .from("token").then("grown", "Expand", "shape", new Integer[] {4, null, 3, -1}).then("o5", "Output")
                .from("image").then("swapped", "Permute", "dims", shape(0, 3, 2, 1)).then("o6", "Output")
                .layer("scale", "Parameter", "shape", shape(6, 1, 1))
                .layer("scaled", "Multiply").wire("scale", "scaled", 0).wire("patches", "scaled", 1)
                .from("scaled").then("o7", "Output").json());
    }

    static Map<String, JsonNode> all() {
        Map<String, JsonNode> f = new LinkedHashMap<>();
        f.put("lenet", lenet());
        f.put("lstm_classifier", lstmClassifier());
        f.put("transformer_block", transformerBlock());
        f.put("inception", inception());
        convolutions(f);
        pooling(f);
        linearAndNorms(f);
        activations(f);
        recurrentAndAttention(f);
        resamplingAndPadding(f);
        tensorNodes(f);
        language(f);
        return f;
    }

    private static void convolutions(Map<String, JsonNode> f) {
        f.put("Conv1d", single(shape(3, 50), "Conv1d", "out_channels", 8, "kernel_size", 5, "stride", 2, "dilation", 2, "bias", false).json());
        f.put("Conv2d_tuple", single(shape(4, 30, 17), "Conv2d", "out_channels", 6, "kernel_size", shape(3, 5), "stride", shape(2, 1),
                "padding", shape(1, 2), "groups", 2, "padding_mode", "reflect").json());
        f.put("Conv2d_same", single(shape(3, 15, 16), "Conv2d", "out_channels", 4, "kernel_size", 4, "padding", "same", "dilation", 2).json());
        f.put("Conv2d_valid", single(shape(3, 15, 16), "Conv2d", "out_channels", 4, "kernel_size", 3, "padding", "valid").json());
        f.put("Conv3d", single(shape(2, 9, 10, 11), "Conv3d", "out_channels", 4, "kernel_size", 3, "stride", 2, "padding", 1).json());
        f.put("ConvTranspose1d", single(shape(4, 10), "ConvTranspose1d", "out_channels", 2, "kernel_size", 3, "stride", 2,
                "output_padding", 1).json());
        f.put("ConvTranspose2d", single(shape(8, 7, 9), "ConvTranspose2d", "out_channels", 4, "kernel_size", 4, "stride", 2,
                "padding", 1, "groups", 4, "dilation", shape(1, 2)).json());
        f.put("ConvTranspose3d", single(shape(2, 3, 4, 5), "ConvTranspose3d", "out_channels", 3, "kernel_size", 2, "stride", 2, "bias", false).json());
        f.put("LazyConv2d", single(shape(3, 12, 12), "LazyConv2d", "out_channels", 5, "kernel_size", 3).json());
    }

    private static void pooling(Map<String, JsonNode> f) {
        f.put("MaxPool1d", single(shape(3, 17), "MaxPool1d", "kernel_size", 3, "stride", 2, "padding", 1, "ceil_mode", true).json());
        f.put("MaxPool2d_dilated", single(shape(3, 20, 21), "MaxPool2d", "kernel_size", 3, "dilation", 2, "stride", shape(2, 3)).json());
        f.put("MaxPool3d", single(shape(2, 8, 9, 10), "MaxPool3d", "kernel_size", 2).json());
        f.put("AvgPool1d", single(shape(3, 11), "AvgPool1d", "kernel_size", 4, "ceil_mode", true, "stride", 3).json());
        f.put("AvgPool3d", single(shape(2, 7, 8, 9), "AvgPool3d", "kernel_size", 3, "padding", 1, "stride", 2).json());
        f.put("LPPool1d", single(shape(3, 16), "LPPool1d", "norm_type", 2, "kernel_size", 3, "stride", 2).json());
        f.put("LPPool2d", single(shape(3, 16, 15), "LPPool2d", "norm_type", 1.5, "kernel_size", 2).json());
        f.put("AdaptiveAvgPool1d", single(shape(3, 16), "AdaptiveAvgPool1d", "output_size", 5).json());
        f.put("AdaptiveAvgPool2d_none", single(shape(3, 16, 12), "AdaptiveAvgPool2d", "output_size", Arrays.asList(4, null)).json());
        f.put("AdaptiveMaxPool2d", single(shape(3, 16, 12), "AdaptiveMaxPool2d", "output_size", 1).json());
        f.put("AdaptiveMaxPool3d", single(shape(2, 6, 7, 8), "AdaptiveMaxPool3d", "output_size", Arrays.asList(null, 2, 3),
                "return_indices", true).json());
        f.put("AdaptiveAvgPool3d", single(shape(2, 6, 7, 8), "AdaptiveAvgPool3d", "output_size", 2).json());
        f.put("AdaptiveMaxPool1d", single(shape(2, 9), "AdaptiveMaxPool1d", "output_size", 4).json());
        f.put("FractionalMaxPool2d", single(shape(2, 16, 16), "FractionalMaxPool2d", "kernel_size", 3, "output_ratio", 0.5).json());
        f.put("MaxUnpool2d", Arch.named("unpool").input("x", 3, 10, 11)
                .then("pool", "MaxPool2d", "kernel_size", 2, "return_indices", true)
                .then("unpool", "MaxUnpool2d", "kernel_size", 2).wire("pool", 1, "unpool", 1)
                .then("out", "Output").json());
        f.put("MaxUnpool1d", Arch.named("unpool1").input("x", 3, 10)
                .then("pool", "MaxPool1d", "kernel_size", 3, "stride", 2, "return_indices", true)
                .then("unpool", "MaxUnpool1d", "kernel_size", 3, "stride", 2).wire("pool", 1, "unpool", 1)
                .then("out", "Output").json());
        f.put("MaxUnpool3d", Arch.named("unpool3").input("x", 2, 4, 4, 6)
                .then("pool", "MaxPool3d", "kernel_size", 2, "return_indices", true)
                .then("unpool", "MaxUnpool3d", "kernel_size", 2).wire("pool", 1, "unpool", 1)
                .then("out", "Output").json());
    }

    private static void linearAndNorms(Map<String, JsonNode> f) {
        f.put("Linear_3d", single(shape(7, 12), "Linear", "out_features", 9, "bias", false).json());
        f.put("Bilinear", Arch.named("bilinear").input("a", 6).input("b", 4)
                .layer("bil", "Bilinear", "out_features", 3).wire("a", "bil", 0).wire("b", "bil", 1).then("out", "Output").json());
        f.put("Identity", single(shape(3, 4), "Identity").json());
        f.put("Flatten_range", single(shape(3, 4, 5, 6), "Flatten", "start_dim", 2, "end_dim", 3).json());
        f.put("Unflatten", single(shape(24, 5), "Unflatten", "dim", 1, "unflattened_size", shape(2, 3, 4)).json());
        f.put("BatchNorm1d_2d", single(shape(12), "BatchNorm1d").json());
        f.put("BatchNorm1d_3d", single(shape(12, 7), "BatchNorm1d", "affine", false).json());
        f.put("BatchNorm2d", single(shape(6, 5, 5), "BatchNorm2d").json());
        f.put("BatchNorm3d", single(shape(6, 3, 4, 5), "BatchNorm3d").json());
        f.put("InstanceNorm1d", single(shape(6, 9), "InstanceNorm1d", "affine", true).json());
        f.put("InstanceNorm2d", single(shape(6, 9, 8), "InstanceNorm2d").json());
        f.put("InstanceNorm3d", single(shape(6, 3, 4, 5), "InstanceNorm3d", "affine", true).json());
        f.put("LayerNorm_2dims", single(shape(5, 6, 7), "LayerNorm", "normalized_shape", shape(6, 7)).json());
        f.put("LayerNorm_noaffine", single(shape(5, 6), "LayerNorm", "elementwise_affine", false).json());
        f.put("GroupNorm", single(shape(12, 5, 5), "GroupNorm", "num_groups", 3).json());
        f.put("LocalResponseNorm", single(shape(8, 5, 5), "LocalResponseNorm", "size", 3).json());
        f.put("Dropouts", Arch.named("dropouts").input("x", 4, 6, 6).then("d1", "Dropout", "p", 0.1).then("d2", "Dropout2d")
                .then("d3", "AlphaDropout").then("d4", "FeatureAlphaDropout").then("o1", "Output")
                .input("y", 4, 6).then("d5", "Dropout1d").then("o2", "Output")
                .input("z", 2, 3, 4, 5).then("d6", "Dropout3d", "p", 0.2).then("o3", "Output").json());
        f.put("Embedding", single(shape(7, 3), "Embedding", "num_embeddings", 50, "embedding_dim", 4, "padding_idx", 0).json());
        f.put("EmbeddingBag", single(shape(9), "EmbeddingBag", "num_embeddings", 30, "embedding_dim", 6, "mode", "sum").json());
        f.put("CosineSimilarity", Arch.named("cos").input("a", 8, 3).input("b", 8, 3)
                .layer("cos", "CosineSimilarity").wire("a", "cos", 0).wire("b", "cos", 1).then("out", "Output").json());
        f.put("PairwiseDistance", Arch.named("pd").input("a", 8).input("b", 8)
                .layer("pd", "PairwiseDistance", "keepdim", true).wire("a", "pd", 0).wire("b", "pd", 1).then("out", "Output").json());
    }

    private static void activations(Map<String, JsonNode> f) {
        Arch a = Arch.named("activations").input("x", 6, 4, 4);
        for (String t : new String[] {"ReLU", "LeakyReLU", "ELU", "SELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", "Softplus",
                "Softsign", "Hardtanh", "Hardswish", "Hardsigmoid", "ReLU6", "RReLU", "CELU", "Tanhshrink", "Softshrink",
                "Hardshrink", "LogSigmoid", "Softmax2d"}) {
            a.then(t.toLowerCase(), t);
        }
        a.then("threshold", "Threshold", "threshold", 0.1, "value", 20);
        a.then("prelu", "PReLU", "num_parameters", 6);
        a.then("prelu1", "PReLU");
        a.then("softmax", "Softmax", "dim", 1).then("logsoftmax", "LogSoftmax", "dim", -1).then("softmin", "Softmin", "dim", 2);
        a.then("glu", "GLU", "dim", 2).then("glu_last", "GLU");
        f.put("activations", a.then("out", "Output").json());
    }

    private static void recurrentAndAttention(Map<String, JsonNode> f) {
        f.put("RNN", single(shape(5, 3), "RNN", "hidden_size", 7, "num_layers", 3, "nonlinearity", "relu").json());
        f.put("GRU_bidir", single(shape(5, 3), "GRU", "hidden_size", 7, "bidirectional", true, "bias", false, "batch_first", true).json());
        f.put("LSTM_proj", Arch.named("lstm_proj").input("x", 6, 10)
                .then("lstm", "LSTM", "hidden_size", 8, "proj_size", 3, "num_layers", 2, "bidirectional", true)
                .then("out", "Output").layer("h", "Output").wire("lstm", 1, "h", 0).layer("c", "Output").wire("lstm", 2, "c", 0).json());
        f.put("RNNCell", single(shape(6), "RNNCell", "hidden_size", 5).json());
        f.put("GRUCell", single(shape(6), "GRUCell", "hidden_size", 5, "bias", false).json());
        f.put("LSTMCell", Arch.named("lstmcell").input("x", 6).then("cell", "LSTMCell", "hidden_size", 5)
                .then("h", "Output").layer("c", "Output").wire("cell", 1, "c", 0).json());
        f.put("MultiheadAttention_kv", Arch.named("mha").input("q", 7, 16).input("k", 9, 12).input("v", 9, 10)
                .layer("mha", "MultiheadAttention", "num_heads", 2, "kdim", 12, "vdim", 10, "add_bias_kv", true, "batch_first", true)
                .wire("q", "mha", 0).wire("k", "mha", 1).wire("v", "mha", 2)
                .then("out", "Output").layer("w", "Output").wire("mha", 1, "w", 0).json());
        f.put("TransformerEncoderLayer", single(shape(6, 16), "TransformerEncoderLayer", "nhead", 4, "dim_feedforward", 32,
                "batch_first", true).json());
        f.put("TransformerDecoderLayer", Arch.named("dec").input("tgt", 5, 16).input("memory", 7, 16)
                .layer("dec", "TransformerDecoderLayer", "nhead", 2, "dim_feedforward", 20, "batch_first", true)
                .wire("tgt", "dec", 0).wire("memory", "dec", 1).then("out", "Output").json());
        f.put("Transformer", Arch.named("tf").input("src", 4, 8).input("tgt", 4, 8)
                .layer("tf", "Transformer", "nhead", 2, "num_encoder_layers", 2, "num_decoder_layers", 1, "dim_feedforward", 16)
                .wire("src", "tf", 0).wire("tgt", "tf", 1).then("out", "Output").json());
    }

    private static void resamplingAndPadding(Map<String, JsonNode> f) {
        f.put("Upsample_scale", single(shape(3, 5, 7), "Upsample", "scale_factor", 1.5, "mode", "bilinear").json());
        f.put("Upsample_size", single(shape(3, 5), "Upsample", "size", 12, "mode", "linear").json());
        f.put("Upsample_3d", single(shape(2, 3, 4, 5), "Upsample", "scale_factor", Arrays.asList(2, 1, 3)).json());
        f.put("UpsamplingNearest2d", single(shape(3, 5, 7), "UpsamplingNearest2d", "scale_factor", 2).json());
        f.put("UpsamplingBilinear2d", single(shape(3, 5, 7), "UpsamplingBilinear2d", "size", shape(8, 9)).json());
        f.put("PixelShuffle", single(shape(18, 4, 5), "PixelShuffle", "upscale_factor", 3).json());
        f.put("PixelUnshuffle", single(shape(2, 6, 4), "PixelUnshuffle", "downscale_factor", 2).json());
        f.put("ChannelShuffle", single(shape(6, 4, 4), "ChannelShuffle", "groups", 3).json());
        f.put("Unfold", single(shape(3, 10, 12), "Unfold", "kernel_size", shape(2, 3), "stride", 2, "padding", 1).json());
        f.put("Fold", single(shape(12, 12), "Fold", "output_size", shape(4, 5), "kernel_size", 2, "dilation", 1, "stride", 1).json());
        Arch pads = Arch.named("pads").input("x", 3, 6, 7);
        pads.then("reflect2", "ReflectionPad2d", "padding", shape(1, 2, 3, 0))
                .then("replicate2", "ReplicationPad2d", "padding", 2)
                .then("zero2", "ZeroPad2d", "padding", shape(-1, 1, 0, 2))
                .then("const2", "ConstantPad2d", "padding", 1, "value", 0.5);
        f.put("pads2d", pads.then("out", "Output").json());
        f.put("pads1d", Arch.named("pads1").input("x", 3, 6)
                .then("reflect1", "ReflectionPad1d", "padding", 2).then("replicate1", "ReplicationPad1d", "padding", shape(0, 3))
                .then("const1", "ConstantPad1d", "padding", shape(1, 1), "value", 0).then("out", "Output").json());
        f.put("pads3d", Arch.named("pads3").input("x", 2, 3, 4, 5)
                .then("reflect3", "ReflectionPad3d", "padding", 1).then("replicate3", "ReplicationPad3d", "padding", shape(1, 0, 2, 0, 0, 3))
                .then("const3", "ConstantPad3d", "padding", 2, "value", 1).then("out", "Output").json());
    }

    private static void language(Map<String, JsonNode> f) {
        f.put("merges", Arch.named("merges").input("a", 4, 1, 6).input("b", 4, 5, 1).input("c", 4, 5, 6)
                .layer("add", "Add").wire("a", "add", 0).wire("b", "add", 1)
                .layer("mul", "Multiply").wire("add", "mul", 0).wire("c", "mul", 1)
                .layer("mean", "Mean").wire("mul", "mean", 0).wire("c", "mean", 1).wire("add", "mean", 2)
                .layer("cat", "Concatenate", "dim", -1).wire("mean", "cat", 0).wire("c", "cat", 1)
                .from("cat").then("reshape", "Reshape", "shape", shape(-1, 12))
                .then("split", "Split", "split_size_or_sections", 5)
                .layer("o0", "Output").wire("split", 0, "o0", 0)
                .layer("o2", "Output").wire("split", 2, "o2", 0)
                .from("reshape").then("sections", "Split", "split_size_or_sections", shape(2, 10), "dim", 2)
                .layer("o3", "Output").wire("sections", 1, "o3", 0).json());
        f.put("shared", Arch.named("shared").input("a", 8).input("b", 8)
                .layer("fc", "Linear", "out_features", 8).wire("a", "fc", 0)
                .layer("again", "Shared", "layer", "fc").wire("b", "again", 0)
                .from("again").then("twice", "Shared", "layer", "fc")
                .layer("sum", "Add").wire("fc", "sum", 0).wire("twice", "sum", 1)
                .from("sum").then("out", "Output").json());
    }
}
