package org.deepforge.server.nnimport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.deepforge.model.Json;
import org.deepforge.server.ServerConfig;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Importing a model ran my code inside the server": a model import runs in a sandboxed process of its own
 * per request; whatever the code does, it touches nothing on the host, and its failures are 4xx saying why.
 */
class ModelImportSandboxTest {
    static TestServer server;
    static String project;

    @BeforeAll
    static void start() throws Exception {
        Path data = Files.createTempDirectory("import-sandbox");
        // limits lowered so the test does not wait two minutes for a loop
        server = new TestServer(ServerConfig.builder(data)
                .isolation(new ServerConfig.Isolation(true, true, Duration.ofSeconds(30), 2L << 30)).build());
        project = server.post("/api/v1/projects", "{\"name\":\"Imports\",\"empty\":true}").json().get("id").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static TestServer.Reply importCode(String code) throws Exception {
        String body = Json.MAPPER.createObjectNode().put("name", "m")
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("source", Json.MAPPER.createObjectNode().put("code", code).put("factory", "make"))
                .set("input_shape", Json.MAPPER.readTree("[4]")).toString();
        return server.post("/api/v1/projects/" + project + "/architectures/import?branch=main", body);
    }

    static final String MODEL = "import torch\nclass M(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            + "        self.fc = torch.nn.Linear(4, 2)\n    def forward(self, x):\n        return torch.relu(self.fc(x))\n";

    @Test
    void codeThatWritesOutsideItsDirectoryLeavesNothingOnTheHost() throws Exception {
        Path host = Path.of("/tmp/pwned-" + UUID.randomUUID());
        Path data = server.dataDir.toRealPath();
        var r = importCode(MODEL + "def make():\n"
                + "    wrote = []\n"
                + "    for p in ['" + host + "', '" + data.resolve("pwned") + "', '" + data.resolve("secrets.key") + "']:\n"
                + "        try:\n            open(p, 'w').write('x'); wrote.append(p)\n"
                + "        except OSError:\n            pass\n"
                + "    import os\n"
                + "    assert not os.path.exists('" + data.resolve("deepforge.db") + "'), 'the data directory is visible'\n"
                + "    return M()\n");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(host).doesNotExist();
        assertThat(data.resolve("pwned")).doesNotExist();
        assertThat(Files.readAllBytes(data.resolve("secrets.key"))).isNotEqualTo("x".getBytes());
    }

    @Test
    void codeThatRaisesIsA422NamingTheError() throws Exception {
        var r = importCode("def make():\n    raise RuntimeError('weights file missing')\n");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().path("error").asText()).startsWith("importing the model failed").contains("weights file missing");
    }

    @Test
    void codeThatLoopsForeverIsStoppedAtTheTimeLimit() throws Exception {
        var r = importCode("import time\ndef make():\n    while True:\n        time.sleep(1)\n");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().path("error").asText()).contains("took longer than 30 s");
    }

    @Test
    void codeThatAllocatesTooMuchIsA422AboutMemory() throws Exception {
        var r = importCode("def make():\n    x = bytearray(8 * 1024 ** 3)\n    return x\n");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().path("error").asText()).contains("MemoryError").contains("2048 MiB");
    }

    @Test
    void codeThatKillsItsOwnProcessIsA422() throws Exception {
        var r = importCode("import os, signal\ndef make():\n    os.kill(os.getpid(), signal.SIGKILL)\n");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().path("error").asText()).contains("importing the model failed");
    }

    @Test
    void aCodeModelAndResnet18StillImport() throws Exception {
        var code = importCode(MODEL + "def make():\n    print('noise on stdout')\n    return M()\n");
        assertThat(code.status()).as(code.body()).isEqualTo(201);
        var r = server.post("/api/v1/projects/" + project + "/architectures/import?branch=main",
                "{\"name\":\"resnet18\",\"source\":{\"torchvision\":\"resnet18\"},\"input_shape\":[3,224,224]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
}
