package org.deepforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --session-idle-timeout} reads durations as people write them. */
class ServeSessionOptionsTest {
    @Test
    void idleTimeoutsAreWholeNumbersOfSecondsMinutesOrHours() {
        assertThat(Main.Serve.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Main.Serve.duration(" 30m ")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Main.Serve.duration("2h")).isEqualTo(Duration.ofHours(2));
        for (String bad : new String[] {"30", "1.5h", "-3m", "m", "10d"}) {
            assertThatThrownBy(() -> Main.Serve.duration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--session-idle-timeout");
        }
    }
}
