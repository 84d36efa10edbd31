package org.deepforge.nn.library;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.deepforge.library.AnalysedArchitecture;
import org.deepforge.library.ArchitectureAnalysis;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.library.CodeGenerationException;
import org.deepforge.library.GeneratedModule;
import org.deepforge.model.Json;
import org.deepforge.nn.codegen.PyTorchCode;
import org.deepforge.nn.shapes.ShapeInference;

/** Neural networks: the torch.nn catalog, Java shape rules, PyTorch code. */
final class PyTorchKind implements ArchitectureKind {
    private final ShapeInference shapes;
    private final byte[] catalog;

    PyTorchKind(ShapeInference shapes) {
        this.shapes = shapes;
        try (InputStream in = PyTorchKind.class.getResourceAsStream("/org/deepforge/nn/layers.json")) {
            if (in == null) {
                throw new IllegalStateException("the layer catalog is missing from the build");
            }
            this.catalog = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ShapeInference shapes() {
        return shapes;
    }

    @Override
    public String id() {
        return DEFAULT;
    }

    @Override
    public String name() {
        return "Neural network (PyTorch)";
    }

    @Override
    public String description() {
        return "Layers from torch.nn connected as a graph; shapes and parameter counts as you draw; generated as an nn.Module.";
    }

    @Override
    public byte[] catalog() {
        return catalog.clone();
    }

    @Override
    public JsonNode template() {
        return Json.MAPPER.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("layers", Json.MAPPER.createObjectNode())
                .set("connections", Json.MAPPER.createObjectNode());
    }

    @Override
    public ArchitectureAnalysis analyze(JsonNode architecture) {
        return shapes.analyze(architecture);
    }

    @Override
    public AnalysedArchitecture analyzeForEdits(JsonNode architecture) {
        return shapes.analyzeKept(architecture);
    }

    /** Only the layers an edit of arguments changed, and those after them whose inputs changed, are worked out again. */
    @Override
    public AnalysedArchitecture analyzeEdit(AnalysedArchitecture base, JsonNode patch, JsonNode edited) {
        return base instanceof ShapeInference.Kept kept ? shapes.analyzeEdit(kept, patch, edited) : shapes.analyzeKept(edited);
    }

    /** The module with every inferred argument written out; refuses an architecture with errors (422). */
    @Override
    public GeneratedModule generate(JsonNode architecture) {
        ArchitectureAnalysis result = shapes.analyze(architecture);
        if (!result.errors().isEmpty()) {
            throw new CodeGenerationException("the architecture has errors; fix them first: " + result.errors().get(0).message()
                    + (result.errors().size() > 1 ? " (and " + (result.errors().size() - 1) + " more)" : ""));
        }
        Map<String, Map<String, JsonNode>> inferred = new HashMap<>();
        result.layers().forEach((id, info) -> inferred.put(id, info.inferred()));
        return new GeneratedModule(PyTorchCode.className(architecture), new PyTorchCode().generate(architecture, inferred));
    }
}
