package org.deepforge.exec.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.deepforge.ops.OperationRules;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated bundle runs with plain python main.py, outside any server. */
class BundleWriterTest {
    @TempDir
    Path dir;

    static final String SCALE = """
            import numpy as np
            from utils.helpers import offset


            class Scale:
                \"\"\"Multiply and shift an array.\"\"\"

                def __init__(self, factor=2.0, label="x"):
                    self.factor = factor
                    self.label = label

                def execute(self, data):
                    print("scaling", self.label)
                    scaled = np.asarray(data) * self.factor + offset()
                    return scaled, len(scaled)
            """;

    JsonNode model(PythonRuntime runtime) throws Exception {
        ObjectNode model = (ObjectNode) Json.MAPPER.readTree("""
            {"project": {"name": "b"}, "architectures": {}, "artifacts": {},
             "utils": {"helpers": {"code": "def offset():\\n    return 1\\n"}},
             "operations": {"Scale": {"code": ""}},
             "pipelines": {"p1": {"name": "Scale \\"it\\"", "connections": {},
                 "nodes": {"n1": {"operation": "Scale", "attributes": {"factor": 3, "label": "tab\\tand \\"quotes\\""}}}}}}
            """);
        ((ObjectNode) model.get("operations").get("Scale")).put("code", SCALE);
        try (Analysis analysis = new Analysis("/usr/bin/python3", runtime.root(), Duration.ofSeconds(20))) {
            return new OperationRules(analysis).prepare(Json.MAPPER.createObjectNode(), model);
        }
    }

    @Test
    void generatedMainReadsLikeHandWrittenCodeAndRunsStandalone() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        Path bundle = dir.resolve("bundle");
        new BundleWriter(runtime.root()).write(new BundleWriter.Job("e1", "n1", model(runtime), "p1", "n1"), bundle);

        String main = Files.readString(bundle.resolve("main.py"));
        assertThat(main).contains("    from operations.Scale import Scale\n")
                .contains("    data = runtime.load_input(\"data\")\n")
                .contains("        factor=3,\n")
                .contains("        label=\"tab\\tand \\\"quotes\\\"\",\n")
                .contains("    scaled, output = operation.execute(data)\n")
                .contains("    runtime.save_outputs({\"scaled\": scaled, \"output\": output})\n")
                .contains("runtime.run(main)");
        assertThat(Files.readString(bundle.resolve("job.json"))).contains("\"execution\": \"e1\"");
        assertThat(bundle.resolve("deepforge/__init__.py")).exists();

        // the adapter's part: put the input in place
        Process put = new ProcessBuilder("/usr/bin/python3", "-c",
                "import numpy as np; from deepforge import serialization; serialization.save(np.arange(4), 'inputs/data')")
                .directory(bundle.toFile()).redirectErrorStream(true).start();
        String putOut = new String(put.getInputStream().readAllBytes());
        assertThat(put.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(put.exitValue()).as(putOut).isZero();

        Process run = new ProcessBuilder("/usr/bin/python3", "main.py").directory(bundle.toFile()).redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(out).isZero();
        assertThat(out).contains("scaling tab\tand \"quotes\"");
        JsonNode results = Json.MAPPER.readTree(bundle.resolve("results.json").toFile());
        assertThat(results.path("status").asText()).isEqualTo("success");
        assertThat(results.path("outputs").has("scaled")).isTrue();
        assertThat(results.path("environment").path("python").asText()).isNotEmpty();
        assertThat(bundle.resolve("outputs/scaled/data")).exists();
    }

    @Test
    void aFailingOperationReportsItsExceptionLine() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        Path bundle = dir.resolve("bundle");
        new BundleWriter(runtime.root()).write(new BundleWriter.Job("e1", "n1", model(runtime), "p1", "n1"), bundle);
        // no input placed: loading it fails
        Process run = new ProcessBuilder("/usr/bin/python3", "main.py").directory(bundle.toFile()).redirectErrorStream(true).start();
        run.getInputStream().readAllBytes();
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).isEqualTo(1);
        JsonNode results = Json.MAPPER.readTree(bundle.resolve("results.json").toFile());
        assertThat(results.path("status").asText()).isEqualTo("failed");
        assertThat(results.path("error").asText()).isNotBlank().doesNotContain("Traceback");
    }

    @Test
    void operationsWithSyntaxErrorsAreNotBundled() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        ObjectNode model = (ObjectNode) model(runtime);
        ObjectNode op = (ObjectNode) model.get("operations").get("Scale");
        ((ObjectNode) op.get("interface")).putObject("syntaxError").put("line", 3).put("message", "invalid syntax");
        assertThatThrownBy(() -> new BundleWriter(runtime.root()).write(new BundleWriter.Job("e1", "n1", model, "p1", "n1"), dir.resolve("b")))
                .hasMessageContaining("syntax error at line 3");
    }
}
