package org.deepforge.nn.shapes;

import org.deepforge.library.ArchitectureAnalysis;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import org.deepforge.model.Json;
import org.deepforge.nn.LayerCatalog;
import org.deepforge.nn.PythonLiteral;
import org.junit.jupiter.api.Test;

/** The documented result JSON, inferred arguments, and defaults from the catalog. */
class AnalysisJsonTest {
    private static final String CONVNET = """
            {"name": "convnet",
             "layers": {
               "l1": {"type": "Input", "name": "image", "arguments": {"shape": [1, 28, 28]}},
               "l2": {"type": "Conv2d", "name": "conv1", "arguments": {"out_channels": 8, "kernel_size": 3}},
               "l3": {"type": "ReLU", "arguments": {}},
               "l4": {"type": "MaxPool2d", "name": "pool1", "arguments": {"kernel_size": 2}},
               "l5": {"type": "Flatten", "arguments": {}},
               "l6": {"type": "Linear", "name": "fc", "arguments": {"out_features": 10}},
               "l7": {"type": "Output", "name": "logits", "arguments": {}}},
             "connections": {
               "k1": {"from": {"layer": "l1", "output": 0}, "to": {"layer": "l2", "input": 0}},
               "k2": {"from": {"layer": "l2", "output": 0}, "to": {"layer": "l3", "input": 0}},
               "k3": {"from": {"layer": "l3"}, "to": {"layer": "l4"}},
               "k4": {"from": {"layer": "l4"}, "to": {"layer": "l5"}},
               "k5": {"from": {"layer": "l5"}, "to": {"layer": "l6"}},
               "k6": {"from": {"layer": "l6"}, "to": {"layer": "l7"}}}}""";

    @Test
    void theDocumentedExample() throws Exception {
        JsonNode json = new ShapeInference(LayerCatalog.of(Json.MAPPER.createObjectNode())).analyze(Json.MAPPER.readTree(CONVNET)).toJson();
        assertThat(Json.compact(json.get("shapes").get("k1"))).isEqualTo("[null,1,28,28]");
        assertThat(Json.compact(json.get("shapes").get("k2"))).isEqualTo("[null,8,26,26]");
        assertThat(Json.compact(json.get("layers").get("l2"))).isEqualTo(
                "{\"output\":[null,8,26,26],\"outputs\":[[null,8,26,26]],\"parameters\":80,\"inferred\":{\"in_channels\":1}}");
        assertThat(Json.compact(json.get("layers").get("l6").get("inferred"))).isEqualTo("{\"in_features\":1352}");
        assertThat(json.get("parameters").asLong()).isEqualTo(80 + 1352 * 10 + 10);
        assertThat(json.get("errors")).isEmpty();
        assertThat(Json.compact(json.get("shapes").get("k6"))).isEqualTo("[null,10]");
    }

    @Test
    void errorsInTheJson() throws Exception {
        JsonNode arch = Arch.named("x").input("x", 64, 1, 1).then("pool3", "MaxPool2d", "kernel_size", 2).json();
        JsonNode json = new ShapeInference().analyze(arch).toJson();
        assertThat(Json.compact(json.get("errors"))).isEqualTo(
                "[{\"layer\":\"pool3\",\"message\":\"MaxPool2d \\\"pool3\\\": kernel 2 is larger than its 1×1 input (input [N, 64, 1, 1])\"}]");
    }

    @Test
    void withErrorsThereIsNoTotalOnlyAPartialSumThatSaysSo() throws Exception {
        JsonNode arch = Arch.named("x").input("x", 8).then("fc", "Linear", "out_features", 4)
                .then("bad", "Linear").json();
        ArchitectureAnalysis analysis = new ShapeInference().analyze(arch);
        assertThat(analysis.errors()).isNotEmpty();
        assertThat(analysis.parameters()).isEmpty();
        assertThat(analysis.partialParameters()).isEqualTo(8 * 4 + 4);
        JsonNode json = analysis.toJson();
        assertThat(json.get("parameters").isNull()).as(json.toString()).isTrue();
        assertThat(json.get("partialParameters").asLong()).isEqualTo(36);

        JsonNode fine = new ShapeInference().analyze(Arch.named("x").input("x", 8).then("fc", "Linear", "out_features", 4).json()).toJson();
        assertThat(fine.get("parameters").asLong()).isEqualTo(36);
        assertThat(fine.has("partialParameters")).isFalse();
    }

