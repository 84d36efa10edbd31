package org.deepforge.nn.shapes;

/** Output sizes of sliding windows (convolution, pooling) with torch's formulas, and their failures in words. */
final class Windows {
    private Windows() {}

    static final String[] LAYOUTS = {"", "[N, C, L]", "[N, C, H, W]", "[N, C, D, H, W]"};

    /** The sizes of a kernel, as messages show them: {@code 3} when all are equal, else {@code 3×5}. */
    static String sizes(int[] v) {
        for (int x : v) {
            if (x != v[0]) {
                return Shape.extent(v);
            }
        }
        return String.valueOf(v[0]);
    }

    static boolean allZero(int[] v) {
        for (int x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Output sizes of a window {@code k} sliding over the last {@code k.length} dimensions of {@code in}:
     * {@code floor((L + 2p - dilation·(k-1) - 1) / stride) + 1} (ceil in ceil mode, torch-style).
     */
    static int[] slide(Shape in, int[] k, int[] stride, int[] pad, int[] dilation, boolean ceil) {
        int d = k.length;
        int[] size = in.tail(d);
        int[] out = new int[d];
        for (int i = 0; i < d; i++) {
            if (size[i] == Shape.N) {
                out[i] = Shape.N;
                continue;
            }
            int span = dilation[i] * (k[i] - 1) + 1;
            int room = size[i] + 2 * pad[i] - span;
            if (room < 0) {
                throw new ShapeException(tooLarge(in, k, pad, dilation));
            }
            out[i] = (ceil ? Math.floorDiv(room + stride[i] - 1, stride[i]) : Math.floorDiv(room, stride[i])) + 1;
            if (ceil && (out[i] - 1) * stride[i] >= size[i] + pad[i]) {
                out[i]--;
            }
        }
        return out;
    }

    private static String tooLarge(Shape in, int[] k, int[] pad, int[] dilation) {
        int d = k.length;
        String kernel = "kernel " + sizes(k);
        boolean dilated = false;
        for (int x : dilation) {
            dilated |= x != 1;
        }
        if (dilated) {
            int[] span = new int[d];
            for (int i = 0; i < d; i++) {
                span[i] = dilation[i] * (k[i] - 1) + 1;
            }
            kernel += " with dilation " + sizes(dilation) + " (spanning " + sizes(span) + ")";
        }
        String input = allZero(pad) ? Shape.extent(in.tail(d)) + " input"
                : "padded " + Shape.extent(in.tail(d)) + " input (padding " + sizes(pad) + ")";
        return kernel + " is larger than its " + input + " (input " + in + ")";
    }

    /** Padding as an int, a tuple or torch's strings 'valid' and 'same' (for convolutions with stride 1). */
    static int[] convPadding(Args a, int d, int[] k, int[] stride, int[] dilation) {
        var v = a.required("padding");
        if (v.isTextual()) {
            String mode = a.text("padding", "valid", "same");
            int[] p = new int[d];
            if (mode.equals("same")) {
                for (int i = 0; i < d; i++) {
                    if (stride[i] != 1) {
                        throw new ShapeException("padding='same' needs stride 1 (stride is " + sizes(stride) + ")");
                    }
                    // torch pads the total dilation·(k-1) unevenly when it is odd; the output keeps the input size
                    p[i] = -1;
                }
            }
            return p;
        }
        return a.ints("padding", d, 0);
    }
}
