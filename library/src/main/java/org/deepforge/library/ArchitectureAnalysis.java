package org.deepforge.library;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.deepforge.model.Json;

/**
 * The result of shape inference: the shape on every connection (by connection id, {@code null} for
 * the batch dimension), per-layer details, the trainable parameters of the layers that could be
 * analysed and the errors. Only an analysis without errors has a total ({@link #parameters()}): with
 * errors, the sum covers only the layers before them and must not be read as the network's size.
 */
public record ArchitectureAnalysis(Map<String, List<Integer>> shapes, Map<String, LayerInfo> layers,
                                   long partialParameters, List<LayerError> errors) {
    public ArchitectureAnalysis {
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        errors = List.copyOf(errors);
    }

    /** The network's trainable parameters; empty while the analysis has errors (see {@link #partialParameters()}). */
    public OptionalLong parameters() {
        return errors.isEmpty() ? OptionalLong.of(partialParameters) : OptionalLong.empty();
    }

    /** The errors about one layer. */
    public List<LayerError> errorsOf(String layer) {
        return errors.stream().filter(e -> e.layer().filter(layer::equals).isPresent()).toList();
    }

    /** The analysis as the API returns it (docs/architectures.md). */
    public ObjectNode toJson() {
        try (TokenBuffer buffer = new TokenBuffer(Json.MAPPER, false)) {
            write(buffer);
            return Json.MAPPER.readTree(buffer.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #toJson()} as compact UTF-8, written straight from the analysis (what the server sends). */
    public byte[] toJsonBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 128 * layers.size());
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * What changed since {@code base} (docs/architectures.md, "Analysing an edit"): the shapes and layers
     * that are new or differ, each whole; the ids of those that are gone under {@code removed}; the totals
     * as {@link #toJson()} has them; the errors only if they differ. An edit that touches a few layers of
     * a large network answers in a few hundred bytes.
     */
    public void writeChangesSince(ArchitectureAnalysis base, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("shapes");
        for (Map.Entry<String, List<Integer>> e : shapes.entrySet()) {
            if (!e.getValue().equals(base.shapes.get(e.getKey()))) {
                g.writeFieldName(e.getKey());
                writeShape(g, e.getValue());
            }
        }
        g.writeEndObject();
        g.writeObjectFieldStart("layers");
        for (Map.Entry<String, LayerInfo> e : layers.entrySet()) {
            if (!e.getValue().equals(base.layers.get(e.getKey()))) {
                g.writeFieldName(e.getKey());
                writeLayer(g, e.getValue());
            }
        }
        g.writeEndObject();
        g.writeObjectFieldStart("removed");
        writeMissing(g, "shapes", base.shapes.keySet(), shapes.keySet());
        writeMissing(g, "layers", base.layers.keySet(), layers.keySet());
        g.writeEndObject();
        writeTotals(g);
        if (!errors.equals(base.errors)) {
            writeErrors(g);
        }
        g.writeEndObject();
    }

    private static void writeMissing(JsonGenerator g, String name, Set<String> before, Set<String> now) throws IOException {
        g.writeArrayFieldStart(name);
        for (String id : before) {
            if (!now.contains(id)) {
                g.writeString(id);
            }
        }
        g.writeEndArray();
    }

    private void write(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("shapes");
        for (Map.Entry<String, List<Integer>> e : shapes.entrySet()) {
            g.writeFieldName(e.getKey());
            writeShape(g, e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("layers");
        for (Map.Entry<String, LayerInfo> e : layers.entrySet()) {
            g.writeFieldName(e.getKey());
            writeLayer(g, e.getValue());
        }
        g.writeEndObject();
        writeTotals(g);
        writeErrors(g);
        g.writeEndObject();
    }

    private static void writeLayer(JsonGenerator g, LayerInfo info) throws IOException {
        g.writeStartObject();
        g.writeFieldName("output");
        writeShape(g, info.output());
        g.writeArrayFieldStart("outputs");
        for (List<Integer> shape : info.outputs()) {
            writeShape(g, shape);
        }
        g.writeEndArray();
        g.writeNumberField("parameters", info.parameters());
        g.writeObjectFieldStart("inferred");
        for (Map.Entry<String, JsonNode> inferred : info.inferred().entrySet()) {
            g.writeFieldName(inferred.getKey());
            g.writeTree(inferred.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** With errors the sum is partial: null where a total is shown, so it cannot be mistaken for one. */
    private void writeTotals(JsonGenerator g) throws IOException {
        if (errors.isEmpty()) {
            g.writeNumberField("parameters", partialParameters);
        } else {
            g.writeNullField("parameters");
            g.writeNumberField("partialParameters", partialParameters);
        }
    }

    private void writeErrors(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("errors");
        for (LayerError e : errors) {
            g.writeStartObject();
            if (e.layer().isPresent()) {
                g.writeStringField("layer", e.layer().get());
            }
            g.writeStringField("message", e.message());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeShape(JsonGenerator g, List<Integer> shape) throws IOException {
        g.writeStartArray();
        for (Integer d : shape) {
            if (d == null) {
                g.writeNull();
            } else {
                g.writeNumber(d);
            }
        }
        g.writeEndArray();
    }
}
