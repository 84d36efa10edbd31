package org.deepforge.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.deepforge.model.Json;
import org.deepforge.store.tree.TreeCodec;
import org.junit.jupiter.api.Test;

class TreeCodecTest {
    static final String MODEL = """
            {"project": {"name": "Redshift", "description": "photo-z"},
             "pipelines": {"p1": {"name": "Train", "nodes": {"n1": {"operation": "Train", "attributes": {"epochs": 2}}}, "connections": {}}},
             "operations": {"Train": {"code": "class Train:\\n    pass\\n", "requirements": ["torch"]}},
             "architectures": {"a1": {"name": "convnet", "layers": {}}},
             "artifacts": {},
             "utils": {"helpers": {"code": "def f():\\n    return 1\\n"}}}
            """;

    @Test
    void modelRoundTripsThroughFiles() throws Exception {
        JsonNode model = Json.MAPPER.readTree(MODEL);
        Map<String, byte[]> files = TreeCodec.files(model);
        assertThat(files).containsOnlyKeys("project.json", "pipelines/p1.json", "operations/Train.py",
                "operations/Train.json", "architectures/a1.json", "utils/helpers.py");
        assertThat(new String(files.get("operations/Train.py"), StandardCharsets.UTF_8)).isEqualTo("class Train:\n    pass\n");
        assertThat(TreeCodec.model(files)).isEqualTo(model);
    }

    @Test
    void filesArePrettyWithSortedKeys() throws Exception {
        byte[] bytes = TreeCodec.files(Json.MAPPER.readTree(MODEL)).get("pipelines/p1.json");
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\n  \"connections\": {},\n  \"name\": \"Train\",\n  \"nodes\": {\n");
        assertThat(text).endsWith("}\n");
    }

    @Test
    void changedFilesTouchOnlyChangedEntries() throws Exception {
        JsonNode before = Json.MAPPER.readTree(MODEL);
        var after = before.deepCopy();
        ((ObjectNode) after.get("pipelines").get("p1")).put("name", "Train 2");
        ((ObjectNode) after.get("utils")).remove("helpers");
        Map<String, byte[]> changes = TreeCodec.changedFiles(before, after);
        assertThat(changes).containsOnlyKeys("pipelines/p1.json", "utils/helpers.py", "utils/helpers.json");
        assertThat(changes.get("utils/helpers.py")).isNull();
    }
}
