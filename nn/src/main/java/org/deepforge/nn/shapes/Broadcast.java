package org.deepforge.nn.shapes;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Torch's broadcasting of element-wise operations over input shapes. */
final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of all inputs, or empty if two do not fit. */
    static Optional<Shape> of(List<Shape> shapes) {
        int rank = shapes.stream().mapToInt(Shape::rank).max().orElse(0);
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (Shape s : shapes) {
            int offset = rank - s.rank();
            for (int i = 0; i < s.rank(); i++) {
                int a = out[offset + i];
                int b = s.dim(i);
                if (a == b || b == 1) {
                    continue;
                }
                if (a == 1) {
                    out[offset + i] = b;
                } else {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(Shape.of(out));
    }

    /** The broadcast shape, or a failure listing the shapes and what {@code verb} could not be done. */
    static Shape require(List<Shape> shapes, String verb) {
        return of(shapes).orElseThrow(() -> new ShapeException("shapes " + list(shapes) + " cannot be " + verb
                + " (in every dimension, counted from the last, the sizes must match or be 1)"));
    }

    static String list(List<Shape> shapes) {
        if (shapes.size() == 2) {
            return shapes.get(0) + " and " + shapes.get(1);
        }
        return String.join(", ", shapes.stream().map(Shape::toString).toList());
    }
}
