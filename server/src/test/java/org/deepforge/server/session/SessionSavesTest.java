package org.deepforge.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SessionSavesTest {
    /** What {@code df.save} accepts as an output folder (python/deepforge/session/workspace.py). */
    private static final Pattern OUTPUT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    @Test
    void theOutputFolderCarriesTheArtifactsNameAsFarAsItIsSafe() {
        assertThat(SessionSaves.outputName("redshiftModel")).matches("redshiftModel-[a-z0-9]{6}");
        assertThat(SessionSaves.outputName("my model (v2)")).matches("my_model__v2_-[a-z0-9]{6}");
        for (String hostile : new String[] {"../../etc", ".hidden", "-x", "ü", "a/b\\c", "x".repeat(300), "..", "a..b"}) {
            String output = SessionSaves.outputName(hostile);
            assertThat(output).matches(OUTPUT).doesNotContain("..").doesNotContain("/");
        }
        assertThat(SessionSaves.outputName("model")).isNotEqualTo(SessionSaves.outputName("model"));
    }
}
