package org.deepforge.exec.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The event channel's whitelist: known kinds with known, well-typed fields pass; everything else is dropped with a reason. */
class JobEventsTest {
    static JobEvent accepted(String line) {
        JobEvents.Parsed p = JobEvents.parse(line);
        assertThat(p).as(line).isInstanceOf(JobEvents.Parsed.Accepted.class);
        return ((JobEvents.Parsed.Accepted) p).event();
    }

    static String dropped(String line) {
        JobEvents.Parsed p = JobEvents.parse(line);
        assertThat(p).as(line).isInstanceOf(JobEvents.Parsed.Dropped.class);
        return ((JobEvents.Parsed.Dropped) p).reason();
    }

    @Test
    void theFourKindsPassWithExactlyTheirFields() {
        assertThat(accepted("{\"type\":\"metric\",\"name\":\"loss\",\"value\":0.5,\"step\":3,\"time\":1.5}").toJson().toString())
                .isEqualTo("{\"type\":\"metric\",\"name\":\"loss\",\"value\":0.5,\"step\":3,\"time\":1.5}");
        assertThat(accepted("{\"type\":\"metric\",\"name\":\"loss\",\"value\":null,\"step\":null,\"time\":1}").toJson().get("value").isNull()).isTrue();
        assertThat(accepted("{\"type\":\"progress\",\"done\":2,\"total\":10,\"label\":\"epoch 2\",\"time\":1}").toJson().toString())
                .isEqualTo("{\"type\":\"progress\",\"done\":2.0,\"total\":10.0,\"label\":\"epoch 2\",\"time\":1.0}");
        JobEvent plot = accepted("{\"type\":\"plot\",\"id\":\"1\",\"title\":\"loss\",\"svg\":\"<svg></svg>\",\"time\":1,\"final\":true,\"data\":{\"axes\":[]}}");
        assertThat(plot).isInstanceOf(JobEvent.Plot.class);
        assertThat(((JobEvent.Plot) plot).isFinal()).isTrue();
        assertThat(accepted("{\"type\":\"artifact\",\"name\":\"model\",\"valueType\":\"torch.nn.Module\",\"sha256\":\"" + "a".repeat(64) + "\",\"size\":12}"))
                .isEqualTo(new JobEvent.Artifact("model", "torch.nn.Module", "a".repeat(64), 12));
    }

    @Test
    void protocolKindsAndUnknownKindsAreDropped() {
        assertThat(dropped("{\"type\":\"commit\",\"project\":\"p\",\"branch\":\"main\",\"patch\":[]}")).contains("unknown type \"commit\"");
        assertThat(dropped("{\"type\":\"presence\"}")).contains("unknown type \"presence\"");
        assertThat(dropped("{\"type\":\"job\",\"status\":\"success\"}")).contains("unknown type \"job\"");
        assertThat(dropped("{\"name\":\"loss\"}")).contains("unknown type \"\"");
    }

    @Test
    void malformedLinesAndFieldsAreDroppedWithAReason() {
        assertThat(dropped("not json")).contains("not valid JSON");
        assertThat(dropped("[1,2]")).isEqualTo("an event line that is not a JSON object");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"a\",\"value\":1} trailing")).contains("not valid JSON");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"a\",\"value\":1,\"name\":\"b\"}")).contains("not valid JSON");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"a\",\"value\":\"high\"}")).contains("value must be a number or null");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"a\",\"value\":1,\"step\":1.5}")).contains("step must be a whole number");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"a\",\"value\":1,\"execution\":\"e2\"}")).contains("unknown field \"execution\"");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"\",\"value\":1}")).contains("name must be non-empty text");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"" + "n".repeat(201) + "\",\"value\":1}")).contains("longer than 200");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"a\\ud800\",\"value\":1}")).contains("lone surrogate");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"a\\u0007\",\"value\":1}")).contains("control character");
        assertThat(dropped("{\"type\":\"progress\",\"done\":-1,\"total\":2}")).contains("must not be negative");
        assertThat(dropped("{\"type\":\"plot\",\"id\":\"1\",\"svg\":\"<script>alert(1)</script>\"}")).contains("not an SVG document");
        assertThat(dropped("{\"type\":\"plot\",\"id\":\"1\",\"svg\":\"<svg/>\",\"data\":[1]}")).contains("data must be an object");
        assertThat(dropped("{\"type\":\"plot\",\"id\":\"1\",\"svg\":\"<svg/>\",\"final\":\"yes\"}")).contains("final must be true or false");
        assertThat(dropped("{\"type\":\"artifact\",\"name\":\"m\",\"valueType\":\"t\",\"sha256\":\"../../etc\",\"size\":1}")).contains("sha256");
        assertThat(dropped("{\"type\":\"metric\",\"name\":\"a\",\"value\":1,\"pad\":\"" + "x".repeat(JobEvents.MAX_LINE) + "\"}")).contains("longer than " + JobEvents.MAX_LINE);
    }

    @Test
    void aTimeIsSetWhenTheJobGaveNone() {
        JobEvent.Metric m = (JobEvent.Metric) accepted("{\"type\":\"metric\",\"name\":\"loss\",\"value\":1}");
        assertThat(m.time()).isGreaterThan(1.7e9);
        assertThat(m.step()).isEmpty();
    }
}
