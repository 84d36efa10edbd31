package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.StreamSupport;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Typed ports over real HTTP with the real analysis process: types from code, refused connections, lint in Problems. */
class PortTypesApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static final String SHIFT = """
            class Shift:
                def execute(self, data: "numpy.ndarray", offset: float) -> "numpy.ndarray":
                    return data + offset
            """;
    static final String MEAN = """
            class Mean:
                def execute(self, data):
                    \"\"\"Average the rows.

                    Returns:
                        mean (float): the average
                    \"\"\"
                    mean = data.mean()
                    return mean
            """;
    static final String PASS = """
            class Pass:
                def execute(self, data):
                    return data
            """;

    static String project() throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Types\",\"empty\":true}").json().get("id").asText();
        ArrayNode patch = Json.MAPPER.createArrayNode();
        for (String[] op : List.of(new String[] {"Shift", SHIFT}, new String[] {"Mean", MEAN}, new String[] {"Pass", PASS})) {
            ObjectNode value = Json.MAPPER.createObjectNode().put("code", op[1]);
            value.putArray("requirements");
            patch.addObject().put("op", "add").put("path", "/operations/" + op[0]).set("value", value);
        }
        TestServer.Reply r = apply(p, patch);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return p;
    }

    static TestServer.Reply apply(String p, ArrayNode patch) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode().put("message", "test edit");
        body.set("patch", patch);
        return server.post("/api/v1/projects/" + p + "/branches/main/changes", Json.compact(body));
    }

    static String artifact(String p, String name, String type) throws Exception {
        TestServer.Reply up = ArtifactsApiTest.uploadTo(server, p, "name=" + name + "&type=" + type, new byte[] {1, 2, 3});
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        return up.json().get("id").asText();
    }

    static ArrayNode pipeline(String nodesJson) throws Exception {
        ArrayNode patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "add").put("path", "/pipelines/pl")
                .set("value", Json.MAPPER.readTree("{\"name\":\"Typed\",\"nodes\":" + nodesJson + ",\"connections\":{}}"));
        return patch;
    }

    static TestServer.Reply connect(String p, String id, String from, String fromPort, String to, String toPort) throws Exception {
        ArrayNode patch = Json.MAPPER.createArrayNode();
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.putObject("from").put("node", from).put("port", fromPort);
        c.putObject("to").put("node", to).put("port", toPort);
        patch.addObject().put("op", "add").put("path", "/pipelines/pl/connections/" + id).set("value", c);
        return apply(p, patch);
    }

    @Test
    void outputTypesComeFromTheReturnAnnotationOrTheDocstring() throws Exception {
        String p = project();
        JsonNode ops = server.get("/api/v1/projects/" + p + "/model").json().at("/model/operations");
        assertThat(ops.at("/Shift/interface/outputs/0/type").asText()).isEqualTo("numpy.ndarray");
        assertThat(ops.at("/Shift/interface/outputs/0/typeFrom").asText()).isEqualTo("annotation");
        assertThat(ops.at("/Mean/interface/outputs/0/type").asText()).isEqualTo("float");
        assertThat(ops.at("/Mean/interface/outputs/0/typeFrom").asText()).isEqualTo("docstring");
        assertThat(ops.at("/Pass/interface/outputs/0").has("type")).isFalse();
    }

    @Test
    void aFileArtifactWiredIntoAFloatIsRefusedNamingBothTypes() throws Exception {
        String p = project();
        String notes = artifact(p, "notes.txt", "file");
        String readings = artifact(p, "readings.npy", "numpy.ndarray");
        assertThat(apply(p, pipeline("{\"i1\":{\"input\":{\"artifact\":\"" + notes + "\"}},\"i2\":{\"input\":{\"artifact\":\"" + readings + "\"}},"
                + "\"n1\":{\"operation\":\"Shift\"},\"n2\":{\"operation\":\"Mean\"},\"n3\":{\"operation\":\"Pass\"},\"n4\":{\"operation\":\"Shift\"}}")).status())
                .isEqualTo(200);
        String head = server.head(p, "main");

        TestServer.Reply refused = connect(p, "c1", "i1", "data", "n1", "offset");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("error").asText())
                .contains("Input (i1).data (file)").contains("Shift (n1).offset (float)").contains("annotate the input Any");
        assertThat(refused.json().at("/detail/node").asText()).isEqualTo("n1");
        assertThat(refused.json().at("/detail/port").asText()).isEqualTo("offset");
        assertThat(refused.json().at("/detail/kind").asText()).isEqualTo("type");
        assertThat(server.head(p, "main")).isEqualTo(head); // nothing was written

        TestServer.Reply array = connect(p, "c1", "n1", "output", "n4", "offset");
        assertThat(array.status()).as(array.body()).isEqualTo(400);
        assertThat(array.json().get("error").asText()).contains("(numpy.ndarray)").contains("(float)");

        assertThat(connect(p, "c1", "i2", "data", "n1", "data").status()).isEqualTo(200); // ndarray into ndarray
        assertThat(connect(p, "c2", "i2", "data", "n2", "data").status()).isEqualTo(200); // untyped input takes anything
        assertThat(connect(p, "c3", "n2", "mean", "n1", "offset").status()).isEqualTo(200); // float (docstring) into float
        assertThat(connect(p, "c4", "i1", "data", "n3", "data").status()).isEqualTo(200); // a file into an untyped input
        assertThat(connect(p, "c5", "n3", "data", "n4", "offset").status()).isEqualTo(200); // untyped output: permissive
    }

    @Test
    void problemsListUndefinedNamesAndUnresolvedImportsAtTheirNodeAndLine() throws Exception {
        String p = project();
        String code = "import no_such_module_df13\n\nclass Scale:\n    def execute(self, x):\n        return x * factr\n";
        ArrayNode patch = Json.MAPPER.createArrayNode();
        ObjectNode value = Json.MAPPER.createObjectNode().put("code", code);
        value.putArray("requirements");
        patch.addObject().put("op", "add").put("path", "/operations/Scale").set("value", value);
        assertThat(apply(p, patch).status()).isEqualTo(200);
        assertThat(apply(p, pipeline("{\"n1\":{\"operation\":\"Scale\"},\"n2\":{\"operation\":\"Mean\"}}")).status()).isEqualTo(200);

        JsonNode problems = server.get("/api/v1/projects/" + p + "/pipelines/pl/problems").json().get("problems");
        List<JsonNode> lint = StreamSupport.stream(problems.spliterator(), false)
                .filter(x -> x.path("severity").asText().equals("warning")).toList();
        assertThat(lint).extracting(x -> x.get("node").asText() + ":" + x.get("line").asInt() + ":" + x.get("kind").asText())
                .containsExactly("n1:1:unresolved-import", "n1:5:undefined-name");
        assertThat(lint.get(1).get("message").asText()).isEqualTo("Scale (n1): line 5: undefined name 'factr'");
        assertThat(lint.get(0).get("message").asText()).contains("no_such_module_df13");

        // the live preview the editor asks for carries the same lint
        JsonNode parsed = server.post("/api/v1/projects/" + p + "/analysis/parse", Json.compact(Json.MAPPER.createObjectNode().put("code", code))).json();
        assertThat(parsed.get("lint").findValuesAsText("kind")).containsExactly("unresolved-import", "undefined-name");
    }
}
