package org.deepforge.nn.shapes;

import org.deepforge.library.LayerError;
import org.deepforge.library.ArchitectureAnalysis;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Big drawings analyse correctly and deep ones cannot overflow the stack. How fast is a figure for
 * {@code bench/run shapes}, not an assertion here.
 */
class BigDrawingsTest {
    private final ShapeInference inference = new ShapeInference();

    private static JsonNode chain(int layers) {
        Arch a = Arch.named("deep").input("x", 16, 32, 32);
        String[] cycle = {"Conv2d", "BatchNorm2d", "ReLU", "Dropout"};
        for (int i = 1; i < layers - 1; i++) {
            String type = cycle[i % cycle.length];
            if (type.equals("Conv2d")) {
                a.then("l" + i, type, "out_channels", 16, "kernel_size", 3, "padding", 1);
            } else {
                a.then("l" + i, type);
            }
        }
        return a.then("out", "Output").json();
    }

    @Test
    void fiveHundredLayersAnalyseTheSameEveryTime() {
        JsonNode arch = chain(500);
        ArchitectureAnalysis first = inference.analyze(arch);
        assertThat(first.errors()).isEmpty();
        assertThat(first.layers()).hasSize(500);
        for (int i = 0; i < 50; i++) {
            ArchitectureAnalysis again = inference.analyze(arch);
            assertThat(again.errors()).isEmpty();
            assertThat(again.layers().get("out").output()).isEqualTo(first.layers().get("out").output());
        }
    }

    @Test
    void tenThousandLayersGiveAResult() {
        JsonNode arch = chain(10_000);
        ArchitectureAnalysis a = inference.analyze(arch);
        assertThat(a.errors()).isEmpty();
        assertThat(a.layers()).hasSize(10_000);
        assertThat(a.layers().get("out").output()).containsExactly(null, 16, 32, 32);
    }

    @Test
    void aTenThousandLayerCycleIsReportedNotOverflowed() {
        Arch a = Arch.named("ring").input("x", 4).then("add", "Add");
        for (int i = 0; i < 10_000; i++) {
            a.then("r" + i, "ReLU");
        }
        a.wire("r9999", "add", 1);
        ArchitectureAnalysis analysis = inference.analyze(a.json());
        assertThat(analysis.errors()).singleElement().extracting(LayerError::message).asString().contains("form a cycle");
    }
}
