package org.deepforge.nn.shapes;

import java.util.List;

/** One application of a layer: its type, arguments and input shapes (one per connected input, by input index). */
record Call(String type, Args args, List<Shape> inputs) {
    Shape in() {
        return inputs.get(0);
    }

    Shape in(int i) {
        return inputs.get(i);
    }

    /** Fails unless the input has one of the given ranks; {@code pattern} shows the expected layout, e.g. {@code [N, C, H, W]}. */
    Shape expectRank(int index, String pattern, int... ranks) {
        Shape s = inputs.get(index);
        for (int r : ranks) {
            if (s.rank() == r) {
                return s;
            }
        }
        throw new ShapeException("expects an input shaped " + pattern + " but gets " + s);
    }

    /** Normalises a possibly negative dimension index for a tensor of {@code rank}, failing in the user's words. */
    static int dimIndex(String argument, int dim, int rank) {
        if (dim < -rank || dim >= rank) {
            throw new ShapeException(argument + " " + dim + " is out of range for a " + rank
                    + "-dimensional input (use " + (-rank) + " … " + (rank - 1) + ")");
        }
        return dim < 0 ? dim + rank : dim;
    }
}
