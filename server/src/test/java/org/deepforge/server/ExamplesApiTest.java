package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Example projects and pipelines exported as plain Python, over real HTTP with real jobs. */
class ExamplesApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theDigitsExampleRunsAndItsExportRunsAsPlainPython(@TempDir Path tmp) throws Exception {
        assertThat(server.get("/api/v1/examples").json().findValuesAsText("id")).contains("digits");
        var created = server.post("/api/v1/examples/digits", "");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String p = created.json().get("id").asText();
        assertThat(created.json().get("name").asText()).isEqualTo("Digits classifier");
        assertThat(server.get("/api/v1/projects/" + p + "/pipelines/train-and-score/problems").json().get("problems")).isEmpty();

        // the small setting, for a quick test
        server.change(p, "main", null, "[{'op':'add','path':'/pipelines/train-and-score/nodes/n2/attributes/epochs','value':2}]");
        String id = server.post("/api/v1/projects/" + p + "/pipelines/train-and-score/executions", "{}").json().get("id").asText();
        JsonNode done = ExecutionsApiTest.waitFor(server, id);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts").json().get("items").findValuesAsText("name")).contains("myModel");

        Path dir = server.unzip("/api/v1/projects/" + p + "/pipelines/train-and-score/export", tmp.resolve("export"));
        assertThat(dir.resolve("README.md")).exists();
        assertThat(Files.readString(dir.resolve("main.py"))).contains("from operations.Train import Train").contains("def main():");
        ProcessBuilder run = new ProcessBuilder("/usr/bin/python3", "main.py").directory(dir.toFile()).redirectErrorStream(true);
        run.environment().put("MPLBACKEND", "Agg");
        Process process = run.start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(dir.resolve("outputs/myModel/data")).exists();
        assertThat(dir.resolve("outputs/myModel/meta.json")).exists();
        // the figure Train (node n2) draws is kept as SVG, named by node and figure number
        try (var files = Files.list(dir.resolve("outputs/figures"))) {
            List<Path> figures = files.sorted().toList();
            assertThat(figures).extracting(f -> f.getFileName().toString()).contains("n2-1.svg");
            for (Path figure : figures) {
                assertThat(svgRoot(figure)).as(figure.toString()).isEqualTo("svg");
            }
        }
        assertThat(Files.readString(dir.resolve("outputs/figures/n2-1.svg"))).contains("Training loss");

        assertThat(server.post("/api/v1/examples/nope", "").status()).isEqualTo(404);
        assertThat(server.get("/api/v1/projects/" + p + "/pipelines/nope/export").status()).isEqualTo(404);
    }

    @Test
    void theRedshiftExampleTrainsPlotsAndTracesItsModelBackToTheSurvey() throws Exception {
        String p = server.post("/api/v1/examples/redshift", "").json().get("id").asText();
        assertThat(server.get("/api/v1/projects/" + p + "/pipelines/redshift/problems").json().get("problems")).isEmpty();
        server.change(p, "main", null, "[{'op':'replace','path':'/pipelines/redshift/nodes/n1/attributes/count','value':300},"
                + "{'op':'replace','path':'/pipelines/redshift/nodes/n3/attributes/epochs','value':2}]");
        String id = server.post("/api/v1/projects/" + p + "/pipelines/redshift/executions", "{}").json().get("id").asText();
        JsonNode done = ExecutionsApiTest.waitFor(server, id);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        assertThat(server.get("/api/v1/executions/" + id + "/jobs/n3/plots").json()).isNotEmpty();
        assertThat(server.get("/api/v1/executions/" + id + "/jobs/n4/plots").json()).isNotEmpty();
        JsonNode embedding = server.get("/api/v1/executions/" + id + "/jobs/n6/plots").json();
        assertThat(embedding).isNotEmpty();
        assertThat(embedding.get(0).get("svg").asText()).contains("<svg");
        String model = null;
        JsonNode artifacts = server.get("/api/v1/projects/" + p + "/artifacts").json().get("items");
        for (JsonNode a : artifacts) {
            if (a.get("name").asText().equals("redshiftModel")) {
                model = a.get("id").asText();
            }
        }
        assertThat(model).as(artifacts.toString()).isNotNull();
        JsonNode lineage = server.get("/api/v1/projects/" + p + "/artifacts/" + model + "/lineage").json();
        assertThat(lineage.get("nodes").findValuesAsText("label")).contains("TrainValidate", "Preprocess", "SyntheticSkySurvey");

        // the exported pipeline runs with plain python and writes the same outputs
        Path dir = server.unzip("/api/v1/projects/" + p + "/pipelines/redshift/export", Files.createTempDirectory("redshift-export"));
        ProcessBuilder run = new ProcessBuilder("/usr/bin/python3", "main.py").directory(dir.toFile()).redirectErrorStream(true);
        run.environment().put("MPLBACKEND", "Agg");
        Process process = run.start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(dir.resolve("outputs/redshiftModel/data")).exists();
        assertThat(dir.resolve("outputs/metrics/data")).exists();
    }

    @Test
    void aFreshDataDirectoryStartsWithTheExamples() throws Exception {
        Path data = Files.createTempDirectory("fresh");
        try (TestServer fresh = new TestServer(ServerConfig.builder(data).python("/usr/bin/python3").examples(true).build())) {
            assertThat(fresh.get("/api/v1/projects").json().findValuesAsText("name")).contains("Digits classifier", "Photometric redshift");
        }
        try (TestServer again = new TestServer(ServerConfig.builder(data).python("/usr/bin/python3").examples(true).build())) {
            long digits = again.get("/api/v1/projects").json().findValuesAsText("name").stream().filter("Digits classifier"::equals).count();
            assertThat(digits).as("examples are created once, not on every start").isEqualTo(1);
        }
    }

    /** The root element's name of an XML file (external DTDs, as matplotlib's SVG names one, are not fetched). */
    static String svgRoot(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement().getLocalName();
    }
}
