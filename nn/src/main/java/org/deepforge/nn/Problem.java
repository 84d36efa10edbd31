package org.deepforge.nn;

import java.util.Optional;

/**
 * A structural problem of an architecture (a bad connection, a bad name, a cycle), attached to a layer
 * where there is one; {@code blocking} problems leave the layer without a shape.
 */
public record Problem(Optional<String> layer, String message, boolean blocking) {}
