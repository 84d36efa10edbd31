package org.deepforge.exec.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.compute.ComputeAdapter.Handle;
import org.deepforge.exec.compute.ComputeAdapter.State;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.compute.WarmPython;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Another scientist's operation read my secrets": a hostile job, started cold or forked warm, tries to
 * reach what a job on a shared server must not, and does the ordinary work a job must still be able to do.
 */
class SandboxTest {
    static final String PYTHON = "/usr/bin/python3";
    static Path data;
    static Path runs;
    static Path runtime;
    static WarmPython warm;
    static LocalCompute cold;
    static LocalCompute warmCompute;

    @BeforeAll
    static void start() throws Exception {
        var probe = Sandbox.probe();
        assertThat(probe).as("bubblewrap works here").isInstanceOf(Sandbox.Probe.Works.class);
        Sandbox sandbox = ((Sandbox.Probe.Works) probe).sandbox();
        // a server's data directory: its secret key, run database, another job's bundle, the runtime
        data = Files.createTempDirectory("deepforge-data");
        Files.writeString(data.resolve("secrets.key"), "the server's secret key");
        Files.writeString(data.resolve("runs.db"), "the run database");
        runs = Files.createDirectories(data.resolve("runs"));
        Path sibling = Files.createDirectories(runs.resolve("other-execution/job"));
        Files.writeString(sibling.resolve("model.pt"), "another user's model");
        runtime = Path.of("..", "python").toAbsolutePath().normalize();
        warm = new WarmPython(PYTHON, runtime, Map.of(), WarmPython.HEAVY, Optional.of(sandbox), Optional.of(runs)).start();
        JobIsolation isolation = new JobIsolation.Sandboxed(sandbox, true);
        cold = new LocalCompute(PYTHON, 1, Optional.empty(), Optional.empty(), isolation);
        warmCompute = new LocalCompute(PYTHON, 1, Optional.of(warm), Optional.empty(), isolation);
        assertThat(warm.awaitReady(Duration.ofSeconds(60))).as("zygote ready").isTrue();
    }

    @AfterAll
    static void stop() {
        if (warm != null) {
            warm.close();
        }
    }

    static Path bundle(String name, String code) throws IOException {
        Path b = Files.createDirectories(runs.resolve("execution").resolve(name));
        Files.createDirectories(b.resolve("inputs/values"));
        Files.writeString(b.resolve("inputs/values/data"), "my input");
        Files.createSymbolicLink(b.resolve("deepforge"), runtime.resolve("deepforge"));
        Files.writeString(b.resolve("main.py"), code);
        return b;
    }

