package org.deepforge.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ModelViewTest {
    private static JsonNode model(String libraries) throws Exception {
        return Json.MAPPER.readTree("{\"project\": {\"name\": \"P\"" + (libraries == null ? "" : ", \"libraries\": " + libraries) + "}}");
    }

    @Test
    void aProjectsLibrariesMapIdsToVersions() throws Exception {
        ModelView.validate(model(null), null);
        ModelView.validate(model("{\"pytorch\": \"1.0.0\", \"sklearn\": \"2\"}"), null);
    }

    @Test
    void malformedLibrariesAreRefusedSayingWhatToWrite() {
        assertThatThrownBy(() -> ModelView.validate(model("[\"pytorch\"]"), null)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("object of library ids to versions");
        assertThatThrownBy(() -> ModelView.validate(model("{\"sklearn\": {\"x\": 1}}"), null)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("version of library sklearn must be dotted numbers");
        assertThatThrownBy(() -> ModelView.validate(model("{\"sklearn\": \"\"}"), null)).isInstanceOf(InvalidModelException.class);
        assertThatThrownBy(() -> ModelView.validate(model("{\"../etc\": \"1\"}"), null))
                .isInstanceOfSatisfying(InvalidModelException.class, e -> assertThat(e.path()).isEqualTo("/project/libraries/..~1etc"))
                .hasMessageContaining("is not a library id");
    }
}
