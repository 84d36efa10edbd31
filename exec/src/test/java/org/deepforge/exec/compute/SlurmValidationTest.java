package org.deepforge.exec.compute;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

/** A run on Slurm is refused up front, with what to do, when this server has no Slurm client and no login node is given. */
class SlurmValidationTest {
    @Test
    void withoutASlurmClientARunNeedsALoginNode() throws Exception {
        SlurmCompute nowhere = new SlurmCompute(Map.of("PATH", "/nonexistent/bin"));
        assertThatThrownBy(() -> nowhere.validate(Json.MAPPER.readTree("{\"adapter\":\"slurm\",\"cpus\":1}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Slurm client").hasMessageContaining("\"ssh\"");
        assertThatCode(() -> nowhere.validate(Json.MAPPER.readTree("{\"adapter\":\"slurm\",\"ssh\":{\"host\":\"login.example.org\"}}")))
                .doesNotThrowAnyException();
    }

    @Test
    void theClientIsLookedForOnEveryDirectoryOfThePath() {
        org.assertj.core.api.Assertions.assertThat(SlurmCompute.onPath("sh", "/nonexistent:/bin")).isTrue();
        org.assertj.core.api.Assertions.assertThat(SlurmCompute.onPath("sh", "/nonexistent")).isFalse();
        org.assertj.core.api.Assertions.assertThat(SlurmCompute.onPath("sh", null)).isFalse();
    }
}
