package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.bundle.FakeLibrary;
import org.deepforge.exec.bundle.LibraryPackages;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.compute.SlurmCluster;
import org.deepforge.exec.compute.SlurmCompute;
import org.deepforge.exec.sandbox.JobIsolation;
import org.deepforge.model.Json;
import org.deepforge.ops.OperationRules;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs of a project with a library (docs/libraries.md), run for real on the local adapter in its sandbox with the runtime
 * and the library's packages linked (and on the Slurm test cluster with both copied): one job saves a library type with
 * the library's serializer, the next loads it.
 */
class LibraryJobsTest {
    @TempDir
    Path dir;
    Engine engine;
    final Map<String, JobStatus> statuses = new ConcurrentHashMap<>();
    final Map<String, String> messages = new ConcurrentHashMap<>();
    final List<String> console = new CopyOnWriteArrayList<>();
    final Map<String, JobStatus> finished = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    JsonNode start(LibraryPackages.Packages packages, String execution) throws Exception {
        LocalCompute local = new LocalCompute("/usr/bin/python3", 1);
        assertThat(local.isolation()).as("jobs run in the sandbox here").isInstanceOf(JobIsolation.Sandboxed.class);
        return start(packages, execution, local, true);
    }

    JsonNode start(LibraryPackages.Packages packages, String execution, ComputeAdapter compute, boolean link) throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        engine = new Engine(new BundleWriter(runtime.root(), link, ArchitectureModules.NONE, FakeLibrary.always(packages)), compute,
                dir.resolve("runs"), 2, new RunListener() {
                    @Override
                    public void status(String execution, String job, JobStatus status, String message) {
                        statuses.put(job, status);
                        if (message != null) {
                            messages.put(job, message);
                        }
                    }

                    @Override
                    public void console(String execution, String job, List<String> lines) {
                        lines.forEach(l -> console.add(job + ": " + l));
                    }

                    @Override
                    public void finished(String execution, JobStatus status) {
                        finished.put(execution, status);
                    }
                });
        ObjectNode model = (ObjectNode) Json.MAPPER.readTree("""
            {"project": {"name": "l", "libraries": {"fakelib": "1.0.0"}}, "architectures": {}, "artifacts": {}, "utils": {},
             "operations": {
               "Make": {"code": "from fakelib import Thing\\n\\n\\nclass Make:\\n    def execute(self):\\n        thing = Thing(21)\\n        return thing\\n"},
               "Use": {"code": "from fakelib.util import double\\n\\n\\nclass Use:\\n    def execute(self, thing):\\n        print('loaded', type(thing).__module__, type(thing).__name__, double(thing))\\n        result = double(thing)\\n        return result\\n"}},
             "pipelines": {"p": {"name": "things", "nodes": {"make": {"operation": "Make"}, "use": {"operation": "Use"}},
               "connections": {"c1": {"from": {"node": "make", "port": "thing"}, "to": {"node": "use", "port": "thing"}}}}}}
            """);
        try (Analysis analysis = new Analysis("/usr/bin/python3", runtime.root(), Duration.ofSeconds(20))) {
            JsonNode prepared = new OperationRules(analysis).prepare(Json.MAPPER.createObjectNode(), model);
            engine.start(execution, prepared, "p");
            return prepared;
        }
    }

    @Test
    void aJobSavesALibraryTypeWithItsSerializerAndTheNextJobLoadsItInTheSandbox() throws Exception {
        start(FakeLibrary.write(dir.resolve("library")), "e1");
        await().atMost(Duration.ofSeconds(120)).until(() -> finished.containsKey("e1"));
        assertThat(finished.get("e1")).as("%s %s", messages, console).isEqualTo(JobStatus.SUCCESS);
        Path make = dir.resolve("runs/e1/make");
        assertThat(Files.isSymbolicLink(make.resolve("fakelib"))).as("linked, as the runtime is").isTrue();
        JsonNode meta = Json.MAPPER.readTree(make.resolve("outputs/thing/meta.json").toFile());
        assertThat(meta.path("type").asText()).isEqualTo("fakelib.Thing");
        assertThat(Files.readString(make.resolve("outputs/thing/data"))).isEqualTo("thing:21");
        assertThat(console).contains("use: loaded fakelib Thing 42");
    }

    @Test
    void onSlurmTheLibraryTravelsAsACopyWithTheRuntime() throws Exception {
        start(FakeLibrary.write(dir.resolve("library")), "e3", new SlurmCompute(SlurmCluster.clientEnv()), false);
        await().atMost(Duration.ofSeconds(180)).until(() -> finished.containsKey("e3"));
        assertThat(finished.get("e3")).as("%s %s", messages, console).isEqualTo(JobStatus.SUCCESS);
        Path make = dir.resolve("runs/e3/make");
        assertThat(Files.isSymbolicLink(make.resolve("fakelib"))).isFalse();
        assertThat(make.resolve("fakelib/__init__.py")).exists();
        assertThat(Json.MAPPER.readTree(make.resolve("outputs/thing/meta.json").toFile()).path("type").asText()).isEqualTo("fakelib.Thing");
        assertThat(console).contains("use: loaded fakelib Thing 42");
    }

    @Test
    void aLibraryModuleThatCannotBeImportedFailsTheJobNamingIt() throws Exception {
        LibraryPackages.Packages packages = FakeLibrary.write(dir.resolve("library"));
        start(new LibraryPackages.Packages(packages.roots(), List.of("fakelib", "nosuchlib")), "e2");
        await().atMost(Duration.ofSeconds(120)).until(() -> finished.containsKey("e2"));
        assertThat(finished.get("e2")).isEqualTo(JobStatus.FAILED);
        assertThat(statuses).containsEntry("make", JobStatus.FAILED).containsEntry("use", JobStatus.SKIPPED);
        assertThat(messages.get("make")).startsWith("ImportError: the library module nosuchlib could not be imported");
    }
}
