package org.deepforge.nn.codegen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How people write the constructors of common {@code torch.nn} layers: which leading arguments go by
 * position, the order of the rest, and their defaults (so a value equal to the default is not restated).
 * Types not listed here get every argument as a keyword, in alphabetical order.
 */
final class TorchSignatures {
    /** A constructor: its parameters in declaration order, how many are written positionally, and defaults. */
    record Signature(List<String> parameters, int positional, Map<String, JsonNode> defaults) {
        Optional<JsonNode> defaultOf(String parameter) {
            return Optional.ofNullable(defaults.get(parameter));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Signature> SIGNATURES = new HashMap<>();

    static {
        String conv = "in_channels out_channels kernel_size stride=1 padding=0 dilation=1 groups=1 bias=true "
                + "padding_mode=\"zeros\"";
        String convTranspose = "in_channels out_channels kernel_size stride=1 padding=0 output_padding=0 groups=1 "
                + "bias=true dilation=1 padding_mode=\"zeros\"";
        String maxPool = "kernel_size stride=null padding=0 dilation=1 return_indices=false ceil_mode=false";
        String avgPool = "kernel_size stride=null padding=0 ceil_mode=false count_include_pad=true "
                + "divisor_override=null";
        String batchNorm = "num_features eps=1e-05 momentum=0.1 affine=true track_running_stats=true";
        String instanceNorm = "num_features eps=1e-05 momentum=0.1 affine=false track_running_stats=false";
        for (String d : List.of("1d", "2d", "3d")) {
            add("Conv" + d, 2, conv);
            add("ConvTranspose" + d, 2, convTranspose);
            add("MaxPool" + d, 1, maxPool);
            add("AvgPool" + d, 1, avgPool);
            add("AdaptiveAvgPool" + d, 1, "output_size");
            add("AdaptiveMaxPool" + d, 1, "output_size return_indices=false");
            add("BatchNorm" + d, 1, batchNorm);
            add("InstanceNorm" + d, 1, instanceNorm);
            add("ReflectionPad" + d, 1, "padding");
            add("ReplicationPad" + d, 1, "padding");
            add("ConstantPad" + d, 2, "padding value");
            add("Dropout" + d, 1, "p=0.5 inplace=false");
        }
        add("ZeroPad2d", 1, "padding");
        add("Linear", 2, "in_features out_features bias=true");
        add("Bilinear", 3, "in1_features in2_features out_features bias=true");
        add("Identity", 0, "");
        add("Flatten", 0, "start_dim=1 end_dim=-1");
        add("Unflatten", 2, "dim unflattened_size");
        add("Dropout", 1, "p=0.5 inplace=false");
        add("AlphaDropout", 1, "p=0.5 inplace=false");
        add("LayerNorm", 1, "normalized_shape eps=1e-05 elementwise_affine=true");
        add("GroupNorm", 2, "num_groups num_channels eps=1e-05 affine=true");
        add("LocalResponseNorm", 1, "size alpha=0.0001 beta=0.75 k=1.0");
        add("Embedding", 2, "num_embeddings embedding_dim padding_idx=null max_norm=null norm_type=2.0 "
                + "scale_grad_by_freq=false sparse=false");
        add("RNN", 2, "input_size hidden_size num_layers=1 nonlinearity=\"tanh\" bias=true batch_first=false "
                + "dropout=0.0 bidirectional=false");
        add("LSTM", 2, "input_size hidden_size num_layers=1 bias=true batch_first=false dropout=0.0 "
                + "bidirectional=false proj_size=0");
        add("GRU", 2, "input_size hidden_size num_layers=1 bias=true batch_first=false dropout=0.0 "
                + "bidirectional=false");
        add("MultiheadAttention", 2, "embed_dim num_heads dropout=0.0 bias=true add_bias_kv=false "
                + "add_zero_attn=false kdim=null vdim=null batch_first=false");
        String transformerLayer = "d_model nhead dim_feedforward=2048 dropout=0.1 activation=\"relu\" "
                + "layer_norm_eps=1e-05 batch_first=false norm_first=false";
        add("TransformerEncoderLayer", 2, transformerLayer);
        add("TransformerDecoderLayer", 2, transformerLayer);
        add("Upsample", 0, "size=null scale_factor=null mode=\"nearest\" align_corners=null "
                + "recompute_scale_factor=null");
        add("PixelShuffle", 1, "upscale_factor");
        add("PixelUnshuffle", 1, "downscale_factor");
        for (String t : List.of("ReLU", "ReLU6", "SELU", "SiLU", "Mish", "Hardswish", "Hardsigmoid")) {
            add(t, 0, "inplace=false");
        }
        for (String t : List.of("Sigmoid", "Tanh", "Softsign", "Tanhshrink", "LogSigmoid", "Softmax2d")) {
            add(t, 0, "");
        }
        add("LeakyReLU", 1, "negative_slope=0.01 inplace=false");
        add("ELU", 0, "alpha=1.0 inplace=false");
        add("CELU", 0, "alpha=1.0 inplace=false");
        add("PReLU", 0, "num_parameters=1 init=0.25");
        add("GELU", 0, "approximate=\"none\"");
        add("Softplus", 0, "beta=1 threshold=20");
        add("Hardtanh", 0, "min_val=-1.0 max_val=1.0 inplace=false");
        add("Threshold", 2, "threshold value inplace=false");
        add("Softmax", 0, "dim=null");
        add("LogSoftmax", 0, "dim=null");
        add("Softmin", 0, "dim=null");
        add("GLU", 0, "dim=-1");
    }

    private TorchSignatures() {}

    static Optional<Signature> of(String type) {
        return Optional.ofNullable(SIGNATURES.get(type));
    }

    private static void add(String type, int positional, String parameters) {
        List<String> names = new ArrayList<>();
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        for (String p : parameters.split(" ")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq);
            names.add(name);
            if (eq >= 0) {
                try {
                    defaults.put(name, JSON.readTree(p.substring(eq + 1)));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("bad default in signature of " + type + ": " + p, e);
                }
            }
        }
        SIGNATURES.put(type, new Signature(List.copyOf(names), positional, Map.copyOf(defaults)));
    }
}
