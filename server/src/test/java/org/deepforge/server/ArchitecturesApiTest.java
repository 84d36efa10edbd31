package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Architectures over real HTTP: shapes and errors, generated code, use from a job, torch.fx import. */
class ArchitecturesApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static final String CONVNET = """
        {"name": "small convnet", "layers": {
          "in": {"type": "Input", "name": "image", "arguments": {"shape": [1, 28, 28]}},
          "c1": {"type": "Conv2d", "name": "conv1", "arguments": {"out_channels": 8, "kernel_size": 3}},
          "r1": {"type": "ReLU", "arguments": {}},
          "p1": {"type": "MaxPool2d", "name": "pool1", "arguments": {"kernel_size": 2}},
          "f": {"type": "Flatten", "arguments": {}},
          "fc": {"type": "Linear", "name": "fc", "arguments": {"out_features": 10}},
          "out": {"type": "Output", "name": "logits", "arguments": {}}},
         "connections": {
          "k1": {"from": {"layer": "in"}, "to": {"layer": "c1"}},
          "k2": {"from": {"layer": "c1"}, "to": {"layer": "r1"}},
          "k3": {"from": {"layer": "r1"}, "to": {"layer": "p1"}},
          "k4": {"from": {"layer": "p1"}, "to": {"layer": "f"}},
          "k5": {"from": {"layer": "f"}, "to": {"layer": "fc"}},
          "k6": {"from": {"layer": "fc"}, "to": {"layer": "out"}}}}
        """;

    static String project() throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Nets\",\"empty\":true}").json().get("id").asText();
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes",
                "{\"patch\":[{\"op\":\"add\",\"path\":\"/architectures/a1\",\"value\":" + CONVNET + "}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return p;
    }

    @Test
    void shapesParametersAndCode() throws Exception {
        String p = project();
        JsonNode a = server.get("/api/v1/projects/" + p + "/architectures/a1/analysis").json();
        assertThat(a.get("errors")).isEmpty();
        assertThat(a.at("/shapes/k2").toString()).isEqualTo("[null,8,26,26]");
        assertThat(a.at("/shapes/k5").toString()).isEqualTo("[null,1352]");
        assertThat(a.at("/layers/c1/inferred/in_channels").asInt()).isEqualTo(1);
        assertThat(a.get("parameters").asLong()).isEqualTo(80 + 13530);
        var code = server.get("/api/v1/projects/" + p + "/architectures/a1/code");
        assertThat(code.status()).isEqualTo(200);
        assertThat(code.body()).contains("class SmallConvnet(nn.Module):").contains("self.conv1 = nn.Conv2d(1, 8").contains("def forward(self, image):");
        assertThat(server.get("/api/v1/catalog/layers").json().get("layers").findValuesAsText("name")).contains("Conv2d", "LSTM");
    }

    @Test
    void aLayerWithoutAJavaRuleGetsItsShapeFromPyTorchsMetaDevice() throws Exception {
        String p = project();
        String arch = """
            {"name": "loss", "layers": {
              "a": {"type": "Input", "arguments": {"shape": [10]}},
              "b": {"type": "Input", "arguments": {"shape": [10]}},
              "l": {"type": "MSELoss", "arguments": {"reduction": "none"}},
              "o": {"type": "Output", "arguments": {}}},
             "connections": {"k1": {"from": {"layer": "a"}, "to": {"layer": "l", "input": 0}},
                             "k2": {"from": {"layer": "b"}, "to": {"layer": "l", "input": 1}},
                             "k3": {"from": {"layer": "l"}, "to": {"layer": "o"}}}}
            """;
        JsonNode a = server.post("/api/v1/projects/" + p + "/analysis/architecture", arch).json();
        assertThat(a.get("errors")).as(a.toString()).isEmpty();
        assertThat(a.at("/shapes/k3").toString()).isEqualTo("[null,10]");
    }

    @Test
    void anEditSentAsAMergePatchAnswersOnlyWhatChangedAndAddsUpToTheWholeAnalysis() throws Exception {
        String p = project();
        String route = "/api/v1/projects/" + p + "/analysis/architecture";
        HttpResponse<String> first = server.http.send(HttpRequest.newBuilder(URI.create(server.url(route)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CONVNET)).build(),
                HttpResponse.BodyHandlers.ofString());
        server.checkContract("POST", route, first);
        String id = first.headers().firstValue("X-Analysis-Id").orElseThrow();
        JsonNode analysis = Json.MAPPER.readTree(first.body());

        // a wider convolution: its layer, the shapes after it and the linear layer's inferred size change; the input does not
        var edit = server.send("PATCH", route + "/" + id, "{\"layers\": {\"c1\": {\"arguments\": {\"out_channels\": 16}}}}");
        assertThat(edit.status()).as(edit.body()).isEqualTo(200);
        JsonNode changes = edit.json().get("changes");
        assertThat(changes.path("layers").has("c1")).isTrue();
        assertThat(changes.path("layers").has("in")).as("an unchanged layer is not sent: %s", changes).isFalse();
        assertThat(changes.has("errors")).isFalse();
        JsonNode wider = Json.MAPPER.readTree(CONVNET);
        ((ObjectNode) wider.at("/layers/c1/arguments")).put("out_channels", 16);
        assertThat(applied(analysis, changes)).isEqualTo(server.post(route, Json.compact(wider)).json());
        assertThat(edit.body().length()).as("smaller than the whole analysis").isLessThan(first.body().length());

        // the next edit builds on the last answer: a kernel larger than the input is an error, then removing the output layer
        String next = edit.json().get("id").asText();
        var broken = server.send("PATCH", route + "/" + next, "{\"layers\": {\"p1\": {\"arguments\": {\"kernel_size\": 64}}, \"out\": null},"
                + " \"connections\": {\"k6\": null}}");
        assertThat(broken.status()).as(broken.body()).isEqualTo(200);
        ((ObjectNode) wider.at("/layers/p1/arguments")).put("kernel_size", 64);
        ((ObjectNode) wider.get("layers")).remove("out");
        ((ObjectNode) wider.get("connections")).remove("k6");
        JsonNode whole = server.post(route, Json.compact(wider)).json();
        assertThat(whole.get("errors")).isNotEmpty();
        assertThat(applied(applied(analysis, changes), broken.json().get("changes"))).isEqualTo(whole);
        // an earlier id still works: each answer is a new analysis, the old ones stay until pushed out
        assertThat(server.send("PATCH", route + "/" + id, "{}").json().at("/changes/layers").size()).isZero();
    }

    @Test
    void anEditOfAnAnalysisThatIsNotKeptOrOfAnotherProjectIsRefusedSayingToSendItWhole() throws Exception {
        String p = project();
        String other = project();
        String route = "/api/v1/projects/" + p + "/analysis/architecture";
        var unknown = server.send("PATCH", route + "/nosuchanalysis", "{}");
        assertThat(unknown.status()).isEqualTo(412);
        assertThat(unknown.json().get("error").asText()).contains("send the whole architecture");
        HttpResponse<String> first = server.http.send(HttpRequest.newBuilder(URI.create(server.url(route)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CONVNET)).build(),
                HttpResponse.BodyHandlers.ofString());
        String id = first.headers().firstValue("X-Analysis-Id").orElseThrow();
        assertThat(server.send("PATCH", "/api/v1/projects/" + other + "/analysis/architecture/" + id, "{}").status())
                .as("an id is only good in the project that made it").isEqualTo(412);
        assertThat(server.send("PATCH", route + "/" + id, "[1, 2]").status()).isEqualTo(400);
        // what a patch makes of the architecture is analysed as if it had been sent whole
        JsonNode odd = Json.MAPPER.readTree(CONVNET);
        ((ObjectNode) odd).put("layers", 5);
        var whole = server.post(route, Json.compact(odd));
        var patched = server.send("PATCH", route + "/" + id, "{\"layers\": 5}");
        assertThat(patched.status()).isEqualTo(whole.status());
        if (whole.status() == 200) {
            assertThat(applied(Json.MAPPER.readTree(first.body()), patched.json().get("changes"))).isEqualTo(whole.json());
        }
        // pushed out by newer analyses of the same user
        for (int i = 0; i < 8; i++) {
            server.post(route, CONVNET);
        }
        assertThat(server.send("PATCH", route + "/" + id, "{}").status()).isEqualTo(412);
    }

    /** What the editor does with the changes (web/src/features/architecture/analysisClient.ts). */
    private static JsonNode applied(JsonNode base, JsonNode changes) {
        ObjectNode result = base.deepCopy();
        for (String part : new String[] {"shapes", "layers"}) {
            ObjectNode into = (ObjectNode) result.get(part);
            into.setAll((ObjectNode) changes.get(part));
            changes.path("removed").path(part).forEach(id -> into.remove(id.asText()));
        }
        result.set("parameters", changes.get("parameters"));
        result.remove("partialParameters");
        if (changes.has("partialParameters")) {
            result.set("partialParameters", changes.get("partialParameters"));
        }
        if (changes.has("errors")) {
            result.set("errors", changes.get("errors"));
        }
        return result;
    }

    @Test
    void poolingA1x1InputIsAnErrorOnThatLayer() throws Exception {
        String p = project();
        JsonNode arch = Json.MAPPER.readTree(CONVNET);
        ((ObjectNode) arch.at("/layers/in/arguments")).putArray("shape").add(64).add(1).add(1);
        ((ObjectNode) arch.at("/layers/c1/arguments")).put("kernel_size", 1);
        JsonNode a = server.post("/api/v1/projects/" + p + "/analysis/architecture", Json.compact(arch)).json();
        assertThat(a.get("errors")).isNotEmpty();
        assertThat(a.at("/errors/0/layer").asText()).isEqualTo("p1");
        assertThat(a.at("/errors/0/message").asText()).contains("MaxPool2d \"pool1\"").contains("1×1");
    }

    /** CONVNET without its Output layer, or with a Linear that lacks out_features, saved as a2. */
    static String projectWith(Consumer<ObjectNode> edit) throws Exception {
        String p = project();
        var arch = (ObjectNode) Json.MAPPER.readTree(CONVNET);
        edit.accept(arch);
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes",
                "{\"patch\":[{\"op\":\"add\",\"path\":\"/architectures/a2\",\"value\":" + Json.compact(arch) + "}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return p;
    }

    @Test
    void codeOfAnArchitectureWithoutAnOutputLayerIsRefusedWith422AndSaysWhatToAdd() throws Exception {
        String p = projectWith(a -> {
            ((ObjectNode) a.get("layers")).remove("out");
            ((ObjectNode) a.get("connections")).remove("k6");
        });
        var code = server.get("/api/v1/projects/" + p + "/architectures/a2/code");
        assertThat(code.status()).as(code.body()).isEqualTo(422);
        assertThat(code.json().get("error").asText()).contains("The architecture has no Output layer");
        // the ONNX export would fail in its job for the same reason: refused before an execution starts
        var onnx = server.post("/api/v1/projects/" + p + "/architectures/a2/onnx?branch=main", "{}");
        assertThat(onnx.status()).as(onnx.body()).isEqualTo(422);
        assertThat(onnx.json().get("error").asText()).contains("no Output layer");
    }

    @Test
    void anArchitectureWithErrorsHasNoTotalOnlyAPartialSumAndItsCodeIs422() throws Exception {
        String p = projectWith(a -> ((ObjectNode) a.at("/layers/fc/arguments")).remove("out_features"));
        JsonNode saved = server.get("/api/v1/projects/" + p + "/architectures/a2/analysis").json();
        assertThat(saved.get("errors")).hasSize(1);
        assertThat(saved.get("parameters").isNull()).as(saved.toString()).isTrue();
        assertThat(saved.get("partialParameters").asLong()).isEqualTo(80);

        JsonNode unsaved = server.post("/api/v1/projects/" + p + "/analysis/architecture",
                Json.compact(server.get("/api/v1/projects/" + p + "/model").json().at("/model/architectures/a2"))).json();
        assertThat(unsaved.get("parameters").isNull()).isTrue();
        assertThat(unsaved.get("partialParameters").asLong()).isEqualTo(80);
        assertThat(unsaved.at("/errors/0/message").asText()).isEqualTo("Linear \"fc\": needs out_features");

        var code = server.get("/api/v1/projects/" + p + "/architectures/a2/code");
        assertThat(code.status()).isEqualTo(422);
        assertThat(code.json().get("error").asText()).isEqualTo("the architecture has errors; fix them first: Linear \"fc\": needs out_features");

        // without errors: a total, and no partial sum beside it
        JsonNode fine = server.get("/api/v1/projects/" + p + "/architectures/a1/analysis").json();
        assertThat(fine.get("parameters").asLong()).isEqualTo(80 + 13530);
        assertThat(fine.has("partialParameters")).isFalse();
    }

    @Test
    void aJobReceivesTheGeneratedModuleThroughItsReference() throws Exception {
        String p = project();
        String code = Json.MAPPER.writeValueAsString("from deepforge import Architecture\n\nclass Describe:\n"
                + "    def __init__(self, model: Architecture):\n        self.model = model\n\n    def execute(self):\n"
                + "        import torch\n        out = self.model(torch.zeros(2, 1, 28, 28))\n"
                + "        count = sum(p.numel() for p in self.model.parameters())\n"
                + "        print('parameters', count, 'output', tuple(out.shape))\n        return count\n");
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/Describe\","
                + "\"value\":{\"code\":" + code + "}},{\"op\":\"add\",\"path\":\"/pipelines/d\",\"value\":{\"name\":\"describe\","
                + "\"nodes\":{\"n\":{\"operation\":\"Describe\",\"references\":{\"model\":\"a1\"}}},\"connections\":{}}}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String id = server.post("/api/v1/projects/" + p + "/pipelines/d/executions", "{}").json().get("id").asText();
        JsonNode done = ExecutionsApiTest.waitFor(server, id);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        assertThat(server.get("/api/v1/executions/" + id + "/jobs/n/log").json().get("lines").toString())
                .contains("parameters 13610 output (2, 10)");
    }

    @Test
    void onnxExportRunsAsAJobAndSavesTheFileAsAnArtifact() throws Exception {
        String p = project();
        var started = server.post("/api/v1/projects/" + p + "/architectures/a1/onnx?branch=main", "{}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        JsonNode done = ExecutionsApiTest.waitFor(server, started.json().get("id").asText());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        JsonNode artifacts = server.get("/api/v1/projects/" + p + "/artifacts").json().get("items");
        JsonNode onnx = null;
        for (JsonNode a : artifacts) {
            if (a.get("name").asText().equals("small_convnet.onnx")) {
                onnx = a;
            }
        }
        assertThat(onnx).as(artifacts.toString()).isNotNull();
        assertThat(onnx.get("type").asText()).isEqualTo("file");
        var bytes = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + p
                + "/artifacts/" + onnx.get("id").asText() + "/data"))).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(bytes.length).isGreaterThan(10_000);
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("pytorch").contains("Conv");
    }

    @Test
    void resnet18ImportsThroughTorchFx() throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Imported\",\"empty\":true}").json().get("id").asText();
        var r = server.post("/api/v1/projects/" + p + "/architectures/import?branch=main",
                "{\"name\":\"resnet18\",\"source\":{\"torchvision\":\"resnet18\"},\"input_shape\":[3,224,224]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().get("id").asText();
        JsonNode a = server.get("/api/v1/projects/" + p + "/architectures/" + id + "/analysis").json();
        assertThat(a.get("errors")).as(a.get("errors").toString()).isEmpty();
        assertThat(a.get("parameters").asLong()).isEqualTo(11_689_512L);

        // every layer's shape equals what torch's real forward gives for that module (first call)
        Path script = Files.createTempFile("resnet-shapes", ".py");
        Files.writeString(script, String.join("\n",
                "import json, torch, torchvision",
                "m = torchvision.models.resnet18().eval()",
                "seen = {}",
                "def hook(name):",
                "    def f(mod, inp, out):",
                "        seen.setdefault(name, [None] + list(out.shape[1:]))",
                "    return f",
                "for name, mod in m.named_modules():",
                "    if name and not list(mod.children()):",
                "        mod.register_forward_hook(hook(name.replace('.', '_')))",
                "with torch.no_grad():",
                "    m(torch.zeros(2, 3, 224, 224))",
                "print(json.dumps(seen))"));
        Process py = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true).start();
        String out = new String(py.getInputStream().readAllBytes());
        assertThat(py.waitFor()).as(out).isZero();
        JsonNode torch = Json.MAPPER.readTree(out.substring(out.lastIndexOf('{')));
        JsonNode layers = server.get("/api/v1/projects/" + p + "/model").json().at("/model/architectures/" + id + "/layers");
        int compared = 0;
        for (var it = layers.fields(); it.hasNext(); ) {
            var layer = it.next();
            String name = layer.getValue().path("name").asText("");
            if (torch.has(name) && !layer.getValue().path("type").asText().equals("Shared")) {
                assertThat(a.at("/layers/" + layer.getKey() + "/output").toString()).as(name).isEqualTo(torch.get(name).toString());
                compared++;
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(50);
        var bad = server.post("/api/v1/projects/" + p + "/architectures/import", "{\"source\":{\"torchvision\":\"nope\"},\"input_shape\":[3,8,8]}");
        // the request was well formed; the import process could not build the model
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().path("error").asText()).contains("torchvision has no model 'nope'");
    }
}
