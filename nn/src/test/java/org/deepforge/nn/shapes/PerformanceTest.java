package org.deepforge.nn.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Analysis stays interactive for big drawings and cannot overflow the stack on deep ones. */
class PerformanceTest {
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
    void fiveHundredLayersInUnderFiveMillisecondsAfterWarmUp() {
        JsonNode arch = chain(500);
        for (int i = 0; i < 300; i++) {
            inference.analyze(arch);
        }
        long best = Long.MAX_VALUE;
        long[] times = new long[21];
        for (int i = 0; i < times.length; i++) {
            long t = System.nanoTime();
            ArchitectureAnalysis a = inference.analyze(arch);
            times[i] = System.nanoTime() - t;
            assertThat(a.errors()).isEmpty();
            best = Math.min(best, times[i]);
        }
        java.util.Arrays.sort(times);
        assertThat(Duration.ofNanos(times[times.length / 2])).isLessThan(Duration.ofMillis(5));
    }

    @Test
    void tenThousandLayersGiveAResultWithinASecond() {
        JsonNode arch = chain(10_000);
        long t = System.nanoTime();
        ArchitectureAnalysis a = inference.analyze(arch);
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(1));
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