    static JsonNode run(LocalCompute compute, Path bundle, JsonNode config, boolean warmStart) throws Exception {
        long forked = warm.forked();
        Handle h = compute.submit(bundle, Map.of(), config);
        assertThat(warm.forked() - forked).as("started " + (warmStart ? "warm" : "cold")).isEqualTo(warmStart ? 1 : 0);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> !(compute.state(h) instanceof State.Running));
        String console = Files.readString(bundle.resolve("console.log"));
        assertThat(compute.state(h)).as(console).isEqualTo(new State.Exited(0));
        return Json.MAPPER.readTree(bundle.resolve("results.json").toFile());
    }

    static final String HOSTILE = """
            import json, os, signal
            r = {}
            def attempt(name, f):
                try:
                    r[name] = "done: %r" % (f(),)
                except BaseException as e:
                    r[name] = "failed: %s" % type(e).__name__
            attempt("secrets", lambda: open("%DATA%/secrets.key").read())
            attempt("rundb", lambda: open("%DATA%/runs.db").read())
            attempt("sibling", lambda: open("%RUNS%/other-execution/job/model.pt").read())
            attempt("list_runs", lambda: os.listdir("%RUNS%"))
            attempt("shadow", lambda: open("/etc/shadow").read())
            attempt("server_environ", lambda: open("/proc/%SERVER%/environ").read())
            attempt("kill_server", lambda: os.kill(%SERVER%, signal.SIGTERM))
            attempt("kill_all", lambda: os.kill(-1, 0) or len([p for p in os.listdir("/proc") if p.isdigit()]))
            attempt("write_data", lambda: open("%DATA%/pwned", "w").write("x"))
            attempt("write_usr", lambda: open("/usr/pwned", "w").write("x"))
            attempt("write_etc", lambda: open("/etc/pwned", "w").write("x"))
            attempt("write_input", lambda: open("inputs/values/data", "w").write("changed"))
            attempt("replace_input", lambda: os.replace("outputs_tmp", "inputs/values/data") if open("outputs_tmp", "w").write("x") else None)
            r["processes"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
            r["init_environ_has_server"] = "%SECRET_ENV%" in open("/proc/1/environ").read()
            r["input"] = open("inputs/values/data").read()
            os.makedirs("outputs", exist_ok=True)
            open("outputs/result.txt", "w").write("my output")
            open("/tmp/%SCRATCH%", "w").write("scratch")
            r["tmp"] = open("/tmp/%SCRATCH%").read()
            r["tmp_listing"] = sorted(os.listdir("/tmp"))
            import numpy, torch, matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            plt.plot([1, 2]); plt.savefig("outputs/plot.png")
            r["torch"] = float(torch.ones(2).sum())
            r["capabilities"] = [l for l in open("/proc/self/status") if l.startswith(("CapEff", "CapBnd", "NoNewPrivs"))]
            import threading
            box = []
            t = threading.Thread(target=lambda: box.append(threading.get_native_id()))
            t.start(); t.join()
            r["thread"] = box[0] != threading.get_native_id() and not t.is_alive()
            child = os.fork()
            if child == 0:
                os._exit(7)
            r["fork"] = os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])
            json.dump(r, open("results.json", "w"))
            """;

    @Test
    void aHostileJobSeesOnlyItsBundleTheSystemAndItsOwnProcessesColdAndWarm() throws Exception {
        // a name of this run's own: the host's /tmp may hold anything, and must not get this
        String scratch = "deepforge-scratch-" + Long.toHexString(System.nanoTime());
        String code = HOSTILE.replace("%DATA%", data.toRealPath().toString()).replace("%RUNS%", runs.toRealPath().toString())
                .replace("%SERVER%", Long.toString(ProcessHandle.current().pid())).replace("%SECRET_ENV%", "JAVA_HOME")
                .replace("%SCRATCH%", scratch);
        for (boolean w : new boolean[] {false, true}) {
            String how = w ? "warm" : "cold";
            Path b = bundle("hostile-" + how, code);
            JsonNode r = run(w ? warmCompute : cold, b, Json.MAPPER.createObjectNode(), w);
            // (writing into the data directory's path may succeed here: it lies under /tmp, and so in the job's private
            // /tmp, which vanishes with the job; the host's data directory stays untouched, checked below)
            for (String attempt : List.of("secrets", "rundb", "sibling", "shadow", "server_environ", "kill_server",
                    "write_usr", "write_etc", "write_input", "replace_input")) {
                assertThat(r.path(attempt).asText()).as(how + ": " + attempt).startsWith("failed");
            }
            assertThat(r.path("list_runs").asText()).as(how + ": only its own execution is in the runs directory")
                    .isEqualTo("done: ['execution']");
            // cold: bwrap's init and itself; warm: itself, PID 1 of its own namespace
            assertThat(r.path("processes").toString()).as(how + ": the processes it sees").isEqualTo(w ? "[1]" : "[1,2]");
            assertThat(r.path("init_environ_has_server").asBoolean()).isFalse();
            assertThat(r.path("input").asText()).isEqualTo("my input");
            assertThat(r.path("tmp").asText()).isEqualTo("scratch");
            // a private /tmp: its scratch file and (the data directory lies under /tmp here) the path down to its bundle
            // (the checkout may lie under /tmp too, as a CI clone does: then the path down to the runtime shows)
            java.util.Set<String> pathsDown = new java.util.HashSet<>(List.of(scratch, data.getFileName().toString()));
            if (runtime.startsWith("/tmp")) {
                pathsDown.add(runtime.getName(1).toString());
            }
            assertThat(r.path("tmp_listing")).as(how + ": a private /tmp").extracting(JsonNode::asText)
                    .contains(scratch, data.getFileName().toString()).allMatch(pathsDown::contains);
            assertThat(r.path("torch").asDouble()).isEqualTo(2.0);
            assertThat(r.path("thread").asBoolean()).as(how + ": a thread of its own runs and is joined").isTrue();
            assertThat(r.path("fork").asInt()).as(how + ": a process it forks exits with its own code").isEqualTo(7);
            assertThat(r.path("capabilities").toString()).as(how).contains("CapEff:\\t0000000000000000")
                    .contains("CapBnd:\\t0000000000000000").contains("NoNewPrivs:\\t1");
            assertThat(b.resolve("outputs/result.txt")).hasContent("my output");
            assertThat(b.resolve("inputs/values/data")).as(how + ": an input (a stored artifact, linked in) is read-only").hasContent("my input");
            assertThat(b.resolve("outputs/plot.png")).exists();
        }
        assertThat(data.resolve("pwned")).doesNotExist();
        assertThat(Path.of("/usr/pwned")).doesNotExist();
        assertThat(Path.of("/etc/pwned")).doesNotExist();
        assertThat(Path.of("/tmp", scratch)).doesNotExist();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
        assertThat(runs.resolve("other-execution/job/model.pt")).hasContent("another user's model");
    }

    @Test
    void theNetworkIsOnByDefaultAndOffWhenTheExecutionTurnsItOff() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String code = """
                    import json, socket
                    try:
                        socket.create_connection(("127.0.0.1", %PORT%), timeout=5).close()
                        r = "connected"
                    except OSError as e:
                        r = "failed: %s" % e
                    json.dump({"connect": r}, open("results.json", "w"))
                    """.replace("%PORT%", Integer.toString(listening.getLocalPort()));
            var off = Json.MAPPER.createObjectNode().put("network", false);
            for (boolean w : new boolean[] {false, true}) {
                LocalCompute c = w ? warmCompute : cold;
                String how = w ? "warm" : "cold";
                assertThat(run(c, bundle("net-on-" + how, code), Json.MAPPER.createObjectNode(), w).path("connect").asText())
                        .as(how).isEqualTo("connected");
                assertThat(run(c, bundle("net-off-" + how, code), off, w).path("connect").asText()).as(how).startsWith("failed");
            }
        }
    }

    @Test
    void aServerWithoutJobNetworkRefusesAnExecutionAskingForItAndTheSchemaSaysSo() {
        Sandbox sandbox = ((Sandbox.Probe.Works) Sandbox.probe()).sandbox();
        LocalCompute noNet = new LocalCompute(PYTHON, 1, Optional.empty(), Optional.empty(), new JobIsolation.Sandboxed(sandbox, false));
        assertThat(noNet.configSchema().path("properties").path("network").path("default").asBoolean()).isFalse();
        assertThat(cold.configSchema().path("properties").path("network").path("type").asText()).isEqualTo("boolean");
        assertThatThrownBy(() -> noNet.validate(Json.MAPPER.createObjectNode().put("network", true)))
                .hasMessageContaining("no network");
        assertThatThrownBy(() -> cold.validate(Json.MAPPER.createObjectNode().put("network", "yes")))
                .hasMessageContaining("true or false");
    }

    @Test
    void withoutAWorkingSandboxLocalJobsAreRefusedSayingWhy() throws Exception {
        assertThat(Sandbox.probe("/nonexistent/bwrap")).isInstanceOf(Sandbox.Probe.Fails.class);
        var refused = new JobIsolation.Refused(((Sandbox.Probe.Fails) Sandbox.probe("/nonexistent/bwrap")).why());
        LocalCompute c = new LocalCompute(PYTHON, 1, Optional.empty(), Optional.empty(), refused);
        Path b = bundle("refused", "open('ran', 'w').write('x')\n");
        assertThatThrownBy(() -> c.validate(Json.MAPPER.createObjectNode())).hasMessageContaining("bubblewrap")
                .hasMessageContaining("--unsafe-no-sandbox");
        assertThatThrownBy(() -> c.submit(b, Map.of(), Json.MAPPER.createObjectNode())).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot run jobs in a sandbox");
        assertThat(b.resolve("ran")).doesNotExist();
    }
}
