package org.deepforge.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import com.flipkart.zjsonpatch.JsonPatch;
import java.util.EnumSet;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

class ModelPatchTest {
    private static final EnumSet<DiffFlags> FLAGS = EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION);

    @Test
    void writesWhatJsonDiffWritesForEditsOfEveryLevel() throws Exception {
        ObjectNode before = (ObjectNode) Json.MAPPER.readTree(TreeCodecTest.MODEL);
        before.withObject("/pipelines").putObject("a/b~c").put("name", "odd key");
        before.withObject("/pipelines").putObject("p2").put("name", "Other");

        ObjectNode after = PatchApplier.apply(before, PatchApplier.parse(Json.MAPPER.readTree("""
                [{"op": "replace", "path": "/project/name", "value": "Redshift 2"},
                 {"op": "remove", "path": "/pipelines/p2"},
                 {"op": "add", "path": "/pipelines/p3", "value": {"name": "New", "nodes": {}}},
                 {"op": "replace", "path": "/pipelines/a~1b~0c/name", "value": "still odd"},
                 {"op": "replace", "path": "/pipelines/p1/nodes/n1/attributes/epochs", "value": 3},
                 {"op": "replace", "path": "/operations/Train/code", "value": "class Train:\\n    x = 1\\n"},
                 {"op": "remove", "path": "/artifacts"},
                 {"op": "add", "path": "/extra", "value": [1, 2]}]
                """)));

        JsonNode patch = ModelPatch.between(before, after);
        assertThat(patch).isEqualTo(JsonDiff.asJson(before, after, FLAGS));
        assertThat(JsonPatch.apply(patch, before)).isEqualTo(after);
    }

    @Test
    void equalButDistinctNodesGiveNoOps() throws Exception {
        JsonNode model = Json.MAPPER.readTree(TreeCodecTest.MODEL);
        assertThat(ModelPatch.between(model, model.deepCopy())).isEmpty();
        assertThat(ModelPatch.between(model, model)).isEmpty();
    }
}
