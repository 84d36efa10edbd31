package org.deepforge.nn.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.nn.LayerCatalog;
import org.junit.jupiter.api.Test;

/** The rules' own defaults say what the bundled catalog says, so results do not change when the catalog lands or moves. */
class CatalogAgreementTest {
    @Test
    void ruleDefaultsMatchTheCatalog() {
        LayerCatalog catalog = LayerCatalog.bundled();
        List<String> disagreements = new ArrayList<>();
        Rules rules = Rules.all();
        for (String type : rules.types()) {
            rules.find(type).orElseThrow().defaults().forEach((name, own) -> catalog.defaultOf(type, name)
                    .filter(theirs -> !same(own, theirs))
                    .ifPresent(theirs -> disagreements.add(type + "." + name + ": rule " + own + ", catalog " + theirs)));
        }
        assertThat(disagreements).isEmpty();
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.asDouble() == b.asDouble();
        }
        return a.equals(b);
    }
}
