package org.deepforge.nn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** One layer of an architecture: its id, type (a torch.nn class or a language node), optional name and the arguments the user set. */
public record Layer(String id, String type, Optional<String> name, JsonNode arguments) {
    /** The argument the user set, if any (JSON null counts as set to None). */
    public Optional<JsonNode> argument(String key) {
        return Optional.ofNullable(arguments.get(key));
    }
}
