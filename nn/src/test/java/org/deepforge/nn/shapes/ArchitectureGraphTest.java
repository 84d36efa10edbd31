package org.deepforge.nn.shapes;

import org.deepforge.library.LayerError;
import org.deepforge.library.ArchitectureAnalysis;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.deepforge.model.Json;
import org.deepforge.nn.Architecture;
import org.deepforge.nn.ArchitectureException;
import org.junit.jupiter.api.Test;

/** Reading the graph: order, cycles, bad connections. */
class ArchitectureGraphTest {
    private final ShapeInference inference = new ShapeInference();

    @Test
    void aCycleIsAnErrorNamingItsLayers() {
        JsonNode arch = Arch.named("loop").input("x", 4)
                .then("add", "Add").then("a", "ReLU").then("b", "Tanh").wire("b", "add", 1)
                .from("b").then("after", "Output").json();
        ArchitectureAnalysis analysis = inference.analyze(arch);
        assertThat(analysis.errors()).containsExactly(LayerError.on("add",
                "Add \"add\", ReLU \"a\", Tanh \"b\" form a cycle: add → a → b → add (a network must flow one way; remove one of these connections)"));
        assertThat(analysis.layers()).containsOnlyKeys("x");
        Architecture a = Architecture.parse(arch);
        assertThat(a.order().order()).containsExactly("x");
        assertThat(a.order().cycles()).containsExactly(List.of("add", "a", "b"));
    }

    @Test
    void aLayerFeedingItself() {
        JsonNode arch = Arch.named("self").input("x", 4).then("a", "ReLU").wire("a", "a", 1).json();
        assertThat(inference.analyze(arch).errors()).extracting(LayerError::message)
                .containsExactly("ReLU \"a\" feeds itself: a → a (a network must flow one way; remove one of these connections)");
    }

    @Test
    void topologicalOrderFollowsTheWiresNotTheJsonOrder() {
        JsonNode arch = Arch.named("x").layer("fc", "Linear", "out_features", 2).layer("out", "Output")
                .input("x", 3).wire("x", "fc", 0).wire("fc", "out", 0).json();
        assertThat(Architecture.parse(arch).order().order()).containsExactly("x", "fc", "out");
        assertThat(inference.analyze(arch).errors()).isEmpty();
    }

    @Test
    void connectionsByInputOrderAndStructuralProblems() throws Exception {
        JsonNode arch = Json.MAPPER.readTree("""
                {"layers": {"x": {"type": "Input", "arguments": {"shape": [3]}}, "y": {"type": "Input", "arguments": {"shape": [3]}},
                            "cat": {"type": "Concatenate", "arguments": {"dim": 1}}, "bad": {"arguments": {}}},
                 "connections": {"k1": {"from": {"layer": "y"}, "to": {"layer": "cat", "input": 1}},
                                 "k2": {"from": {"layer": "x"}, "to": {"layer": "cat"}},
                                 "k3": {"from": {"layer": "ghost"}, "to": {"layer": "cat", "input": 2}}}}""");
        Architecture a = Architecture.parse(arch);
        assertThat(a.incoming("cat")).extracting(c -> c.from()).containsExactly("x", "y");
        assertThat(a.problems()).extracting(p -> p.message()).containsExactly(
                "layer \"bad\" has no type (a torch.nn class such as Conv2d, or Input, Output, Concatenate, …)",
                "connection k3 comes from layer \"ghost\", which does not exist");
        ArchitectureAnalysis analysis = inference.analyze(arch);
        assertThat(analysis.layers()).doesNotContainKey("cat");
        Assertions.assertThatThrownBy(() -> Architecture.parseStrict(arch))
                .isInstanceOf(ArchitectureException.class).hasMessageContaining("ghost");
    }

    @Test
    void anInputTakesOneConnection() {
        JsonNode arch = Arch.named("x").input("a", 3).input("b", 3).then("r", "ReLU").wire("a", "r", 0).json();
        assertThat(inference.analyze(arch).errors()).extracting(LayerError::message)
                .containsExactly("ReLU \"r\": input 0 has two connections (k1 and k2); an input takes one");
    }

    @Test
    void notAnArchitectureAtAll() {
        ArchitectureAnalysis a = inference.analyze(Json.MAPPER.getNodeFactory().textNode("hello"));
        assertThat(a.errors()).extracting(LayerError::message)
                .containsExactly("an architecture must be a JSON object with \"layers\" and \"connections\"");
        assertThat(inference.analyze(Json.MAPPER.createObjectNode()).errors()).isEmpty();
    }
}
