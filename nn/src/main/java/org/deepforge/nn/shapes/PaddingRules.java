package org.deepforge.nn.shapes;

/** Reflection, replication, zero and constant padding in 1–3 d; padding is (left, right, top, bottom, front, back). */
final class PaddingRules {
    private PaddingRules() {}

    static void register(Rules r) {
        for (int d = 1; d <= 3; d++) {
            int dims = d;
            r.add("ReflectionPad" + d + "d", "", c -> pad(c, dims, true));
            r.add("ReplicationPad" + d + "d", "", c -> pad(c, dims, false));
            r.add("ZeroPad" + d + "d", "", c -> pad(c, dims, false));
            r.add("ConstantPad" + d + "d", "", c -> {
                c.args().number("value");
                return pad(c, dims, false);
            });
        }
    }

    private static Result pad(Call c, int d, boolean reflect) {
        Shape in = c.expectRank(0, Windows.LAYOUTS[d], d + 1, d + 2);
        int[] p = c.args().ints("padding", 2 * d);
        Shape out = in;
        for (int i = 0; i < d; i++) {
            int dim = in.rank() - 1 - i;
            int size = in.dim(dim);
            if (size == Shape.N) {
                continue;
            }
            int before = p[2 * i];
            int after = p[2 * i + 1];
            if (reflect && (before >= size || after >= size)) {
                throw new ShapeException("reflection padding " + before + ", " + after + " must be smaller than the size "
                        + size + " it reflects (input " + in + ")");
            }
            int padded = size + before + after;
            if (padded < 1) {
                throw new ShapeException("padding " + before + ", " + after + " leaves nothing of dimension " + dim + " of " + in);
            }
            out = out.with(dim, padded);
        }
        return Result.of(out);
    }
}
