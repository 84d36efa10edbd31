package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Operations and pipelines over real HTTP with the real Python analysis process. */
class OperationsApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode model(String p) throws Exception {
        return server.get("/api/v1/projects/" + p + "/model").json().get("model");
    }

    static String quote(String s) throws Exception {
        return Json.MAPPER.writeValueAsString(s);
    }

    @Test
    void newProjectsStartWithBuiltInOperationsAndTheirInterfaces() throws Exception {
        String p = server.createProject("Seeded");
        JsonNode ops = model(p).get("operations");
        assertThat(ops.fieldNames()).toIterable().contains("LoadArray", "LoadFITS", "TrainTestSplit", "Train", "Evaluate",
                "Predict", "ReduceDimensions", "PlotPredictions", "PlotEmbeddings3D");
        JsonNode train = ops.get("Train").get("interface");
        assertThat(train.get("class").asText()).isEqualTo("Train");
        assertThat(train.get("references").get(0).get("type").asText()).isEqualTo("Architecture");
        assertThat(train.get("syntaxError").isNull()).isTrue();
        assertThat(server.get("/api/v1/catalog/operations").json().findValuesAsText("name")).contains("Train");
        var empty = server.post("/api/v1/projects", "{\"name\":\"Empty\",\"empty\":true}").json();
        assertThat(model(empty.get("id").asText()).get("operations").size()).isZero();
    }

    @Test
    void codeEditsDeriveTheInterfaceAndSyntaxErrorsKeepTheLastGoodOne() throws Exception {
        String p = server.createProject("Code");
        var created = server.post("/api/v1/projects/" + p + "/branches/main/operations", "{\"name\":\"Clean\"}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode op = model(p).at("/operations/Clean");
        assertThat(op.at("/interface/class").asText()).isEqualTo("Clean");
        String code = op.get("code").asText().replace("def execute(self):", "def execute(self, table, mask: \"numpy.ndarray\"):")
                + "        return table\n";
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes",
                "{\"patch\":[{\"op\":\"replace\",\"path\":\"/operations/Clean/code\",\"value\":" + quote(code) + "}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode iface = model(p).at("/operations/Clean/interface");
        assertThat(iface.get("inputs").findValuesAsText("name")).containsExactly("table", "mask");
        assertThat(iface.get("inputs").get(1).get("type").asText()).isEqualTo("numpy.ndarray");
        assertThat(iface.get("outputs").findValuesAsText("name")).containsExactly("table");

        String broken = code.replace("return table", "return table +");
        var saved = server.post("/api/v1/projects/" + p + "/branches/main/changes",
                "{\"patch\":[{\"op\":\"replace\",\"path\":\"/operations/Clean/code\",\"value\":" + quote(broken) + "}]}");
        assertThat(saved.status()).isEqualTo(200);
        JsonNode kept = model(p).at("/operations/Clean");
        assertThat(kept.get("code").asText()).isEqualTo(broken);
        assertThat(kept.at("/interface/inputs").findValuesAsText("name")).containsExactly("table", "mask");
        assertThat(kept.at("/interface/syntaxError/line").asInt()).isGreaterThan(0);
    }

    @Test
    void interfaceEditsRewriteTheCode() throws Exception {
        String p = server.createProject("Ports");
        server.post("/api/v1/projects/" + p + "/branches/main/operations", "{\"name\":\"Fit\"}");
        String api = "/api/v1/projects/" + p + "/branches/main/operations/Fit/interface";
        var r = server.post(api, "{\"edit\":{\"action\":\"add_input\",\"name\":\"data\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("code").asText()).contains("def execute(self, data):");
        r = server.post(api, "{\"edit\":{\"action\":\"add_output\",\"name\":\"model\"}}");
        assertThat(r.json().get("interface").get("outputs").findValuesAsText("name")).containsExactly("model");
        r = server.post(api, "{\"edit\":{\"action\":\"add_attribute\",\"name\":\"epochs\",\"default\":10}}");
        assertThat(r.json().get("code").asText()).contains("epochs=10");
        assertThat(model(p).at("/operations/Fit/interface/attributes/0/type").asText()).isEqualTo("int");
        var bad = server.post(api, "{\"edit\":{\"action\":\"remove_input\",\"name\":\"nothing\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).isNotBlank();
        assertThat(server.post(api, "{}").status()).isEqualTo(400);
    }

    @Test
    void renameUpdatesPipelinesAndDeleteIsRefusedWhileUsed() throws Exception {
        String p = server.createProject("Library");
        String ops = "/api/v1/projects/" + p + "/branches/main/operations";
        server.post(ops, "{\"name\":\"Step\"}");
        assertThat(server.post(ops, "{\"name\":\"Step\"}").status()).isEqualTo(409);
        assertThat(server.post(ops, "{\"name\":\"Step2\",\"from\":\"Step\"}").status()).isEqualTo(201);
        assertThat(model(p).at("/operations/Step2/code").asText()).contains("class Step2");
        server.change(p, "main", null, "[{'op':'add','path':'/pipelines/pl','value':{'name':'Uses step','nodes':{'n1':{'operation':'Step'}},'connections':{}}}]");
        var renamed = server.post(ops + "/Step/rename", "{\"to\":\"Prepare\"}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        JsonNode m = model(p);
        assertThat(m.at("/pipelines/pl/nodes/n1/operation").asText()).isEqualTo("Prepare");
        assertThat(m.at("/operations/Prepare/code").asText()).contains("class Prepare:");
        assertThat(m.get("operations").has("Step")).isFalse();
        var refused = server.send("DELETE", ops + "/Prepare", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("error").asText()).contains("Uses step");
        assertThat(server.send("DELETE", ops + "/Step2", null).status()).isEqualTo(200);
    }

    @Test
    void badNamesAndHugeCodeAreRefusedAndNothingIsWritten() throws Exception {
        String p = server.createProject("Bad ops");
        String head = server.head(p, "main");
        String ops = "/api/v1/projects/" + p + "/branches/main/operations";
        for (String name : new String[] {"../x", "class", "1abc", "a b", ""}) {
            var r = server.post(ops, "{\"name\":" + quote(name) + "}");
            assertThat(r.status()).as(name).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(name).isNotBlank();
        }
        var r = server.change(p, "main", null, "[{'op':'add','path':'/operations/x~1y','value':{'code':''}}]");
        assertThat(r.status()).isEqualTo(400);
        String big = "x = 1\n".repeat(5 * 1024 * 1024 / 6);
        var huge = server.post("/api/v1/projects/" + p + "/branches/main/changes",
                "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/Big\",\"value\":{\"code\":" + quote(big) + "}}]}");
        assertThat(huge.status()).isBetween(400, 413);
        assertThat(huge.json().get("error").asText()).contains("limit");
        assertThat(server.head(p, "main")).isEqualTo(head);
    }

    @Test
    void pipelineRulesAreEnforcedOnEveryChangeSet() throws Exception {
        String p = server.createProject("Rules");
        String head = server.head(p, "main");
        var ok = server.change(p, "main", head, "[{'op':'add','path':'/pipelines/pl','value':{'name':'Flow','nodes':{"
                + "'a':{'operation':'TrainTestSplit','attributes':{'test_fraction':0.25}},"
                + "'b':{'operation':'TrainTestSplit'}},'connections':{}}}]");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        String before = server.head(p, "main");

        var wrongType = server.change(p, "main", null, "[{'op':'replace','path':'/pipelines/pl/nodes/a/attributes/test_fraction','value':'lots'}]");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("error").asText()).contains("test_fraction").contains("must be a number");
        var outOfRange = server.change(p, "main", null, "[{'op':'replace','path':'/pipelines/pl/nodes/a/attributes/test_fraction','value':2}]");
        assertThat(outOfRange.json().get("error").asText()).contains("at most");

        var missingNode = server.change(p, "main", null, "[{'op':'add','path':'/pipelines/pl/connections/c1','value':"
                + "{'from':{'node':'a','port':'train_data'},'to':{'node':'zzz','port':'data'}}}]");
        assertThat(missingNode.status()).isEqualTo(400);
        assertThat(missingNode.json().get("error").asText()).contains("zzz");

        assertThat(server.change(p, "main", null, "[{'op':'add','path':'/pipelines/pl/connections/c1','value':"
                + "{'from':{'node':'a','port':'train_data'},'to':{'node':'b','port':'data'}}}]").status()).isEqualTo(200);
        var cycle = server.change(p, "main", null, "[{'op':'add','path':'/pipelines/pl/connections/c2','value':"
                + "{'from':{'node':'b','port':'train_data'},'to':{'node':'a','port':'data'}}}]");
        assertThat(cycle.status()).isEqualTo(400);
        assertThat(cycle.json().get("error").asText()).contains("cycle").contains("TrainTestSplit (a)").contains("TrainTestSplit (b)");
        assertThat(cycle.json().get("pipeline").asText()).isEqualTo("pl");

        var problems = server.get("/api/v1/projects/" + p + "/pipelines/pl/problems").json().get("problems");
        assertThat(problems.findValuesAsText("message")).contains("TrainTestSplit (a): input \"data\" is not connected");
        assertThat(server.get("/api/v1/projects/" + p + "/pipelines/nope/problems").status()).isEqualTo(404);
        assertThat(server.get("/api/v1/projects/" + p + "/commits?limit=10").json().get("commits").size()).isEqualTo(3);
        assertThat(before).isNotEmpty();
    }

    @Test
    void liveParseAndRequirements() throws Exception {
        String p = server.createProject("Parse");
        var parsed = server.post("/api/v1/projects/" + p + "/analysis/parse",
                "{\"code\":\"class A:\\n    def execute(self, x):\\n        return x\\n\",\"name\":\"A\"}");
        assertThat(parsed.status()).isEqualTo(200);
        assertThat(parsed.json().get("inputs").get(0).get("name").asText()).isEqualTo("x");
        var broken = server.post("/api/v1/projects/" + p + "/analysis/parse", "{\"code\":\"class A(:\\n\"}");
        assertThat(broken.json().get("syntaxError").get("line").asInt()).isEqualTo(1);

        server.change(p, "main", null, "[{'op':'replace','path':'/operations/LoadArray/requirements','value':['numpy','surely-not-installed-pkg']}]");
        var req = server.get("/api/v1/projects/" + p + "/operations/LoadArray/requirements").json();
        assertThat(req.get("missing").findValuesAsText("")).isEmpty();
        assertThat(req.get("missing").toString()).contains("surely-not-installed-pkg").doesNotContain("\"numpy\"");
    }
}
