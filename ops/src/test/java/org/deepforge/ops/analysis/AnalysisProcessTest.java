package org.deepforge.ops.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java side of the analysis process: real Python, restarted when it dies. */
class AnalysisProcessTest {
    @TempDir
    Path dir;

    static final String CODE = """
            class Scale:
                def __init__(self, factor=2.0):
                    self.factor = factor

                def execute(self, data):
                    return data * self.factor
            """;

    @Test
    void parsesRealCodeAndComesBackAfterTheProcessDies() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("python"));
        try (Analysis analysis = new Analysis("/usr/bin/python3", runtime.root(), Duration.ofSeconds(20))) {
            JsonNode iface = analysis.parse(CODE, "Scale");
            assertThat(iface.path("class").asText()).isEqualTo("Scale");
            assertThat(iface.path("inputs").get(0).path("name").asText()).isEqualTo("data");
            assertThat(iface.path("attributes").get(0).path("type").asText()).isEqualTo("float");
            assertThat(analysis.starts()).isEqualTo(1);

            analysis.process().destroyForcibly().waitFor();
            JsonNode again = analysis.parse(CODE.replace("factor=2.0", "factor=3"), "Scale");
            assertThat(again.path("attributes").get(0).path("default").asInt()).isEqualTo(3);
            assertThat(analysis.starts()).isEqualTo(2);

            JsonNode edited = analysis.edit(CODE, "Scale", Json.MAPPER.createObjectNode().put("action", "add_input").put("name", "mask"));
            assertThat(edited.path("code").asText()).contains("def execute(self, data, mask):");
            assertThatThrownBy(() -> analysis.edit(CODE, "Scale", Json.MAPPER.createObjectNode().put("action", "remove_input").put("name", "nope")))
                    .isInstanceOfSatisfying(AnalysisException.class, e -> assertThat(e.userError()).isTrue());
        }
    }

    @Test
    void aMissingInterpreterIsAClearError() {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("python"));
        try (Analysis analysis = new Analysis("/no/such/python3", runtime.root(), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> analysis.parse(CODE, "Scale"))
                    .isInstanceOfSatisfying(AnalysisException.class, e -> {
                        assertThat(e.userError()).isFalse();
                        assertThat(e.getMessage()).contains("/no/such/python3");
                    });
        }
    }
}
