package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.deepforge.model.Json;

/** Builds architectures of kind sklearn-pipeline for tests: {@code new Drawing("digits").layer("in", "Input", "{\"features\": 64}")}. */
final class Drawing {
    private final ObjectNode json = Json.MAPPER.createObjectNode();
    private int connections;

    Drawing(String name) {
        json.put("kind", "sklearn-pipeline");
        json.put("name", name);
        json.putObject("layers");
        json.putObject("connections");
    }

    Drawing layer(String id, String type, String arguments) {
        ObjectNode layer = ((ObjectNode) json.get("layers")).putObject(id);
        layer.put("type", type);
        layer.set("arguments", parse(arguments));
        return this;
    }

    Drawing layer(String id, String type) {
        return layer(id, type, "{}");
    }

    Drawing named(String id, String name) {
        ((ObjectNode) json.get("layers").get(id)).put("name", name);
        return this;
    }

    Drawing connect(String from, String to) {
        return connect(from, to, 0);
    }

    Drawing connect(String from, String to, int input) {
        ObjectNode c = ((ObjectNode) json.get("connections")).putObject("c" + (++connections));
        c.putObject("from").put("layer", from).put("output", 0);
        c.putObject("to").put("layer", to).put("input", input);
        return this;
    }

    /** Connects the layers in order, each into input 0 of the next. */
    Drawing chain(String... ids) {
        for (int i = 1; i < ids.length; i++) {
            connect(ids[i - 1], ids[i]);
        }
        return this;
    }

    JsonNode json() {
        return json.deepCopy();
    }

    static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Input(features=64) → StandardScaler → PCA(n_components=20) → LogisticRegression(max_iter=1000). */
    static Drawing digits() {
        return new Drawing("digits").layer("in", "Input", "{\"features\": 64}").layer("scale", "StandardScaler")
                .layer("pca", "PCA", "{\"n_components\": 20}").layer("clf", "LogisticRegression", "{\"max_iter\": 1000}")
                .chain("in", "scale", "pca", "clf");
    }
}
