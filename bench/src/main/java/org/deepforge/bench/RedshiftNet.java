package org.deepforge.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deepforge.model.Json;

/**
 * The 70-layer photometric-redshift network of the benchmarks, drawn as a user draws it in the editor:
 * an inception network after Pasquet et al. 2019 (A&A 621, A26) on 64×64 five-band images — two
 * convolutions, four inception blocks (1×1, 3×3, 5×5 and pooling branches, concatenated), three fully
 * connected layers over 180 redshift bins. Ids look like the editor's.
 */
final class RedshiftNet {
    static final int LAYERS = 70;
    static final int BINS = 180;

    private final ObjectNode arch = Json.MAPPER.createObjectNode().put("name", "redshift inception");
    private final ObjectNode layers = arch.putObject("layers");
    private final ObjectNode connections = arch.putObject("connections");
    private int next;
    private int edges;

    private RedshiftNet() {}

    static ObjectNode build() {
        RedshiftNet n = new RedshiftNet();
        String x = n.layer("Input", "cube", "shape", new int[] {5, 64, 64});
        x = n.then(x, "Conv2d", "conv1", "out_channels", 64, "kernel_size", 5, "padding", 2);
        x = n.then(x, "PReLU", "conv1_prelu");
        x = n.then(x, "Conv2d", "conv2", "out_channels", 64, "kernel_size", 3, "padding", 1, "stride", 2);
        x = n.then(x, "Tanh", "conv2_tanh");
        x = n.inception(x, "inception1", 48, 64, 64, 64);
        x = n.inception(x, "inception2", 48, 64, 64, 64);
        x = n.then(x, "AvgPool2d", "pool2", "kernel_size", 2);
        x = n.inception(x, "inception3", 64, 128, 128, 64);
        x = n.inception(x, "inception4", 64, 128, 128, 64);
        x = n.then(x, "AvgPool2d", "pool3", "kernel_size", 2);
        x = n.then(x, "Flatten", "flatten");
        x = n.then(x, "Linear", "fc1", "out_features", 1096);
        x = n.then(x, "PReLU", "fc1_prelu");
        x = n.then(x, "Linear", "fc2", "out_features", 1096);
        x = n.then(x, "PReLU", "fc2_prelu");
        x = n.then(x, "Linear", "fc3", "out_features", BINS);
        n.then(x, "Output", "logits");
        if (n.next != LAYERS) {
            throw new IllegalStateException("the redshift network has " + n.next + " layers, not " + LAYERS);
        }
        return n.arch;
    }

    /** 1×1 | 1×1→3×3 | 1×1→5×5 | 3×3 average pool→1×1, each with ReLU, concatenated: 14 layers. */
    private String inception(String in, String name, int reduce, int c3, int c5, int pool) {
        String b1 = then(then(in, "Conv2d", name + "_1x1", "out_channels", reduce, "kernel_size", 1), "ReLU", name + "_1x1_relu");
        String b3 = then(then(in, "Conv2d", name + "_3x3_reduce", "out_channels", reduce, "kernel_size", 1), "ReLU", name + "_3x3_reduce_relu");
        b3 = then(then(b3, "Conv2d", name + "_3x3", "out_channels", c3, "kernel_size", 3, "padding", 1), "ReLU", name + "_3x3_relu");
        String b5 = then(then(in, "Conv2d", name + "_5x5_reduce", "out_channels", reduce, "kernel_size", 1), "ReLU", name + "_5x5_reduce_relu");
        b5 = then(then(b5, "Conv2d", name + "_5x5", "out_channels", c5, "kernel_size", 5, "padding", 2), "ReLU", name + "_5x5_relu");
        String bp = then(in, "AvgPool2d", name + "_pool", "kernel_size", 3, "stride", 1, "padding", 1);
        bp = then(then(bp, "Conv2d", name + "_pool_proj", "out_channels", pool, "kernel_size", 1), "ReLU", name + "_pool_proj_relu");
        String cat = layer("Concatenate", name + "_concat", "dim", 1);
        String[] branches = {b1, b3, b5, bp};
        for (int i = 0; i < branches.length; i++) {
            connect(branches[i], cat, i);
        }
        return cat;
    }

    private String then(String from, String type, String name, Object... args) {
        String id = layer(type, name, args);
        connect(from, id, 0);
        return id;
    }

    private String layer(String type, String name, Object... args) {
        String id = String.format("l%03dx%s", next, Integer.toString(next * 7919 % 1000, 36));
        ObjectNode l = layers.putObject(id).put("type", type).put("name", name);
        ObjectNode a = l.putObject("arguments");
        for (int i = 0; i < args.length; i += 2) {
            if (args[i + 1] instanceof int[] dims) {
                var arr = a.putArray((String) args[i]);
                for (int d : dims) {
                    arr.add(d);
                }
            } else {
                a.put((String) args[i], (Integer) args[i + 1]);
            }
        }
        next++;
        return id;
    }

    private void connect(String from, String to, int input) {
        ObjectNode c = connections.putObject("k" + edges++);
        c.putObject("from").put("layer", from).put("output", 0);
        c.putObject("to").put("layer", to).put("input", input);
    }
}
