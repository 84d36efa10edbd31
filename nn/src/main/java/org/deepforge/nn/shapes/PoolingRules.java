package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;

/** Max, average, power-average, fractional and adaptive pooling in 1–3 d, and max unpooling. */
final class PoolingRules {
    private PoolingRules() {}

    static void register(Rules r) {
        for (int d = 1; d <= 3; d++) {
            int dims = d;
            r.add("MaxPool" + d + "d", "stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False", c -> maxPool(c, dims));
            r.add("AvgPool" + d + "d", "stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None",
                    c -> avgPool(c, dims));
            r.add("AdaptiveMaxPool" + d + "d", "return_indices=False", c -> adaptive(c, dims, c.args().flag("return_indices")));
            r.add("AdaptiveAvgPool" + d + "d", "", c -> adaptive(c, dims, false));
            r.add("MaxUnpool" + d + "d", 2, 2, "stride=None, padding=0", c -> unpool(c, dims));
        }
        r.add("LPPool1d", "stride=None, ceil_mode=False", c -> lpPool(c, 1));
        r.add("LPPool2d", "stride=None, ceil_mode=False", c -> lpPool(c, 2));
        r.add("FractionalMaxPool2d", "output_size=None, output_ratio=None, return_indices=False", c -> fractional(c, 2));
        r.add("FractionalMaxPool3d", "output_size=None, output_ratio=None, return_indices=False", c -> fractional(c, 3));
    }

    private static Shape input(Call c, int d) {
        return c.expectRank(0, Windows.LAYOUTS[d], d + 1, d + 2);
    }

    private static int[] stride(Args a, int d, int[] k) {
        return a.isNone("stride") ? k : a.ints("stride", d, 1);
    }

    private static Result maxPool(Call c, int d) {
        Shape in = input(c, d);
        Args a = c.args();
        int[] k = a.ints("kernel_size", d, 1);
        int[] stride = stride(a, d, k);
        int[] pad = a.ints("padding", d, 0);
        int[] dilation = a.ints("dilation", d, 1);
        for (int i = 0; i < d; i++) {
            if (pad[i] > (dilation[i] * (k[i] - 1) + 1) / 2) {
                throw new ShapeException("padding " + Windows.sizes(pad) + " must be at most half the kernel " + Windows.sizes(k));
            }
        }
        Shape out = in.head(in.rank() - d, Windows.slide(in, k, stride, pad, dilation, a.flag("ceil_mode")));
        return new Result(a.flag("return_indices") ? List.of(out, out) : List.of(out), 0);
    }

    private static Result avgPool(Call c, int d) {
        Shape in = input(c, d);
        Args a = c.args();
        int[] k = a.ints("kernel_size", d, 1);
        int[] stride = stride(a, d, k);
        int[] pad = a.ints("padding", d, 0);
        a.flag("count_include_pad");
        for (int i = 0; i < d; i++) {
            if (pad[i] > k[i] / 2) {
                throw new ShapeException("padding " + Windows.sizes(pad) + " must be at most half the kernel " + Windows.sizes(k));
            }
        }
        if (d > 1 && !a.isNone("divisor_override") && a.integer("divisor_override") == 0) {
            throw new ShapeException("divisor_override must not be 0");
        }
        int[] ones = new int[d];
        Arrays.fill(ones, 1);
        return Result.of(in.head(in.rank() - d, Windows.slide(in, k, stride, pad, ones, a.flag("ceil_mode"))));
    }

    private static Result lpPool(Call c, int d) {
        Shape in = input(c, d);
        Args a = c.args();
        a.number("norm_type");
        int[] k = a.ints("kernel_size", d, 1);
        int[] stride = stride(a, d, k);
        int[] zeros = new int[d];
        int[] ones = new int[d];
        Arrays.fill(ones, 1);
        return Result.of(in.head(in.rank() - d, Windows.slide(in, k, stride, zeros, ones, a.flag("ceil_mode"))));
    }

