package org.deepforge.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile user of a shared server (accounts mode, real jobs in real Python): her own operation, run in her
 * own project, goes after the server's secrets, the run database, another user's repository, artifacts and
 * job bundle, the server's process; her imported model's code writes outside its directory. Everything is
 * refused or contained, the server keeps serving, and the victim's files are byte-identical afterwards.
 * (The artifact attacks are in {@link ArtifactOwnershipTest}, forged job events in ExecutionsApiTest.)
 */
class HostileUserTest {
    static final String ADMIN_PW = "Admin-Hostile-pw-1123";
    static final String VERA_PW = "Vera-Victim-pw-5813";
    static final String MALLORY_PW = "Mallory-Attacker-pw-2134";
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = Agent.accountsServer(true, "root", ADMIN_PW);
        Agent.session(server, "vera", VERA_PW, true);
        Agent.session(server, "mallory", MALLORY_PW, true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String project(Agent who, String name) throws Exception {
        return ArtifactOwnershipTest.project(who, name);
    }

    /** Puts a one-operation pipeline "run" into {@code project}: the operation's execute body is {@code body}. */
    static void pipeline(Agent who, String project, String operation, String body) throws Exception {
        String code = "class " + operation + ":\n    def execute(self):\n" + body.indent(8) + "        return None\n";
        String patch = "[{\"op\":\"add\",\"path\":\"/operations/" + operation + "\",\"value\":{\"code\":" + Json.MAPPER.writeValueAsString(code)
                + "}},{\"op\":\"add\",\"path\":\"/pipelines/run\",\"value\":{\"name\":\"Run\",\"nodes\":{\"n1\":{\"operation\":\""
                + operation + "\"}},\"connections\":{}}}]";
        Agent.Reply r = who.post("/api/v1/projects/" + project + "/branches/main/changes", "{\"patch\":" + patch + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static JsonNode run(Agent who, String project) throws Exception {
        Agent.Reply started = who.post("/api/v1/projects/" + project + "/pipelines/run/executions", "{}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = started.json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
            last[0] = who.get("/api/v1/executions/" + id).json();
            return last[0].path("finished").isTextual();
        });
        return last[0];
    }

    static String console(Agent who, JsonNode execution) throws Exception {
        JsonNode lines = who.get("/api/v1/executions/" + execution.get("id").asText() + "/jobs/n1/log").json().get("lines");
        StringBuilder out = new StringBuilder();
        lines.forEach(l -> out.append(l.asText()).append('\n'));
        return out.toString();
    }

    /** sha256 of every file under {@code dir}, by relative path. */
    static Map<String, String> fingerprint(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    static Path repositoryOf(String project) throws Exception {
        try (Stream<Path> paths = Files.walk(server.dataDir, 3)) {
            return paths.filter(Files::isDirectory).filter(p -> p.getFileName().toString().startsWith(project))
                    .findFirst().orElseThrow(() -> new AssertionError("no repository for " + project));
        }
    }

    @Test
    void aJobCanReachNothingOfTheServerNorOfOtherUsersAndTheVictimsDataIsUnchanged() throws Exception {
        Agent vera = Agent.session(server, "vera", VERA_PW, false);
        Agent mallory = Agent.session(server, "mallory", MALLORY_PW, false);

        // the victim: a private project with data, a stored credential, and a run whose bundle stays on disk
        String victim = project(vera, "Vera's thesis");
        Agent.Reply upload = vera.send("POST", "/api/v1/projects/" + victim + "/branches/main/artifacts?name=survey.txt",
                "vera's unpublished measurements", "application/octet-stream");
        assertThat(upload.status()).as(upload.body()).isEqualTo(201);
        Agent.Reply secret = vera.send("PUT", "/api/v1/secrets/vera-s3",
                "{\"kind\":\"s3\",\"accessKeyId\":\"AKIAVERA\",\"secretAccessKey\":\"vera-s3-secret-key\"}");
        assertThat(secret.status()).as(secret.body()).isBetween(200, 204);
        pipeline(vera, victim, "Private", "open('private-result.txt', 'w').write('vera only')\nprint('vera ran')");
        JsonNode veraRun = run(vera, victim);
        assertThat(veraRun.get("status").asText()).isEqualTo("success");
        Path veraBundle = server.dataDir.resolve("runs").resolve(veraRun.get("id").asText()).resolve("n1");
        assertThat(veraBundle.resolve("main.py")).exists();
        Path veraRepo = repositoryOf(victim);
        Map<String, String> before = fingerprint(veraRepo);
        Map<String, String> artifactsBefore = fingerprint(server.dataDir.resolve("artifacts"));
        byte[] keyBefore = Files.readAllBytes(server.dataDir.resolve("secrets.key"));

        // the attacker's own project and operation: every attempt is recorded, none may succeed
        String data = server.dataDir.toAbsolutePath().toString();
        long serverPid = ProcessHandle.current().pid();
        Path scratch = Path.of("/tmp", "deepforge-scratch-" + System.nanoTime());
        String attack = """
                import json, os, signal
                report = {}
                def attempt(name, action):
                    try:
                        report[name] = 'SUCCEEDED: ' + repr(action())[:120]
                    except BaseException as error:
                        report[name] = 'blocked: ' + type(error).__name__
                def read(path):
                    with open(path, 'rb') as f:
                        return f.read()
                def write(path):
                    with open(path, 'w') as f:
                        f.write('pwned')
                    return path
                try:
                    report['data directory listing'] = sorted(os.listdir(DATA))
                except OSError:
                    report['data directory listing'] = []
                attempt('read secrets.key', lambda: read(DATA + '/secrets.key'))
                attempt('read the server database', lambda: read(DATA + '/deepforge.db'))
                attempt('read the run database', lambda: read(DATA + '/runs.db'))
                attempt("read the victim's repository", lambda: os.listdir(VICTIM_REPO))
                attempt("read the victim's job bundle", lambda: read(VICTIM_BUNDLE + '/private-result.txt'))
                attempt("read the victim's artifacts", lambda: os.listdir(DATA + '/artifacts'))
                attempt("read the server's environment", lambda: read('/proc/%d/environ' % SERVER_PID))
                attempt('signal the server', lambda: os.kill(SERVER_PID, 0))
                attempt('write into the data directory', lambda: write(DATA + '/pwned'))
                attempt('write into the system', lambda: write('/usr/pwned'))
                attempt('read /etc/shadow', lambda: read('/etc/shadow'))
                others = [p for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]
                report['processes seen'] = len(others)
                write('own-output.txt')
                report['own bundle writable'] = os.path.exists('own-output.txt')
                write(SCRATCH)
                report['private tmp writable'] = os.path.exists(SCRATCH)
                print('REPORT ' + json.dumps(report, sort_keys=True))
                """.replace("DATA", "'" + data + "'").replace("VICTIM_REPO", "'" + veraRepo.toAbsolutePath() + "'")
                .replace("VICTIM_BUNDLE", "'" + veraBundle.toAbsolutePath() + "'").replace("SERVER_PID", Long.toString(serverPid))
                .replace("SCRATCH", "'" + scratch + "'");
        String own = project(mallory, "Mallory's sandbox");
        pipeline(mallory, own, "Probe", attack);
        JsonNode malloryRun = run(mallory, own);
        String out = console(mallory, malloryRun);
        assertThat(malloryRun.get("status").asText()).as(out).isEqualTo("success");
        String json = out.lines().filter(l -> l.startsWith("REPORT ")).findFirst().orElseThrow(() -> new AssertionError(out)).substring(7);
        JsonNode report = Json.MAPPER.readTree(json);
        // at most the path down to its own bundle and the runtime it runs on (bound there read-only)
        assertThat(report.get("data directory listing")).allMatch(n -> List.of("runs", "runtime").contains(n.asText()));
        report.fields().forEachRemaining(e -> {
            // this test's data directory lies under /tmp, so that path exists in the job's private /tmp and a write
            // there lands in the job's own tmpfs: contained, checked on the host below
            if (e.getValue().isTextual() && !e.getKey().equals("write into the data directory")) {
                assertThat(e.getValue().asText()).as(e.getKey()).startsWith("blocked");
            }
        });
        assertThat(report.get("processes seen").asInt()).as("a job sees only its own processes").isLessThanOrEqualTo(2);
        assertThat(report.get("own bundle writable").asBoolean()).isTrue();
        assertThat(report.get("private tmp writable").asBoolean()).isTrue();
        assertThat(scratch).as("the job's /tmp is its own").doesNotExist();
        assertThat(server.dataDir.resolve("pwned")).doesNotExist();

        // the server still serves, and the victim's files are exactly as they were
        assertThat(vera.get("/api/v1/health").status()).isEqualTo(200);
        assertThat(fingerprint(veraRepo)).isEqualTo(before);
        assertThat(fingerprint(server.dataDir.resolve("artifacts"))).containsAllEntriesOf(artifactsBefore);
        assertThat(Files.readAllBytes(server.dataDir.resolve("secrets.key"))).isEqualTo(keyBefore);
        assertThat(vera.get("/api/v1/projects/" + victim + "/artifacts/" + upload.json().get("id").asText() + "/data").body())
                .isEqualTo("vera's unpublished measurements");
    }

    @Test
    void importedModelCodeCannotWriteOutsideItsOwnDirectory() throws Exception {
        Agent mallory = Agent.session(server, "mallory", MALLORY_PW, false);
        String own = project(mallory, "Mallory's models");
        Path hostTmp = Path.of("/tmp", "deepforge-pwned-" + System.nanoTime());
        Path inData = server.dataDir.resolve("pwned-by-import");
        String code = """
                import torch
                for target in (HOST_TMP, IN_DATA):
                    try:
                        with open(target, 'w') as f:
                            f.write('pwned')
                    except OSError:
                        pass

                class Tiny(torch.nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.fc = torch.nn.Linear(4, 2)

                    def forward(self, x):
                        return self.fc(x)
                """.replace("HOST_TMP", "'" + hostTmp + "'").replace("IN_DATA", "'" + inData + "'");
        Agent.Reply r = mallory.post("/api/v1/projects/" + own + "/architectures/import?branch=main",
                "{\"name\":\"tiny\",\"source\":{\"code\":" + Json.MAPPER.writeValueAsString(code) + ",\"factory\":\"Tiny\"},\"input_shape\":[4]}");
        assertThat(r.status()).as(r.body()).isIn(201, 400, 422);
        assertThat(hostTmp).as("the import's /tmp is private").doesNotExist();
        assertThat(inData).doesNotExist();
        assertThat(mallory.get("/api/v1/health").status()).isEqualTo(200);
    }
}
