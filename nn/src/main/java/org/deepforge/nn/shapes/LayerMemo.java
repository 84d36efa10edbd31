package org.deepforge.nn.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a layer's rule (or the fallback) answered for one type, arguments and input shapes, so that an
 * analysis of an architecture that changed in one place reworks only the layers whose type, arguments or
 * input shapes changed: the editor asks for a fresh analysis on every edit. A rule's answer depends on
 * nothing else (the catalog is fixed per {@link ShapeInference}). Bounded, least recently used first out.
 */
final class LayerMemo {
    /** The arguments are a private copy: a key must not change while it is in the map. */
    record Key(String type, JsonNode arguments, List<Shape> inputs) {}

    /** A rule's outputs and inferred arguments, or the message of the error it raised. */
    record Answer(Result result, Map<String, JsonNode> inferred, String error) {
        static Answer of(Result result, Map<String, JsonNode> inferred) {
            return new Answer(result, Collections.unmodifiableMap(new LinkedHashMap<>(inferred)), null);
        }

        static Answer failed(String message) {
            return new Answer(null, Map.of(), message);
        }

        /** The result, or the remembered error thrown again. */
        Result resultOrThrow() {
            if (error != null) {
                throw new ShapeException(error);
            }
            return result;
        }
    }

    private final Map<Key, Answer> answers;

    LayerMemo(int capacity) {
        this.answers = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Answer> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The key for a lookup; {@code arguments} is only read. */
    static Key key(String type, JsonNode arguments, List<Shape> inputs) {
        return new Key(type, arguments, inputs);
    }

    synchronized Optional<Answer> get(Key key) {
        return Optional.ofNullable(answers.get(key));
    }

    synchronized void put(Key key, Answer answer) {
        answers.put(new Key(key.type(), key.arguments().deepCopy(), List.copyOf(key.inputs())), answer);
    }

    synchronized int size() {
        return answers.size();
    }
}
