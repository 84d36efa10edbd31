package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifact previews and portable downloads over real HTTP with real (sandboxed) Python: arrays, tensors, dicts, FITS
 * headers and models are looked into by a sandboxed process per artifact (cached by sha256); a hostile pickle runs
 * only there; a trained model downloads as a {@code .pt} that plain PyTorch loads with the snippet the server shows.
 */
class ArtifactPreviewsTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(ServerConfig.builder(Files.createTempDirectory("deepforge-previews")).python("/usr/bin/python3").build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What {@code code} writes to stdout when run by /usr/bin/python3 in {@code dir} with nothing of DeepForge around. */
    static byte[] python(Path dir, String code) throws Exception {
        ProcessBuilder b = new ProcessBuilder("/usr/bin/python3", "-I", "-c", code).directory(dir.toFile());
        b.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("LANG"));
        b.environment().put("HOME", dir.toString());
        b.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = b.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        return out;
    }

    static String project(String name) throws Exception {
        var created = server.post("/api/v1/projects", "{\"name\":\"" + name + "\",\"empty\":true}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    static String upload(String p, String name, String type, byte[] bytes) throws Exception {
        var r = ArtifactsApiTest.uploadTo(server, p, "name=" + name + "&type=" + type, bytes);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static HttpResponse<byte[]> download(String p, String artifact) throws Exception {
        return server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + p + "/artifacts/" + artifact + "/data"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String fileName(HttpResponse<?> r) {
        String d = r.headers().firstValue("Content-Disposition").orElse("");
        return d.replaceAll(".*filename=\"([^\"]*)\".*", "$1");
    }

    @Test
    void arraysTensorsDictsAndFitsHeadersArePreviewedAndDownloadWithTheirExtension(@TempDir Path tmp) throws Exception {
        String p = project("Previews");
        python(tmp, "import numpy as np, pickle, torch\n"
                + "from astropy.io import fits\n"
                + "np.save('cube.npy', np.arange(2 * 3 * 300 * 40, dtype=np.float32).reshape(2, 3, 300, 40))\n"
                + "torch.save(torch.tensor([[1.0, -2.0], [3.5, 4.0]]), 't.pt')\n"
                + "pickle.dump({'accuracy': 0.97, 'loss': 0.12, 'epochs': 3}, open('d.pkl', 'wb'))\n"
                + "h = fits.PrimaryHDU(np.zeros((4, 5), dtype=np.float32)); h.header['OBJECT'] = 'M31'; h.writeto('sky.fits')\n");

        String cube = upload(p, "cube", "numpy.ndarray", Files.readAllBytes(tmp.resolve("cube.npy")));
        JsonNode preview = server.get("/api/v1/projects/" + p + "/artifacts/" + cube + "/preview").json();
        assertThat(preview.path("fileName").asText()).isEqualTo("cube.npy");
        JsonNode array = preview.path("preview");
        assertThat(array.path("kind").asText()).as(preview.toString()).isEqualTo("array");
        assertThat(array.path("shape").toString()).isEqualTo("[2,3,300,40]");
        assertThat(array.path("dtype").asText()).isEqualTo("float32");
        assertThat(array.path("stats").path("min").asDouble()).isEqualTo(0.0);
        assertThat(array.path("stats").path("max").asDouble()).isEqualTo(2 * 3 * 300 * 40 - 1);
        assertThat(array.path("stats").path("mean").asDouble()).isEqualTo((2 * 3 * 300 * 40 - 1) / 2.0);
        // the same preview again comes from the cache on disk, kept by the artifact's sha256
        String sha = preview.path("sha256").asText();
        assertThat(server.dataDir.resolve("previews").resolve(sha.substring(0, 2)).resolve(sha).resolve("summary.json")).isRegularFile();
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts/" + cube + "/preview").json()).isEqualTo(preview);

        // a slice: leading indices chosen, 300 rows downsampled to at most 256
        JsonNode slice = server.get("/api/v1/projects/" + p + "/artifacts/" + cube + "/preview/slice?index=1,2").json();
        assertThat(slice.path("shape").toString()).as(slice.toString()).isEqualTo("[300,40]");
        assertThat(slice.path("step").toString()).isEqualTo("[2,1]");
        assertThat(slice.path("rows").size()).isEqualTo(150);
        assertThat(slice.path("rows").get(1).get(3).asDouble()).isEqualTo((1 * 3 + 2) * 300 * 40 + 2 * 40 + 3);
        var wrong = server.get("/api/v1/projects/" + p + "/artifacts/" + cube + "/preview/slice?index=1");
        assertThat(wrong.status()).isEqualTo(422);
        assertThat(wrong.json().path("error").asText()).contains("give 2 index(es)");
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts/" + cube + "/preview/slice?index=a,b").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts/" + cube + "/preview/slice?index=1,9").json().path("error").asText())
                .contains("outside 0..2");

        String tensor = upload(p, "weights", "torch.Tensor", Files.readAllBytes(tmp.resolve("t.pt")));
        JsonNode t = server.get("/api/v1/projects/" + p + "/artifacts/" + tensor + "/preview").json();
        assertThat(t.path("preview").path("type").asText()).as(t.toString()).isEqualTo("torch.Tensor");
        assertThat(t.path("preview").path("shape").toString()).isEqualTo("[2,2]");
        assertThat(t.path("preview").path("stats").path("min").asDouble()).isEqualTo(-2.0);
        assertThat(t.path("preview").path("stats").path("max").asDouble()).isEqualTo(4.0);
        assertThat(t.path("preview").path("image").asText()).startsWith("data:image/png;base64,");
        assertThat(fileName(download(p, tensor))).isEqualTo("weights.pt");

        String dict = upload(p, "metrics", "pickle", Files.readAllBytes(tmp.resolve("d.pkl")));
        JsonNode d = server.get("/api/v1/projects/" + p + "/artifacts/" + dict + "/preview").json().path("preview");
        assertThat(d.path("kind").asText()).as(d.toString()).isEqualTo("table");
        assertThat(d.path("rows").toString()).isEqualTo("[[\"accuracy\",0.97],[\"loss\",0.12],[\"epochs\",3]]");
        assertThat(fileName(download(p, dict))).isEqualTo("metrics.pkl");

        String fits = upload(p, "sky", "file", Files.readAllBytes(tmp.resolve("sky.fits")));
        JsonNode f = server.get("/api/v1/projects/" + p + "/artifacts/" + fits + "/preview").json().path("preview");
        assertThat(f.path("kind").asText()).as(f.toString()).isEqualTo("fits");
        JsonNode primary = f.path("hdus").get(0);
        assertThat(primary.path("shape").toString()).isEqualTo("[4,5]");
        assertThat(primary.path("cards").toString()).contains("[\"OBJECT\",\"M31\",");
        assertThat(fileName(download(p, fits))).isEqualTo("sky.fits");

        String text = upload(p, "notes", "file", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts/" + text + "/preview").json().path("preview").path("kind").asText())
                .isEqualTo("text");
        assertThat(fileName(download(p, text))).isEqualTo("notes.json");
    }

    @Test
    void aPreviewIsKeptOnDiskByItsSha256AndAnsweredFromThereAfterARestart() throws Exception {
        Path data = Files.createTempDirectory("deepforge-previews-restart");
        ServerConfig config = ServerConfig.builder(data).python("/usr/bin/python3").examples(false).build();
        String p;
        String a;
        Path summary;
        try (TestServer first = new TestServer(config)) {
            p = first.post("/api/v1/projects", "{\"name\":\"Kept\",\"empty\":true}").json().get("id").asText();
            var up = ArtifactsApiTest.uploadTo(first, p, "name=values&type=numpy.ndarray", ArtifactsApiTest.npy());
            assertThat(up.status()).as(up.body()).isEqualTo(201);
            a = up.json().get("id").asText();
            JsonNode preview = first.get("/api/v1/projects/" + p + "/artifacts/" + a + "/preview").json();
            assertThat(preview.path("preview").path("stats").path("mean").asDouble()).isEqualTo(2.0);
            String sha = preview.path("sha256").asText();
            summary = data.resolve("previews").resolve(sha.substring(0, 2)).resolve(sha).resolve("summary.json");
        }
        // what the cache holds is what is answered: mark it, so an answer computed afresh would show
        JsonNode cached = org.deepforge.model.Json.MAPPER.readTree(summary.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) cached.path("stats")).put("mean", 42.0);
        Files.write(summary, org.deepforge.model.Json.MAPPER.writeValueAsBytes(cached));
        try (TestServer second = new TestServer(config)) {
            JsonNode again = second.get("/api/v1/projects/" + p + "/artifacts/" + a + "/preview").json();
            assertThat(again.path("preview").path("stats").path("mean").asDouble()).as(again.toString()).isEqualTo(42.0);
        }
    }

    @Test
    void aPickledObjectOfAClassFromTheProjectsUtilsIsPreviewedWithThatModuleImportable(@TempDir Path tmp) throws Exception {
        String p = project("Utils");
        String code = "class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n\n"
                + "    def __repr__(self):\n        return f\"Point({self.x}, {self.y})\"\n";
        var patch = org.deepforge.model.Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "add").put("path", "/utils/geometry").putObject("value").put("code", code);
        var body = org.deepforge.model.Json.MAPPER.createObjectNode().put("message", "geometry");
        body.set("patch", patch);
        var edit = server.post("/api/v1/projects/" + p + "/branches/main/changes", body.toString());
        assertThat(edit.status()).as(edit.body()).isEqualTo(200);
        Files.createDirectories(tmp.resolve("utils"));
        Files.writeString(tmp.resolve("utils/__init__.py"), "");
        Files.writeString(tmp.resolve("utils/geometry.py"), code);
        python(tmp, "import pickle, sys\nsys.path.insert(0, '.')\nfrom utils.geometry import Point\n"
                + "pickle.dump(Point(1, 2), open('point.pkl', 'wb'))\n");
        String point = upload(p, "point", "pickle", Files.readAllBytes(tmp.resolve("point.pkl")));
        var r = server.get("/api/v1/projects/" + p + "/artifacts/" + point + "/preview");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("preview").path("type").asText()).isEqualTo("utils.geometry.Point");
        assertThat(r.json().path("preview").path("text").asText()).isEqualTo("Point(1, 2)");
    }

    @Test
    void aModelWhoseClassIsNotAGeneratedArchitectureIsPreviewedButItsPortableDownloadSaysWhyNot(@TempDir Path tmp) throws Exception {
        String p = project("Plain torch");
        python(tmp, "import torch\ntorch.save(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU()), 'seq.pt')\n");
        byte[] bytes = Files.readAllBytes(tmp.resolve("seq.pt"));
        String seq = upload(p, "seq", "torch.nn.Module", bytes);
        JsonNode preview = server.get("/api/v1/projects/" + p + "/artifacts/" + seq + "/preview").json();
        assertThat(preview.path("preview").path("parameters").asLong()).as(preview.toString()).isEqualTo(4 * 3 + 3);
        assertThat(preview.path("preview").path("modules").get(1).path("out").asInt()).isEqualTo(3);
        HttpResponse<byte[]> refused = download(p, seq);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("is not a generated architecture").contains("?format=original");
        assertThat(refused.headers().firstValue("Content-Disposition")).isEmpty();
        HttpResponse<byte[]> original = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + p
                + "/artifacts/" + seq + "/data?format=original"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(original.body()).isEqualTo(bytes);
        assertThat(fileName(original)).isEqualTo("seq.pt");
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts/" + seq + "/data?format=zip").status()).isEqualTo(400);
    }

    @Test
    void aHostilePickleRunsOnlyInTheSandboxAndAPreviewThatDiesAnswersAClearError(@TempDir Path tmp) throws Exception {
        String p = project("Hostile");
        Path outside = tmp.resolve("pwned");
        Path intoData = server.dataDir.resolve("pwned");
        python(tmp, "import os, pickle\n"
                + "class Evil:\n"
                + "    def __reduce__(self):\n"
                + "        return (os.system, ('touch " + outside + " " + intoData + "; echo hi > " + outside + "',))\n"
                + "class Dies:\n"
                + "    def __reduce__(self):\n"
                + "        return (os._exit, (3,))\n"
                + "pickle.dump(Evil(), open('evil.pkl', 'wb'))\n"
                + "pickle.dump(Dies(), open('dies.pkl', 'wb'))\n");
        String evil = upload(p, "evil", "pickle", Files.readAllBytes(tmp.resolve("evil.pkl")));
        var r = server.get("/api/v1/projects/" + p + "/artifacts/" + evil + "/preview");
        // the command ran, inside the sandbox, where neither folder exists: os.system answers its failure as a number
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("preview").path("kind").asText()).isEqualTo("value");
        assertThat(r.json().path("preview").path("value").asInt()).isNotZero();
        assertThat(outside).doesNotExist();
        assertThat(intoData).doesNotExist();

        String dies = upload(p, "dies", "pickle", Files.readAllBytes(tmp.resolve("dies.pkl")));
        var died = server.get("/api/v1/projects/" + p + "/artifacts/" + dies + "/preview");
        assertThat(died.status()).as(died.body()).isEqualTo(422);
        assertThat(died.json().path("error").asText()).contains("cannot preview artifact \"dies\"").contains("exit code 3");
    }

    @Test
    void aTrainedModelDownloadsAsAPtFileThatPlainPyTorchLoadsWithTheShownSnippet(@TempDir Path tmp) throws Exception {
        var created = server.post("/api/v1/examples/digits", "");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String p = created.json().get("id").asText();
        var small = server.change(p, "main", null, "[{'op':'add','path':'/pipelines/train-and-score/nodes/n2/attributes/epochs','value':1}]");
        assertThat(small.status()).as(small.body()).isEqualTo(200);
        var started = server.post("/api/v1/projects/" + p + "/pipelines/train-and-score/executions", "{}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        JsonNode done = ExecutionsApiTest.waitFor(server, started.json().get("id").asText());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        String model = null;
        for (JsonNode a : server.get("/api/v1/projects/" + p + "/artifacts").json().get("items")) {
            if (a.get("name").asText().equals("myModel")) {
                model = a.get("id").asText();
            }
        }
        assertThat(model).isNotNull();

        JsonNode preview = server.get("/api/v1/projects/" + p + "/artifacts/" + model + "/preview").json();
        assertThat(preview.path("preview").path("kind").asText()).as(preview.toString()).isEqualTo("model");
        assertThat(preview.path("preview").path("modules").size()).isGreaterThan(2);
        long parameters = preview.path("preview").path("parameters").asLong();
        String snippet = preview.path("load").asText();
        assertThat(snippet).contains("torch.load(\"myModel.pt\")");

        HttpResponse<byte[]> file = download(p, model);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(fileName(file)).isEqualTo("myModel.pt");
        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        Files.write(fresh.resolve("myModel.pt"), file.body());
        // a fresh Python with only torch: no DeepForge on the path, a folder of its own
        String out = new String(python(fresh, snippet
                + "import sys\n"
                + "assert not any('deepforge' in p for p in sys.path), sys.path\n"
                + "assert 'architectures' not in sys.modules\n"
                + "with torch.no_grad():\n"
                + "    y = model(torch.zeros(2, 1, 8, 8))\n"
                + "print(tuple(y.shape), sum(p.numel() for p in model.parameters()), ck['format'])\n"), StandardCharsets.UTF_8);
        assertThat(out.strip()).isEqualTo("(2, 10) " + parameters + " deepforge-model/1");

        // the original bytes remain available
        HttpResponse<byte[]> original = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + p + "/artifacts/"
                + model + "/data?format=original"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ArtifactsApiTest.sha256(original.body())).isEqualTo(preview.path("sha256").asText());
    }
}
