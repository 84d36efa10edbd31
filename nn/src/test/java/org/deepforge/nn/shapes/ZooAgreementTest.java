package org.deepforge.nn.shapes;

import org.deepforge.library.LayerInfo;
import org.deepforge.library.ArchitectureAnalysis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.deepforge.nn.codegen.PyTorchCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every classification model of the installed torchvision, imported by {@code python/deepforge/nnimport/}
 * (on the meta device: no memory for weights): the Java rules give torch's output shapes at every layer, each
 * layer's parameters and the model's total; a refused model gets a message of at most 300 characters, as the
 * server sends it, that lists the unsupported operations.
 */
class ZooAgreementTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** What ModelImporter puts before the importer's message. */
    private static final String PREFIX = "importing the model failed: ";
    private static final String HEAD = "the model uses operations that have no architecture node: ";

    @TempDir
    static Path dir;

    private static JsonNode zoo;

    @BeforeAll
    static void importTheZoo() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3 with torch and torchvision");
        Path script = dir.resolve("zoo_reference.py");
        try (InputStream s = ZooAgreementTest.class.getResourceAsStream("zoo_reference.py")) {
            Files.copy(s, script);
        }
        Path runtime = Path.of("..", "python").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.toString())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .redirectOutput(dir.resolve("zoo.json").toFile());
        pb.environment().put("PYTHONPATH", runtime.toString());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String err = Files.readString(dir.resolve("stderr.txt"));
        assumeTrue(!err.contains("No module named 'torch"), "torch or torchvision is not installed");
        assertThat(p.exitValue()).as("the zoo import failed: %s", err).isZero();
        zoo = Json.MAPPER.readTree(Files.readString(dir.resolve("zoo.json"), StandardCharsets.UTF_8));
    }

    @Test
    void mostOfTheZooImports() {
        List<String> refused = new ArrayList<>();
        zoo.properties().forEach(e -> {
            if (e.getValue().has("error")) {
                refused.add(e.getKey());
            }
        });
        assertThat(zoo.size()).isGreaterThanOrEqualTo(20);
        // windowed (swin) and relative (maxvit) attention have no nodes; every other family imports
        assertThat(refused).allMatch(name -> name.startsWith("swin") || name.startsWith("maxvit"), "only swin and maxvit");
    }

    @TestFactory
    Stream<DynamicTest> everyLayerOfEveryModelAgreesWithTorch() {
        ShapeInference inference = new ShapeInference();
        List<Map.Entry<String, JsonNode>> models = new ArrayList<>();
        zoo.properties().forEach(models::add);
        return models.stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            JsonNode model = e.getValue();
            if (model.has("error")) {
                String message = PREFIX + model.get("error").asText();
                assertThat(message.length()).as(message).isLessThanOrEqualTo(300);
                assertThat(message).startsWith(PREFIX + HEAD);
                assertThat(message.substring((PREFIX + HEAD).length())).isNotBlank();
                return;
            }
            JsonNode torch = model.get("torch");
            ArchitectureAnalysis analysis = inference.analyze(model.get("architecture"));
            assertThat(analysis.errors()).as("errors").isEmpty();
            int compared = 0;
            for (var layer : (Iterable<Map.Entry<String, JsonNode>>) torch.get("layers")::fields) {
                LayerInfo info = analysis.layers().get(layer.getKey());
                assertThat(info).as("layer %s analysed", layer.getKey()).isNotNull();
                List<List<Integer>> expected = shapes(layer.getValue().get("outputs"));
                if (!expected.isEmpty()) {
                    assertThat(info.outputs().subList(0, Math.min(expected.size(), info.outputs().size())))
                            .as("shapes of %s %s", layer.getKey(), model.at("/architecture/layers/" + layer.getKey()))
                            .isEqualTo(expected);
                    compared++;
                }
                assertThat(info.parameters()).as("parameters of %s", layer.getKey())
                        .isEqualTo(layer.getValue().get("parameters").asLong());
            }
            assertThat(compared).isGreaterThan(10);
            assertThat(analysis.parameters()).as("total parameters").hasValue(torch.get("parameters").asLong());
            // and code generation writes it (one statement per layer but the Inputs and Outputs)
            Map<String, Map<String, JsonNode>> inferred = new HashMap<>();
            analysis.layers().forEach((id, info) -> inferred.put(id, info.inferred()));
            String code = new PyTorchCode().generate(model.get("architecture"), inferred);
            assertThat(code).contains("class " + PyTorchCode.className(model.get("architecture")) + "(nn.Module):");
        }));
    }

    private static List<List<Integer>> shapes(JsonNode outputs) {
        List<List<Integer>> out = new ArrayList<>();
        for (JsonNode s : outputs) {
            List<Integer> dims = new ArrayList<>();
            s.forEach(d -> dims.add(d.isNull() ? null : d.asInt()));
            out.add(dims);
        }
        return out;
    }
}
