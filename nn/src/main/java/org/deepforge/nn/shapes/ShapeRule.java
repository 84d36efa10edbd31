package org.deepforge.nn.shapes;

/** Works out a layer type's output shapes and parameters from its call, or throws {@link ShapeException}. */
@FunctionalInterface
interface ShapeRule {
    Result apply(Call call);
}
