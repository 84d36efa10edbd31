package org.deepforge.nn.shapes;

import java.util.Arrays;

/** Flatten and Unflatten. */
final class ReshapeRules {
    private ReshapeRules() {}

    static void register(Rules r) {
        r.add("Flatten", "start_dim=1, end_dim=-1", ReshapeRules::flatten);
        r.add("Unflatten", "", ReshapeRules::unflatten);
    }

    private static Result flatten(Call c) {
        Shape in = c.in();
        int start = Call.dimIndex("start_dim", c.args().integer("start_dim"), in.rank());
        int end = Call.dimIndex("end_dim", c.args().integer("end_dim"), in.rank());
        if (start > end) {
            throw new ShapeException("start_dim " + start + " comes after end_dim " + end + " for input " + in);
        }
        int[] d = in.dims();
        int[] out = new int[d.length - (end - start)];
        System.arraycopy(d, 0, out, 0, start);
        out[start] = (int) in.product(start, end + 1);
        System.arraycopy(d, end + 1, out, start + 1, d.length - end - 1);
        return Result.of(Shape.of(out));
    }

    private static Result unflatten(Call c) {
        Shape in = c.in();
        int dim = Call.dimIndex("dim", c.args().integer("dim"), in.rank());
        int[] sizes = c.args().intList("unflattened_size");
        int size = in.dim(dim);
        int free = -1;
        long known = 1;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] == -1 && free < 0) {
                free = i;
            } else if (sizes[i] < 1) {
                throw new ShapeException("unflattened_size may hold sizes ≥ 1 and one -1, not " + Arrays.toString(sizes));
            } else {
                known *= sizes[i];
            }
        }
        if (size != Shape.N) {
            if (free >= 0 ? size % known != 0 : size != known) {
                throw new ShapeException("cannot unflatten dim " + dim + " of " + in + " (size " + size + ") into "
                        + Arrays.toString(sizes));
            }
            if (free >= 0) {
                sizes[free] = (int) (size / known);
            }
        } else if (free >= 0) {
            sizes[free] = Shape.N;
        }
        int[] d = in.dims();
        int[] out = new int[d.length - 1 + sizes.length];
        System.arraycopy(d, 0, out, 0, dim);
        System.arraycopy(sizes, 0, out, dim, sizes.length);
        System.arraycopy(d, dim + 1, out, dim + sizes.length, d.length - dim - 1);
        return Result.of(Shape.of(out));
    }
}
