package org.deepforge.nn.shapes;

/** A layer whose shape cannot be worked out; the message (without the layer's label) says why, in the user's words. */
final class ShapeException extends RuntimeException {
    ShapeException(String message) {
        super(message, null, false, false);
    }
}