    private static Result adaptive(Call c, int d, boolean indices) {
        Shape in = input(c, d);
        JsonNode v = c.args().required("output_size");
        int[] size = in.tail(d);
        if (v.isIntegralNumber()) {
            Arrays.fill(size, c.args().integer("output_size", 1));
        } else if (v.isArray() && v.size() == d) {
            for (int i = 0; i < d; i++) {
                JsonNode e = v.get(i);
                if (e.isNull()) {
                    continue; // None keeps the input's size
                }
                if (!e.isIntegralNumber() || e.asInt() < 1) {
                    throw c.args().wrongType("output_size", "a whole number ≥ 1 or a tuple of " + d + " (each a whole number or None)", v);
                }
                size[i] = e.asInt();
            }
        } else {
            throw c.args().wrongType("output_size", "a whole number ≥ 1 or a tuple of " + d + " (each a whole number or None)", v);
        }
        Shape out = in.head(in.rank() - d, size);
        return new Result(indices ? List.of(out, out) : List.of(out), 0);
    }

    private static Result fractional(Call c, int d) {
        Shape in = input(c, d);
        Args a = c.args();
        int[] k = a.ints("kernel_size", d, 1);
        int[] size = in.tail(d);
        boolean bySize = !a.isNone("output_size");
        if (bySize == !a.isNone("output_ratio")) {
            throw new ShapeException("needs either output_size or output_ratio (exactly one of them)");
        }
        if (bySize) {
            size = a.ints("output_size", d, 1);
        } else {
            JsonNode ratio = a.required("output_ratio");
            for (int i = 0; i < d; i++) {
                JsonNode r = ratio.isArray() && ratio.size() == d ? ratio.get(i) : ratio;
                if (!r.isNumber() || r.asDouble() <= 0 || r.asDouble() >= 1) {
                    throw a.wrongType("output_ratio", "a number between 0 and 1 or a tuple of " + d + " of them", ratio);
                }
                size[i] = size[i] == Shape.N ? Shape.N : (int) (size[i] * r.asDouble());
            }
        }
        int[] inSize = in.tail(d);
        for (int i = 0; i < d; i++) {
            if (inSize[i] != Shape.N && size[i] + k[i] - 1 > inSize[i]) {
                throw new ShapeException("output " + Shape.extent(size) + " with kernel " + Windows.sizes(k)
                        + " does not fit its " + Shape.extent(inSize) + " input (input " + in + ")");
            }
        }
        Shape out = in.head(in.rank() - d, size);
        return new Result(a.flag("return_indices") ? List.of(out, out) : List.of(out), 0);
    }

    private static Result unpool(Call c, int d) {
        Shape in = input(c, d);
        if (!c.in(1).equals(in)) {
            throw new ShapeException("needs the indices of the pooling that made its input (input 1, a MaxPool" + d
                    + "d with return_indices=True, shaped like input 0), but gets " + c.in(1) + " for " + in);
        }
        Args a = c.args();
        int[] k = a.ints("kernel_size", d, 1);
        int[] stride = stride(a, d, k);
        int[] pad = a.ints("padding", d, 0);
        int[] size = in.tail(d);
        for (int i = 0; i < d; i++) {
            if (size[i] != Shape.N) {
                size[i] = (size[i] - 1) * stride[i] - 2 * pad[i] + k[i];
                if (size[i] < 1) {
                    throw new ShapeException("padding " + Windows.sizes(pad) + " leaves an empty output for input " + in);
                }
            }
        }
        if (!a.isNone("output_size")) {
            int[] wanted = a.intList("output_size");
            int[] spatial = Arrays.copyOfRange(wanted, Math.max(0, wanted.length - d), wanted.length);
            for (int i = 0; i < d && spatial.length == d; i++) {
                if (spatial[i] < size[i] || spatial[i] > size[i] + stride[i] - 1) {
                    throw new ShapeException("output_size " + Shape.extent(spatial) + " must lie between "
                            + Shape.extent(size) + " and the default size plus stride - 1");
                }
            }
            if (spatial.length != d) {
                throw a.wrongType("output_size", "a tuple of " + d + " sizes", a.required("output_size"));
            }
            size = spatial;
        }
        return Result.of(in.head(in.rank() - d, size));
    }
}
