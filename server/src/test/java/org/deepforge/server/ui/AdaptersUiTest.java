package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.Browser.testId;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.deepforge.exec.compute.SlurmCluster;
import org.deepforge.exec.storage.S3TestServer;
import org.deepforge.server.ServerConfig;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Scaling out from the browser: the run dialog offers the Slurm cluster and an S3 bucket, with their options
 * from the adapters' schemas and credentials stored on the spot; the digits example then trains as Slurm jobs
 * and its model lands in the bucket.
 */
class AdaptersUiTest extends UiTestBase {
    static final String ACCESS = "AKIDUITEST";
    static final String SECRET = "ui-secret-" + Long.toHexString(System.nanoTime());
    static S3TestServer s3;

    /** Hides UiTestBase's: the server must know the test cluster before it starts. */
    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(ServerConfig.builder(Files.createTempDirectory("deepforge-test"))
                .slurmConf(Path.of(SlurmCluster.clientEnv().get("SLURM_CONF"))).build());
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void theDigitsExampleRunsOnSlurmAndSavesItsModelToS3PickedInTheRunDialog() throws Exception {
        s3 = new S3TestServer(Files.createTempDirectory("ui-s3"), ACCESS, SECRET);
        try (S3Client plain = s3.client()) {
            plain.createBucket(b -> b.bucket("models"));
        }
        var created = server.post("/api/v1/examples/digits", "");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String p = created.json().get("id").asText();
        // the small setting, for a quick test
        server.change(p, "main", null, "[{'op':'add','path':'/pipelines/train-and-score/nodes/n2/attributes/epochs','value':2}]");

        Browser ui = browser().open("/p/" + p + "/main/pipelines/train-and-score");
        ui.waitFor("pipeline-editor");
        ui.click("run-button");
        ui.waitFor("run-dialog");

        // compute: the Slurm cluster, its options generated from the adapter's schema, its status one click away
        ui.until("the Slurm adapter offered", d -> d.findElements(testId("run-compute")).stream()
                .anyMatch(e -> e.getText().contains("Slurm")));
        new Select(ui.waitFor("run-compute")).selectByValue("slurm");
        ui.type("run-compute-cpus", "1");
        ui.type("run-compute-timeLimit", "10");
        ui.click("run-cluster-status");
        ui.until("the cluster's partitions", Duration.ofSeconds(20), d -> !d.findElements(testId("cluster-status")).isEmpty()
                && d.findElement(testId("cluster-status")).getText().contains("debug"));

        // storage: an S3 bucket, with credentials stored in the sealed secret store from the dialog itself
        new Select(ui.waitFor("run-storage")).selectByValue("s3");
        ui.type("run-storage-endpoint", s3.endpoint.toString());
        ui.type("run-storage-bucket", "models");
        ui.type("run-storage-prefix", "digits");
        ui.click("run-storage-pathStyle");
        ui.click("run-storage-credentials-add");
        ui.type("secret-name", "lab-bucket");
        ui.type("secret-accessKeyId", ACCESS);
        ui.type("secret-secretAccessKey", SECRET);
        ui.click("secret-save");
        ui.until("the stored credentials chosen", d -> "lab-bucket".equals(
                d.findElement(testId("run-storage-credentials")).getDomProperty("value")));
        ui.type("run-name", "digits on the cluster");
        ui.click("run-submit");

        String prefix = "/p/" + p + "/main/executions/";
        ui.until("the execution view of the new run", d -> ui.path().startsWith(prefix));
        String id = ui.path().substring(prefix.length());
        ui.until("the execution to succeed", Duration.ofSeconds(240), d ->
                "success".equals(ui.attributeOf("[data-testid='execution-status']", "data-status")));
        assertThat(ui.waitFor("execution-placement").getText()).isEqualTo("on slurm, data in s3 (bucket models)");
        ui.screenshot(SCREENSHOTS.resolve(testName + "-done.png"));
        screenshotTaken = true;

        JsonNode execution = server.get("/api/v1/executions/" + id).json();
        assertThat(execution.get("compute").get("adapter").asText()).isEqualTo("slurm");
        assertThat(execution.get("compute").get("cpus").asInt()).isEqualTo(1);
        assertThat(execution.get("storage").get("credentials").asText()).isEqualTo("lab-bucket");
        assertThat(execution.toString()).doesNotContain(SECRET);
        Path bundle = server.dataDir.resolve("runs").resolve(id).resolve("n2");
        assertThat(Files.readString(bundle.resolve("slurm.sh"))).contains("#SBATCH --time=");
        JsonNode artifacts = server.get("/api/v1/projects/" + p + "/artifacts").json().get("items");
        JsonNode model = null;
        for (JsonNode a : artifacts) {
            if (a.get("name").asText().equals("myModel")) {
                model = a;
            }
        }
        assertThat(model).as(artifacts.toString()).isNotNull();
        assertThat(model.get("adapter").asText()).isEqualTo("s3");
        try (S3Client plain = s3.client()) {
            assertThat(plain.listObjectsV2(b -> b.bucket("models").prefix("digits/")).contents()).isNotEmpty();
            // data already in the bucket becomes an artifact from the Artifacts page, without being copied
            plain.putObject(b -> b.bucket("models").key("shared/labels.csv"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("id,label\n1,7\n"));
        }
        ui.open("/p/" + p + "/main/artifacts");
        ui.click("artifact-import");
        ui.waitFor("import-dialog");
        ui.type("import-storage-endpoint", s3.endpoint.toString());
        ui.type("import-storage-bucket", "models");
        ui.click("import-storage-pathStyle");
        new Select(ui.waitFor("import-storage-credentials")).selectByValue("lab-bucket");
        ui.type("import-key", "shared/labels.csv");
        ui.type("import-name", "labels");
        ui.click("import-submit");
        ui.waitGone("import-dialog");
        ui.until("the imported artifact listed in S3", d -> {
            WebElement row = ui.findRow("artifact-row", "labels");
            return row != null && row.findElement(testId("artifact-storage")).getText().equals("s3");
        });
        JsonNode labels = null;
        for (JsonNode a : server.get("/api/v1/projects/" + p + "/artifacts").json().get("items")) {
            if (a.get("name").asText().equals("labels")) {
                labels = a;
            }
        }
        assertThat(labels).isNotNull();
        assertThat(labels.get("size").asLong()).isEqualTo(13);
    }
}
