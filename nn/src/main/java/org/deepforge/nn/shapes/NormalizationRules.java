package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Arrays;

/** Batch, instance, layer, group and local response normalisation. */
final class NormalizationRules {
    private static final String BATCH = "eps=1e-05, momentum=0.1, affine=True, track_running_stats=True";
    private static final String INSTANCE = "eps=1e-05, momentum=0.1, affine=False, track_running_stats=False";
    private static final String[] BATCH_LAYOUTS = {"", "[N, C] or [N, C, L]", "[N, C, H, W]", "[N, C, D, H, W]"};

    private NormalizationRules() {}

    static void register(Rules r) {
        for (int d = 1; d <= 3; d++) {
            int dims = d;
            ShapeRule batch = c -> channels(c, "num_features", c.args().flag("affine"),
                    c.expectRank(0, BATCH_LAYOUTS[dims], dims == 1 ? new int[] {2, 3} : new int[] {dims + 2}));
            r.add("BatchNorm" + d + "d", BATCH, batch);
            r.add("LazyBatchNorm" + d + "d", BATCH, batch);
            ShapeRule instance = c -> channels(c, "num_features", c.args().flag("affine"),
                    c.expectRank(0, Windows.LAYOUTS[dims], dims + 2));
            r.add("InstanceNorm" + d + "d", INSTANCE, instance);
            r.add("LazyInstanceNorm" + d + "d", INSTANCE, instance);
        }
        r.add("SyncBatchNorm", BATCH, c -> channels(c, "num_features", c.args().flag("affine"),
                c.expectRank(0, "[N, C, …]", 2, 3, 4, 5, 6)));
        r.add("LayerNorm", "eps=1e-05, elementwise_affine=True", NormalizationRules::layerNorm);
        r.add("GroupNorm", "eps=1e-05, affine=True", NormalizationRules::groupNorm);
        r.add("LocalResponseNorm", "alpha=0.0001, beta=0.75, k=1.0", c -> localResponse(c, "[N, C, …]", 3, 4, 5, 6));
        r.add("CrossMapLRN2d", "alpha=0.0001, beta=0.75, k=1", c -> localResponse(c, "[N, C, H, W]", 4));
    }

    /** Layers with one scale and shift per channel (dimension 1). */
    private static Result channels(Call c, String argument, boolean affine, Shape in) {
        int actual = in.dim(1);
        if (actual == Shape.N) {
            throw new ShapeException("needs the channels in dimension 1, but the input " + in + " has the batch there");
        }
        int declared = c.args().infer(argument, actual);
        if (declared != actual) {
            throw new ShapeException("expects " + declared + " channels but gets " + in
                    + " (set " + argument + " to " + actual + " or leave it out to infer it)");
        }
        return Result.of(in, affine ? 2L * actual : 0);
    }

    private static Result layerNorm(Call c) {
        Shape in = c.in();
        Args a = c.args();
        int[] normalized;
        if (a.isSet("normalized_shape")) {
            normalized = a.intList("normalized_shape");
        } else {
            normalized = new int[] {in.dim(-1)};
            a.recordInferred("normalized_shape", JsonNodeFactory.instance.arrayNode().add(in.dim(-1)));
        }
        boolean fits = normalized.length <= in.rank();
        for (int i = 0; fits && i < normalized.length; i++) {
            fits = normalized[i] >= 1 && in.dim(in.rank() - normalized.length + i) == normalized[i];
        }
        if (!fits) {
            throw new ShapeException("normalises the last dimensions " + Arrays.toString(normalized)
                    + " but gets " + in + " (set normalized_shape to match the end of the input, or leave it out to infer it)");
        }
        return Result.of(in, a.flag("elementwise_affine") ? 2 * ConvolutionRules.product(normalized) : 0);
    }

    private static Result groupNorm(Call c) {
        Shape in = c.expectRank(0, "[N, C, …]", 2, 3, 4, 5, 6);
        int groups = c.args().integer("num_groups", 1);
        Result r = channels(c, "num_channels", c.args().flag("affine"), in);
        if (in.dim(1) % groups != 0) {
            throw new ShapeException("num_groups " + groups + " must divide the " + in.dim(1) + " channels of " + in);
        }
        return r;
    }

    private static Result localResponse(Call c, String layout, int... ranks) {
        Shape in = c.expectRank(0, layout, ranks);
        c.args().integer("size", 1);
        return Result.of(in);
    }
}
