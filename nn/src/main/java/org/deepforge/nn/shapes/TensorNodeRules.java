package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.deepforge.model.Json;

/**
 * Shape rules of the language's tensor nodes, which reorder, reduce, broadcast or index a tensor, and of
 * {@code Parameter}, a learnable tensor of the model (docs/architectures.md). Dimensions count the batch
 * as dimension 0, as in torch.
 */
final class TensorNodeRules {
    private TensorNodeRules() {}

    static void register(Rules r) {
        r.add("Permute", "", TensorNodeRules::permute);
        r.add("ReduceMean", "keepdim=False", TensorNodeRules::reduceMean);
        r.add("Expand", "", TensorNodeRules::expand);
        r.add("Select", "", TensorNodeRules::select);
        r.add("Parameter", 0, 0, "", TensorNodeRules::parameter);
    }

    private static Result permute(Call c) {
        Shape in = c.in();
        int[] dims = c.args().intList("dims");
        if (dims.length != in.rank()) {
            throw new ShapeException("dims " + Arrays.toString(dims) + " must name each of the " + in.rank()
                    + " dimensions of " + in + " once");
        }
        int[] out = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Call.dimIndex("dims", dims[i], in.rank());
            if (seen[d]) {
                throw new ShapeException("dims " + Arrays.toString(dims) + " name dimension " + d + " twice");
            }
            seen[d] = true;
            out[i] = in.dim(d);
        }
        return Result.of(Shape.of(out));
    }

    private static Result reduceMean(Call c) {
        Shape in = c.in();
        int[] dims = c.args().intList("dim");
        boolean keep = c.args().flag("keepdim");
        boolean[] reduced = new boolean[in.rank()];
        for (int dim : dims) {
            int d = Call.dimIndex("dim", dim, in.rank());
            if (reduced[d]) {
                throw new ShapeException("dim " + Arrays.toString(dims) + " names dimension " + d + " twice");
            }
            if (in.dim(d) == Shape.N) {
                throw new ShapeException("cannot average over dimension " + d + " of " + in + ", the batch");
            }
            reduced[d] = true;
        }
        int[] out = new int[in.rank() - (keep ? 0 : dims.length)];
        int k = 0;
        for (int i = 0; i < in.rank(); i++) {
            if (!reduced[i]) {
                out[k++] = in.dim(i);
            } else if (keep) {
                out[k++] = 1;
            }
        }
        return Result.of(Shape.of(out));
    }

    /** Sizes as torch's {@code expand}: -1 keeps a dimension, {@code null} is the batch size, new dimensions lead. */
    private static Result expand(Call c) {
        Shape in = c.in();
        JsonNode shape = c.args().required("shape");
        if (!shape.isArray() || shape.size() < in.rank()) {
            throw new ShapeException("shape must be a list of at least " + in.rank() + " sizes (one per dimension of "
                    + in + "; -1 keeps a size, null is the batch size), not " + Json.compact(shape));
        }
        int lead = shape.size() - in.rank();
        int[] out = new int[shape.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = shape.get(i);
            int have = i < lead ? 1 : in.dim(i - lead);
            if (v.isNull()) { // the batch size (Shape.N is -1 too, so it is decided here)
                if (have != 1 && have != Shape.N) {
                    throw new ShapeException("cannot expand " + in + " to " + Json.compact(shape) + ": dimension " + (i - lead)
                            + " has size " + have + ", and only a size 1 can be expanded to the batch size");
                }
                out[i] = Shape.N;
                continue;
            }
            if (!(v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= -1)) {
                throw c.args().wrongType("shape", "a list of sizes, -1 or null", shape);
            }
            int want = v.asInt();
            if (want == -1) {
                if (i < lead) {
                    throw new ShapeException("shape " + Json.compact(shape) + ": -1 cannot stand for the new dimension " + i);
                }
                out[i] = have;
            } else if (have == want || have == 1) {
                out[i] = want;
            } else {
                throw new ShapeException("cannot expand " + in + " to " + Json.compact(shape) + ": dimension " + (i - lead)
                        + " has size " + (have == Shape.N ? "N" : have) + ", and only a size 1 can be expanded");
            }
        }
        return Result.of(Shape.of(out));
    }

    private static Result select(Call c) {
        Shape in = c.in();
        if (in.rank() == 0) {
            throw new ShapeException("cannot index a tensor without dimensions");
        }
        int dim = Call.dimIndex("dim", c.args().integer("dim"), in.rank());
        int index = c.args().integer("index");
        int size = in.dim(dim);
        if (size == Shape.N) {
            throw new ShapeException("cannot select from dimension " + dim + " of " + in + ", the batch");
        }
        if (index < -size || index >= size) {
            throw new ShapeException("index " + index + " is out of range for dimension " + dim + " of " + in
                    + " (use " + (-size) + " … " + (size - 1) + ")");
        }
        int[] d = in.dims();
        int[] out = new int[d.length - 1];
        System.arraycopy(d, 0, out, 0, dim);
        System.arraycopy(d, dim + 1, out, dim, d.length - dim - 1);
        return Result.of(Shape.of(out));
    }

    private static Result parameter(Call c) {
        int[] shape = c.args().intList("shape");
        long count = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new ShapeException("every size in shape must be at least 1, not " + Arrays.toString(shape));
            }
            count *= d;
        }
        return Result.of(Shape.of(shape), count);
    }
}
