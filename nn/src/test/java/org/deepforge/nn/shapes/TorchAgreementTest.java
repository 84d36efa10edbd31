package org.deepforge.nn.shapes;

import org.deepforge.library.LayerInfo;
import org.deepforge.library.ArchitectureAnalysis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fixture's shapes and parameter counts, at every layer and in total, equal what real torch
 * computes: a Python script builds the same layers, runs them on zeros with batch 2 and reports.
 */
class TorchAgreementTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final int BATCH = 2;

    @TempDir
    static Path dir;

    private static Map<String, JsonNode> fixtures;
    private static JsonNode torch;

    @BeforeAll
    static void runTorch() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3 with torch");
        fixtures = TorchFixtures.all();
        ObjectNode input = Json.MAPPER.createObjectNode();
        fixtures.forEach(input::set);
        Path in = dir.resolve("fixtures.json");
        Files.write(in, Json.MAPPER.writeValueAsBytes(input));
        Path script = dir.resolve("torch_reference.py");
        try (InputStream s = TorchAgreementTest.class.getResourceAsStream("torch_reference.py")) {
            Files.copy(s, script);
        }
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.toString(), in.toString())
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String err = Files.readString(dir.resolve("stderr.txt"));
        assumeTrue(!err.contains("No module named 'torch'"), "torch is not installed");
        assertThat(p.exitValue()).as("torch reference failed: %s", err).isZero();
        torch = Json.MAPPER.readTree(new String(out, StandardCharsets.UTF_8));
    }

    @TestFactory
    Stream<DynamicTest> everyLayerAgreesWithTorch() {
        ShapeInference inference = new ShapeInference();
        return fixtures.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            JsonNode reference = torch.get(e.getKey());
            assertThat(reference.has("error")).as("torch could not run %s: %s", e.getKey(), reference.path("error")).isFalse();
            ArchitectureAnalysis analysis = inference.analyze(e.getValue());
            assertThat(analysis.errors()).as("errors").isEmpty();
            reference.get("layers").properties().forEach(layer -> {
                LayerInfo info = analysis.layers().get(layer.getKey());
                assertThat(info).as("layer %s analysed", layer.getKey()).isNotNull();
                List<List<Integer>> expected = new ArrayList<>();
                layer.getValue().get("outputs").forEach(s -> {
                    List<Integer> dims = new ArrayList<>();
                    s.forEach(d -> dims.add(d.asInt()));
                    expected.add(dims);
                });
                assertThat(info.outputs().stream().map(TorchAgreementTest::withBatch).toList())
                        .as("shapes of %s", layer.getKey()).isEqualTo(expected);
                assertThat(info.parameters()).as("parameters of %s", layer.getKey())
                        .isEqualTo(layer.getValue().get("parameters").asLong());
            });
            assertThat(analysis.layers().keySet()).containsExactlyInAnyOrderElementsOf(
                    () -> reference.get("layers").fieldNames());
            assertThat(analysis.parameters()).as("total parameters").hasValue(reference.get("parameters").asLong());
        }));
    }

    private static List<Integer> withBatch(List<Integer> shape) {
        return shape.stream().map(d -> d == null ? BATCH : d).toList();
    }
}