    @Test
    void catalogDefaultsApplyWhenTheUserLeavesAnArgumentOut() throws Exception {
        JsonNode catalog = Json.MAPPER.readTree("""
                {"layers": [{"name": "Conv2d", "arguments": [
                    {"name": "in_channels", "required": true, "type": "int"},
                    {"name": "stride", "default": "(2, 2)", "required": false, "type": "int | tuple"},
                    {"name": "padding", "default": 1, "required": false}]}],
                 "language": [{"name": "Concatenate", "arguments": [{"name": "dim", "default": 1}]}]}""");
        JsonNode arch = Arch.single(Arch.shape(3, 16, 16), "Conv2d", "out_channels", 4, "kernel_size", 3).json();
        ArchitectureAnalysis withCatalog = new ShapeInference(LayerCatalog.of(catalog)).analyze(arch);
        assertThat(withCatalog.layers().get("layer").output()).containsExactly(null, 4, 8, 8);
        ArchitectureAnalysis builtIn = new ShapeInference(LayerCatalog.of(Json.MAPPER.createObjectNode())).analyze(arch);
        assertThat(builtIn.layers().get("layer").output()).containsExactly(null, 4, 14, 14);
    }

    @Test
    void pythonLiteralsAsDefaults() {
        assertThat(PythonLiteral.parse("(1, (2, 3))").map(Json::compact)).contains("[1,[2,3]]");
        assertThat(PythonLiteral.parse("'zeros'").map(Json::compact)).contains("\"zeros\"");
        assertThat(PythonLiteral.parse("None").map(Json::compact)).contains("null");
        assertThat(PythonLiteral.parse("1e-05").map(JsonNode::asDouble)).contains(1e-05);
        assertThat(PythonLiteral.parse("<built-in function relu>")).isEmpty();
    }

    @Test
    void theChangesSinceAnEarlierAnalysisAppliedToItGiveTheNewAnalysis() throws Exception {
        ShapeInference inference = new ShapeInference(LayerCatalog.of(Json.MAPPER.createObjectNode()));
        ObjectNode convnet = (ObjectNode) Json.MAPPER.readTree(CONVNET);
        ArchitectureAnalysis base = inference.analyze(convnet);

        ObjectNode wider = convnet.deepCopy();
        ((ObjectNode) wider.at("/layers/l2/arguments")).put("out_channels", 16);
        JsonNode changes = changes(inference.analyze(wider), base);
        assertThat(applied(base.toJson(), changes)).isEqualTo(inference.analyze(wider).toJson());
        assertThat(changes.path("layers").has("l1")).as("an unchanged layer is not sent: %s", changes).isFalse();
        assertThat(changes.path("layers").has("l2")).isTrue();
        assertThat(changes.has("errors")).as("unchanged errors are not sent").isFalse();

        ObjectNode broken = convnet.deepCopy();
        ((ObjectNode) broken.at("/layers/l4/arguments")).put("kernel_size", 64);
        ArchitectureAnalysis withErrors = inference.analyze(broken);
        assertThat(withErrors.errors()).isNotEmpty();
        JsonNode toErrors = changes(withErrors, base);
        assertThat(applied(base.toJson(), toErrors)).isEqualTo(withErrors.toJson());
        JsonNode fixed = changes(base, withErrors);
        assertThat(applied(withErrors.toJson(), fixed)).as("partialParameters goes away: %s", fixed).isEqualTo(base.toJson());

        ObjectNode shorter = convnet.deepCopy();
        ((ObjectNode) shorter.get("layers")).remove("l7");
        ((ObjectNode) shorter.get("connections")).remove("k6");
        ArchitectureAnalysis removed = inference.analyze(shorter);
        assertThat(applied(base.toJson(), changes(removed, base))).isEqualTo(removed.toJson());
        assertThat(applied(removed.toJson(), changes(base, removed))).isEqualTo(base.toJson());
    }

    /** What the editor does with the changes (web/src/features/architecture/analysisClient.ts). */
    private static JsonNode applied(JsonNode base, JsonNode changes) {
        ObjectNode result = base.deepCopy();
        for (String part : new String[] {"shapes", "layers"}) {
            ObjectNode into = (ObjectNode) result.get(part);
            into.setAll((ObjectNode) changes.get(part));
            changes.path("removed").path(part).forEach(id -> into.remove(id.asText()));
        }
        result.set("parameters", changes.get("parameters"));
        result.remove("partialParameters");
        result.remove("errors");
        if (changes.has("partialParameters")) {
            result.set("partialParameters", changes.get("partialParameters"));
        }
        result.set("errors", changes.has("errors") ? changes.get("errors") : base.get("errors"));
        return result;
    }

    private static JsonNode changes(ArchitectureAnalysis now, ArchitectureAnalysis base) throws Exception {
        try (TokenBuffer buffer = new TokenBuffer(Json.MAPPER, false)) {
            now.writeChangesSince(base, buffer);
            return Json.MAPPER.readTree(buffer.asParser());
        }
    }
}
