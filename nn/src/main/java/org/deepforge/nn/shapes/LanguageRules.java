package org.deepforge.nn.shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Shape rules of DeepForge's own nodes: Input, Output and the functional merges and reshapes. */
final class LanguageRules {
    static final Set<String> TYPES = Set.of("Input", "Output", "Concatenate", "Add", "Multiply", "Mean", "Reshape", "Split", "Shared",
            "Permute", "ReduceMean", "Expand", "Select", "Parameter");

    private LanguageRules() {}

    static void register(Rules r) {
        r.add("Input", 0, 0, "", LanguageRules::input);
        r.add("Output", "", c -> Result.of(c.in()));
        r.add("Concatenate", 2, Rule.MANY, "dim=1", LanguageRules::concatenate);
        r.add("Add", 2, Rule.MANY, "", c -> Result.of(Broadcast.require(c.inputs(), "added")));
        r.add("Multiply", 2, Rule.MANY, "", c -> Result.of(Broadcast.require(c.inputs(), "multiplied")));
        r.add("Mean", 2, Rule.MANY, "", LanguageRules::mean);
        r.add("Reshape", "", LanguageRules::reshape);
        r.add("Split", "dim=1", LanguageRules::split);
        TensorNodeRules.register(r);
    }

    private static Result input(Call c) {
        int[] shape = c.args().intList("shape");
        for (int d : shape) {
            if (d < 1) {
                throw new ShapeException("every size in shape must be at least 1 (shape is per sample, without the batch dimension)");
            }
        }
        return Result.of(Shape.batched(shape));
    }

    private static Result concatenate(Call c) {
        Shape first = c.in();
        int dim = Call.dimIndex("dim", c.args().integer("dim"), first.rank());
        int total = 0;
        for (Shape s : c.inputs()) {
            boolean fits = s.rank() == first.rank();
            for (int i = 0; fits && i < s.rank(); i++) {
                fits = i == dim || s.dim(i) == first.dim(i);
            }
            if (!fits) {
                throw new ShapeException("cannot concatenate " + Broadcast.list(c.inputs()) + " along dim " + dim
                        + ": all other dimensions must match");
            }
            total = total == Shape.N || s.dim(dim) == Shape.N ? Shape.N : total + s.dim(dim);
        }
        return Result.of(first.with(dim, total));
    }

    private static Result mean(Call c) {
        for (Shape s : c.inputs()) {
            if (!s.equals(c.in())) {
                throw new ShapeException("the mean needs inputs of one shape, but gets " + Broadcast.list(c.inputs()));
            }
        }
        return Result.of(c.in());
    }

    private static Result reshape(Call c) {
        Shape in = c.in();
        int[] target = c.args().intList("shape");
        int free = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1 && free < 0) {
                free = i;
            } else if (target[i] < 1) {
                throw new ShapeException("shape may hold sizes ≥ 1 and one -1, not " + Arrays.toString(target));
            } else {
                known *= target[i];
            }
        }
        long count = in.product(1, in.rank());
        String from = in + (count == Shape.N ? "" : " (" + count + " values per sample)");
        if (count != Shape.N) {
            if (free >= 0) {
                if (count % known != 0) {
                    throw new ShapeException("cannot reshape " + from + " into " + Shape.batched(target)
                            + ": " + count + " does not divide by " + known);
                }
                target[free] = (int) (count / known);
            } else if (count != known) {
                throw new ShapeException("cannot reshape " + from + " into " + Shape.batched(target) + " (" + known + " values)");
            }
        } else if (free >= 0) {
            target[free] = Shape.N;
        }
        return Result.of(Shape.batched(target));
    }

    private static Result split(Call c) {
        Shape in = c.in();
        int dim = Call.dimIndex("dim", c.args().integer("dim"), in.rank());
        int size = in.dim(dim);
        if (size == Shape.N) {
            throw new ShapeException("cannot split along dim " + dim + ", the batch dimension, of " + in);
        }
        List<Shape> outs = new ArrayList<>();
        var v = c.args().required("split_size_or_sections");
        if (v.isIntegralNumber()) {
            int step = c.args().integer("split_size_or_sections", 1);
            for (int at = 0; at < size; at += step) {
                outs.add(in.with(dim, Math.min(step, size - at)));
            }
        } else {
            int[] sections = c.args().intList("split_size_or_sections");
            int sum = 0;
            for (int s : sections) {
                if (s < 0) {
                    throw new ShapeException("split_size_or_sections may not hold negative sizes");
                }
                sum += s;
                outs.add(in.with(dim, s));
            }
            if (sum != size) {
                throw new ShapeException("sections " + Arrays.toString(sections) + " add up to " + sum
                        + ", but dim " + dim + " of " + in + " has " + size);
            }
        }
        return new Result(outs, 0);
    }
}
