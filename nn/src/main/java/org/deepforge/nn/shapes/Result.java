package org.deepforge.nn.shapes;

import java.util.List;

/** What a rule works out: the shape of each output and the number of trainable parameters. */
record Result(List<Shape> outputs, long parameters) {
    Result {
        outputs = List.copyOf(outputs);
    }

    static Result of(Shape output) {
        return new Result(List.of(output), 0);
    }

    static Result of(Shape output, long parameters) {
        return new Result(List.of(output), parameters);
    }
}
