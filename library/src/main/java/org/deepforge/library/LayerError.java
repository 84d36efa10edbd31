package org.deepforge.library;

import java.util.Optional;

/** An error for the user, on the layer it concerns where there is one; the message names the layer ({@code Conv2d "conv1": …}). */
public record LayerError(Optional<String> layer, String message) {
    public static LayerError on(String layer, String message) {
        return new LayerError(Optional.of(layer), message);
    }
}
