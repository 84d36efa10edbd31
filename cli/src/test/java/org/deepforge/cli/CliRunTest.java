package org.deepforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deepforge} as a client of a real server in local mode, running real Python jobs. */
class CliRunTest {
    static App server;
    static Path dataDir;
    static CliTestRest rest;
    @TempDir
    static Path home;
    static InProcessCli cli;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("deepforge-cli-test");
        server = App.start(ServerConfig.builder(dataDir).build());
        rest = new CliTestRest(server.url(), Optional.empty());
        cli = new InProcessCli(home).env("DEEPFORGE_SERVER", server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theDigitsExampleStreamsItsTrainingLinesLiveThenItsModelDownloadsVerifiedAndATamperedOneIsRefused(@TempDir Path tmp)
            throws Exception {
        String p = rest.post("/examples/digits", null).get("id").asText();
        rest.post("/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":"
                + "\"/pipelines/train-and-score/nodes/n2/attributes/epochs\",\"value\":3}]}");

        // the moment the first training line is printed, the server still says the execution runs
        AtomicReference<String> statusAtFirstLine = new AtomicReference<>();
        InProcessCli.Result run = cli.run("", line -> {
            if (line.startsWith("[Train] epoch 1:") && statusAtFirstLine.get() == null) {
                try {
                    statusAtFirstLine.set(rest.newestStatus(p));
                } catch (Exception e) {
                    statusAtFirstLine.set(e.toString());
                }
            }
        }, "run", "Digits classifier", "Train and score", "--follow");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(statusAtFirstLine.get()).as(run.out()).isEqualTo("running");
        List<String> epochs = run.out().lines().filter(l -> l.startsWith("[Train] epoch ")).toList();
        assertThat(epochs).as("each line once, in order").hasSize(3);
        assertThat(epochs.get(0)).startsWith("[Train] epoch 1: loss ");
        assertThat(epochs.get(2)).startsWith("[Train] epoch 3: loss ");
        assertThat(run.err()).contains("[Train] success").contains(": success");

        InProcessCli.Result list = cli.run("executions", "list", p, "--json");
        JsonNode newest = list.json().get(0);
        assertThat(newest.get("status").asText()).isEqualTo("success");
        String execution = newest.get("id").asText();
        assertThat(cli.run("executions", "show", execution).out()).contains("n2").contains("Train").contains("success");
        assertThat(cli.run("logs", execution, "n2").out()).contains("[Train] epoch 2: loss");
        assertThat(cli.run("pipelines", "list", p, "--json").json().findValuesAsText("name")).contains("Train and score");
        assertThat(cli.run("projects", "list").out()).contains(p).contains("Digits classifier");

        Path model = tmp.resolve("model.pt");
        InProcessCli.Result get = cli.run("artifacts", "get", p, "myModel", "-o", model.toString(), "--json");
        assertThat(get.code()).as(get.err()).isZero();
        String sha256 = sha256(model);
        assertThat(get.json().get("sha256").asText()).isEqualTo(sha256);
        assertThat(get.json().get("verified").asBoolean()).isTrue();
        JsonNode record = rest.get("/projects/" + p + "/model").get("model").get("artifacts").get(get.json().get("id").asText());
        assertThat(record.findValuesAsText("sha256")).contains(sha256);

        // bytes changed on the server's disk: the download is refused and nothing is saved
        tamper(model);
        Path damaged = tmp.resolve("damaged.pt");
        InProcessCli.Result refused = cli.run("artifacts", "get", p, "myModel", "-o", damaged.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("damaged").contains(sha256);
        assertThat(damaged).doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactly("model.pt");
        }
    }

    @Test
    void aFailingPipelineExitsOneWithItsError() throws Exception {
        String p = cli.run("projects", "create", "Failing").out().strip();
        rest.onePipeline(p, "Boom", "class Boom:\n    def execute(self):\n        print('about to fail', flush=True)\n"
                + "        raise RuntimeError('sensor offline')\n", "boom");
        InProcessCli.Result run = cli.run("run", p, "boom", "--follow");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("[Boom] about to fail").contains("Traceback");
        assertThat(run.err()).contains("[Boom] failed: RuntimeError: sensor offline").contains(": failed");
    }

    @Test
    void everyLineArrivesOnceAndInOrderUpToTheLastBeforeTheJobEndsOverTheSocketAndByPolling() throws Exception {
        String p = cli.run("projects", "create", "Lines").out().strip();
        rest.onePipeline(p, "Count", "import time\n\nclass Count:\n    def execute(self):\n        for i in range(7000):\n"
                + "            print(i, flush=i % 700 == 0)\n            if i % 1000 == 0:\n                time.sleep(0.1)\n"
                + "        print('last line')\n", "count");
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 7000; i++) {
            expected.add("[Count] " + i);
        }
        expected.add("[Count] last line");
        // told over the WebSocket, then by polling
        for (String[] args : List.of(new String[] {"run", p, "count", "--follow", "--ignore-cache"},
                new String[] {"run", p, "count", "--follow", "--ignore-cache", "--poll"})) {
            InProcessCli.Result run = cli.run(args);
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out().lines().toList()).as(String.join(" ", args)).isEqualTo(expected);
        }
        String execution = rest.get("/projects/" + p + "/executions").get("items").get(0).get("id").asText();
        assertThat(cli.run("logs", execution).out().lines().toList()).as("more lines than one page holds").isEqualTo(expected);
    }

    @Test
    void aCancelledExecutionEndsItsFollowerWithExitCodeThree() throws Exception {
        String p = cli.run("projects", "create", "Slow").out().strip();
        rest.onePipeline(p, "Wait", "import time\n\nclass Wait:\n    def execute(self):\n        print('working', flush=True)\n"
                + "        time.sleep(300)\n", "wait");
        CountDownLatch working = new CountDownLatch(1);
        CompletableFuture<InProcessCli.Result> follow = CompletableFuture.supplyAsync(() -> cli.run("", line -> {
            if (line.equals("[Wait] working")) {
                working.countDown();
            }
        }, "run", p, "wait", "--follow"));
        assertThat(working.await(120, TimeUnit.SECONDS)).as("the job's first line is followed").isTrue();
        String execution = rest.get("/projects/" + p + "/executions").get("items").get(0).get("id").asText();
        assertThat(cli.run("executions", "cancel", execution).code()).isZero();
        InProcessCli.Result run = follow.get(120, TimeUnit.SECONDS);
        assertThat(run.code()).as(run.err()).isEqualTo(3);
        assertThat(run.err()).contains(": cancelled");
    }

    @Test
    void projectsArtifactsAndPipelinesTravelAsFiles(@TempDir Path tmp) throws Exception {
        String p = cli.run("projects", "create", "Travel", "--description", "to and fro").out().strip();
        rest.onePipeline(p, "Hello", "class Hello:\n    def execute(self):\n        print('hi', flush=True)\n", "hello");

        Path data = tmp.resolve("table.csv");
        Files.writeString(data, "x,y\n1,2\n".repeat(10_000));
        InProcessCli.Result put = cli.run("artifacts", "put", p, data.toString(), "--name", "table", "--type", "file", "--json");
        assertThat(put.code()).as(put.err()).isZero();
        assertThat(put.json().get("sha256").asText()).isEqualTo(sha256(data));
        assertThat(cli.run("artifacts", "list", p).out()).contains("table").contains("file");
        Path back = tmp.resolve("back.csv");
        assertThat(cli.run("artifacts", "get", "Travel", "table", "-o", back.toString()).code()).isZero();
        assertThat(back).hasSameBinaryContentAs(data);

        Path zip = tmp.resolve("hello.zip");
        assertThat(cli.run("export", p, "hello", "-o", zip.toString()).code()).isZero();
        try (var entries = new java.util.zip.ZipFile(zip.toFile())) {
            assertThat(entries.getEntry("main.py")).isNotNull();
        }

        Path bundle = tmp.resolve("travel.bundle");
        assertThat(cli.run("projects", "export", p, "-o", bundle.toString()).code()).isZero();
        InProcessCli.Result imported = cli.run("projects", "import", bundle.toString(), "--name", "Travel again", "--json");
        assertThat(imported.code()).as(imported.err()).isZero();
        String copy = imported.json().get("id").asText();
        assertThat(cli.run("pipelines", "list", copy).out()).contains("hello");

        // --json with --follow: one JSON document a line, the execution last
        InProcessCli.Result run = cli.run("run", copy, "hello", "--follow", "--json");
        assertThat(run.code()).as(run.err()).isZero();
        List<JsonNode> documents = new java.util.ArrayList<>();
        for (String line : run.out().strip().split("\n")) {
            documents.add(InProcessCli.MAPPER.readTree(line));
        }
        assertThat(documents.get(0).get("line").asText()).isEqualTo("hi");
        assertThat(documents.get(documents.size() - 1).get("status").asText()).isEqualTo("success");
    }

    @Test
    void errorsSayWhatToDo() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        InProcessCli.Result unreachable = cli.run("projects", "list", "--server", "http://127.0.0.1:" + closed);
        assertThat(unreachable.code()).isEqualTo(4);
        assertThat(unreachable.err()).contains("cannot reach the DeepForge server at http://127.0.0.1:" + closed);

        assertThat(cli.run("run", "no such project", "x").err()).contains("no project \"no such project\"");
        String p = cli.run("projects", "create", "Errors", "--json").json().get("id").asText();
        rest.onePipeline(p, "Nothing", "class Nothing:\n    def execute(self):\n        pass\n", "nothing");
        InProcessCli.Result badAdapter = cli.run("run", p, "nothing", "--compute", "nosuch");
        assertThat(badAdapter.code()).isEqualTo(1);
        assertThat(badAdapter.err()).startsWith("deepforge: ").contains("nosuch");
        assertThat(cli.run("run", p, "nothing", "--compute", "{not json").code()).isEqualTo(2);
        assertThat(cli.run("run", p).code()).as("a missing argument").isEqualTo(2);
        assertThat(cli.run("projects", "list", "--server", "ftp://x").code()).isEqualTo(2);
        InProcessCli.Result delete = cli.run("projects", "delete", p);
        assertThat(delete.code()).isEqualTo(2);
        assertThat(delete.err()).contains("--yes");
        assertThat(cli.run("projects", "delete", p, "--yes").code()).isZero();
        assertThat(cli.run("projects", "list", "--json").json().findValuesAsText("id")).doesNotContain(p);

        InProcessCli.Result completion = cli.run("completion");
        assertThat(completion.out()).contains("complete -F").contains("artifacts").contains("executions");
    }

    /** Changes the stored copy of the file the server keeps (the one whose bytes equal {@code original}). */
    private static void tamper(Path original) throws IOException {
        byte[] bytes = Files.readAllBytes(original);
        try (Stream<Path> files = Files.walk(dataDir)) {
            List<Path> stored = files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.size(f) == bytes.length && java.util.Arrays.equals(Files.readAllBytes(f), bytes);
                } catch (IOException e) {
                    return false;
                }
            }).toList();
            assertThat(stored).as("the stored artifact").isNotEmpty();
            for (Path f : stored) {
                f.toFile().setWritable(true);
                byte[] changed = bytes.clone();
                changed[changed.length / 2] ^= 1;
                Files.write(f, changed);
            }
        }
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
