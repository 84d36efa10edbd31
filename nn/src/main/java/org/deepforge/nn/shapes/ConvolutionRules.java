package org.deepforge.nn.shapes;

/** Conv1d/2d/3d and ConvTranspose1d/2d/3d (and their Lazy forms, which infer in_channels as we do). */
final class ConvolutionRules {
    private static final String CONV = "stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros'";
    private static final String TRANSPOSED = "stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros'";

    private ConvolutionRules() {}

    static void register(Rules r) {
        for (int d = 1; d <= 3; d++) {
            int dims = d;
            r.add("Conv" + d + "d", CONV, c -> conv(c, dims));
            r.add("LazyConv" + d + "d", CONV, c -> conv(c, dims));
            r.add("ConvTranspose" + d + "d", TRANSPOSED, c -> transposed(c, dims));
            r.add("LazyConvTranspose" + d + "d", TRANSPOSED, c -> transposed(c, dims));
        }
    }

    private static Result conv(Call c, int d) {
        Shape in = c.expectRank(0, Windows.LAYOUTS[d], d + 2);
        Args a = c.args();
        int inChannels = inChannels(c, in);
        int out = a.integer("out_channels", 1);
        int[] k = a.ints("kernel_size", d, 1);
        int[] stride = a.ints("stride", d, 1);
        int[] dilation = a.ints("dilation", d, 1);
        int groups = groups(a, inChannels, out);
        boolean bias = a.flag("bias");
        a.text("padding_mode", "zeros", "reflect", "replicate", "circular");
        int[] pad = Windows.convPadding(a, d, k, stride, dilation);
        int[] size;
        if (pad.length > 0 && pad[0] == -1) {
            size = in.tail(d);
        } else {
            size = Windows.slide(in, k, stride, pad, dilation, false);
        }
        long params = (long) out * (inChannels / groups) * product(k) + (bias ? out : 0);
        return Result.of(in.head(1, concat(out, size)), params);
    }

    private static Result transposed(Call c, int d) {
        Shape in = c.expectRank(0, Windows.LAYOUTS[d], d + 2);
        Args a = c.args();
        int inChannels = inChannels(c, in);
        int out = a.integer("out_channels", 1);
        int[] k = a.ints("kernel_size", d, 1);
        int[] stride = a.ints("stride", d, 1);
        int[] dilation = a.ints("dilation", d, 1);
        int[] pad = a.ints("padding", d, 0);
        int[] outPad = a.ints("output_padding", d, 0);
        int groups = groups(a, inChannels, out);
        boolean bias = a.flag("bias");
        a.text("padding_mode", "zeros");
        int[] size = in.tail(d);
        for (int i = 0; i < d; i++) {
            if (outPad[i] >= Math.max(stride[i], dilation[i])) {
                throw new ShapeException("output_padding " + Windows.sizes(outPad) + " must be smaller than the stride or the dilation");
            }
            if (size[i] == Shape.N) {
                continue;
            }
            size[i] = (size[i] - 1) * stride[i] - 2 * pad[i] + dilation[i] * (k[i] - 1) + outPad[i] + 1;
            if (size[i] < 1) {
                throw new ShapeException("padding " + Windows.sizes(pad) + " is larger than the output it trims"
                        + " (input " + in + " would give an empty output)");
            }
        }
        long params = (long) inChannels * (out / groups) * product(k) + (bias ? out : 0);
        return Result.of(in.head(1, concat(out, size)), params);
    }

    private static int inChannels(Call c, Shape in) {
        int actual = in.dim(1);
        if (actual == Shape.N) {
            throw new ShapeException("needs the channels in dimension 1, but the input " + in + " has the batch there");
        }
        int declared = c.args().infer("in_channels", actual);
        if (declared != actual) {
            throw new ShapeException("expects " + declared + " input channels but gets " + in
                    + " (set in_channels to " + actual + " or leave it out to infer it)");
        }
        return actual;
    }

    private static int groups(Args a, int inChannels, int out) {
        int groups = a.integer("groups", 1);
        if (inChannels % groups != 0 || out % groups != 0) {
            throw new ShapeException("groups " + groups + " must divide both in_channels " + inChannels
                    + " and out_channels " + out);
        }
        return groups;
    }

    static long product(int[] v) {
        long p = 1;
        for (int x : v) {
            p *= x;
        }
        return p;
    }

    static int[] concat(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
