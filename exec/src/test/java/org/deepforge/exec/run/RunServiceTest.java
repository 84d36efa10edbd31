package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;
import org.deepforge.store.StoreException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.storage.LocalStorage;
import org.deepforge.model.Json;
import org.deepforge.ops.OperationRules;
import org.deepforge.ops.Operations;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;
import org.deepforge.store.Author;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.Tag;
import org.deepforge.store.VersionControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run service over a real project store, analysis process, run database and local compute; no HTTP. */
class RunServiceTest {
    static final Author ADA = new Author("ada", "Ada", "ada@localhost");
    static final String COUNT = "class Count:\n    def __init__(self, n=3):\n        self.n = n\n\n"
            + "    def execute(self):\n        print('counted', self.n)\n        return self.n\n";

    @TempDir
    Path dir;
    Analysis analysis;
    ProjectStore store;
    VersionControl vc;
    Executions executions;
    RunService runs;
    String project;
    /** How often the run service resolved an execution's compute and storage choices. */
    final AtomicInteger resolved = new AtomicInteger();
    final Map<String, JobStatus> finished = new ConcurrentHashMap<>();
    /** Statuses the executions took before finishing, as listeners are told. */
    final Map<String, JobStatus> started = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        PythonRuntime runtime = PythonRuntime.unpack(dir.resolve("runtime"));
        analysis = new Analysis("/usr/bin/python3", runtime.root(), Duration.ofSeconds(20));
        store = new ProjectStore(dir.resolve("data"));
        store.setHook(new OperationRules(analysis));
        vc = new VersionControl(store);
        LocalCompute compute = new LocalCompute("/usr/bin/python3", 1);
        LocalStorage storage = new LocalStorage(dir.resolve("artifacts"));
        Placement.Resolver placements = execution -> {
            resolved.incrementAndGet();
            for (String kind : new String[] {"compute", "storage"}) {
                String adapter = execution.path(kind).path("adapter").asText("local");
                if (!adapter.equals("local")) {
                    throw new IllegalArgumentException(kind + " adapter \"" + adapter + "\" is not available on this server; choose one of local");
                }
            }
            return new Placement(compute, execution.path("compute"), storage);
        };
        executions = new Executions(new SqliteRunStore(dir.resolve("runs.db")), dir.resolve("runs"), new BundleWriter(runtime.root()),
                placements, ArtifactSink.NONE, 2, new RunListener() {
                    @Override
                    public void status(String execution, String job, JobStatus status, String message) {}

                    @Override
                    public void console(String execution, String job, java.util.List<String> lines) {}

                    @Override
                    public void executionStatus(String execution, JobStatus status) {
                        started.put(execution, status);
                    }

                    @Override
                    public void finished(String execution, JobStatus status) {
                        finished.put(execution, status);
                    }
                });
        resolved.set(0);
        runs = new RunService(store, vc, new Operations(store, analysis), executions, placements);
        ObjectNode content = (ObjectNode) Json.MAPPER.readTree("""
            {"operations": {"Count": {"code": %s}},
             "pipelines": {"p": {"name": "Counting", "nodes": {"count": {"operation": "Count", "attributes": {"n": 4}}}, "connections": {}}}}
            """.formatted(Json.compact(Json.MAPPER.getNodeFactory().textNode(COUNT))));
        project = store.create("Runs", "", content, ADA).id();
    }

    @AfterEach
    void tearDown() throws Exception {
        executions.close();
        store.close();
        analysis.close();
    }

    RunService.Request request(String pipeline, JsonNode storage) {
        return new RunService.Request(project, pipeline, Optional.empty(), Optional.empty(), "ada", RunSpec.local(), storage,
                RunSpec.CachePolicy.USE);
    }

    String head() throws Exception {
        return store.model(project, "main").commit();
    }

    void edit(String path, JsonNode value) throws Exception {
        var patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "replace").put("path", path).set("value", value);
        store.apply(project, "main", new ChangeSet(Optional.empty(), "edit " + path, patch, ADA));
    }

    JsonNode awaitFinished(String id) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> finished.containsKey(id));
        return runs.get(id).toJson();
    }

    @Test
    void aRunIsRecordedAtTheBranchHeadTaggedAndNamedAfterItsPipeline() throws Exception {
        String commit = head();
        ObjectNode e = runs.run(request("p", RunSpec.local())).toJson();
        String id = e.get("id").asText();
        assertThat(e.get("project").asText()).isEqualTo(project);
        assertThat(e.get("branch").asText()).isEqualTo("main");
        assertThat(e.get("commit").asText()).isEqualTo(commit);
        assertThat(e.get("tag").asText()).isEqualTo("runs/" + id);
        assertThat(e.get("name").asText()).isEqualTo("Counting");
        assertThat(e.get("user").asText()).isEqualTo("ada");
        assertThat(vc.tags(project, VersionControl.TagKind.RUN, Optional.empty(), 1000).tags()).contains(new Tag("runs/" + id, commit));
        JsonNode done = awaitFinished(id);
        assertThat(done.get("status").asText()).isEqualTo("success");
        assertThat(runs.log(id, "count", 0, 100).get("lines").toString()).contains("counted 4");
        assertThat(runs.list(project, ExecutionFilter.ALL, Optional.empty(), 50).items()).extracting(Execution::id).containsExactly(id);
        assertThat(runs.projectOf(id)).contains(project);
    }

    @Test
    void theComputeAndStorageChoicesAreResolvedOnceARun() throws Exception {
        runs.run(request("p", RunSpec.local()));
        assertThat(resolved).hasValue(1);
    }

    @Test
    void aStorageThatIsNotAvailableIsRefusedBeforeAnythingIsRecordedOrTagged() throws Exception {
        assertThatThrownBy(() -> runs.run(request("p", Json.MAPPER.createObjectNode().put("adapter", "nowhere"))))
                .isInstanceOfSatisfying(RunException.class, x -> assertThat(x.kind()).isEqualTo(StoreException.Kind.BAD_REQUEST))
                .hasMessageContaining("storage adapter \"nowhere\" is not available");
        assertThat(runs.list(project, ExecutionFilter.ALL, Optional.empty(), 50).items()).isEmpty();
        assertThat(vc.tags(project, VersionControl.TagKind.RUN, Optional.empty(), 1000).tags()).noneMatch(t -> t.name().startsWith("runs/"));
    }

    @Test
    void aPipelineWithProblemsIsRefusedWithTheProblemsAsDetailAndNothingIsRecorded() throws Exception {
        edit("/operations/Count/code", Json.MAPPER.getNodeFactory().textNode(COUNT.replace("def execute(self):", "def execute(self, data):")));
        assertThatThrownBy(() -> runs.run(request("p", RunSpec.local())))
                .isInstanceOfSatisfying(RunException.class, x -> {
                    assertThat(x.kind()).isEqualTo(StoreException.Kind.BAD_REQUEST);
                    assertThat(x.detail().orElseThrow().path("problems").get(0).path("port").asText()).isEqualTo("data");
                })
                .hasMessageContaining("1 problem to fix before it can run");
        assertThat(runs.list(project, ExecutionFilter.ALL, Optional.empty(), 50).items()).isEmpty();
    }

    @Test
    void anExactRerunRunsTheRecordedCommitAndARerunWithTheCurrentCodeRunsTheHead() throws Exception {
        String first = runs.run(request("p", RunSpec.local())).id();
        awaitFinished(first);
        JsonNode recorded = runs.get(first).toJson();
        edit("/pipelines/p/nodes/count/attributes/n", Json.MAPPER.getNodeFactory().numberNode(7));

        ObjectNode exact = runs.rerun(first, RunService.Code.RECORDED, "bob", RunSpec.CachePolicy.USE).toJson();
        assertThat(exact.get("commit").asText()).isEqualTo(recorded.get("commit").asText());
        assertThat(exact.get("tag").asText()).isEqualTo(recorded.get("tag").asText());
        assertThat(exact.get("name").asText()).isEqualTo("Counting (rerun)");
        assertThat(exact.get("user").asText()).isEqualTo("bob");
        awaitFinished(exact.get("id").asText());

        ObjectNode current = runs.rerun(exact.get("id").asText(), RunService.Code.CURRENT, "bob", new RunSpec.CachePolicy(true, java.util.Set.of())).toJson();
        String id = current.get("id").asText();
        assertThat(current.get("commit").asText()).isEqualTo(head());
        assertThat(current.get("tag").asText()).isEqualTo("runs/" + id);
        assertThat(current.get("name").asText()).isEqualTo("Counting (run again with the current code)");
        awaitFinished(id);
        assertThat(runs.log(id, "count", 0, 100).get("lines").toString()).contains("counted 7");
    }

    @Test
    void sinceNamesTheOperationThatChangedAfterARun() throws Exception {
        String id = runs.run(request("p", RunSpec.local())).id();
        awaitFinished(id);
        edit("/operations/Count/code", Json.MAPPER.getNodeFactory().textNode(COUNT.replace("counted", "now counted")));
        ObjectNode since = runs.since(id);
        assertThat(since.get("recorded").get("commit").asText()).isEqualTo(runs.get(id).run().commit());
        assertThat(since.get("current").get("commit").asText()).isEqualTo(head());
        assertThat(since.get("changed").get(0).get("summary").asText()).isEqualTo("Count changed since this run");
    }

    @Test
    void rerunningTheCurrentCodeOfAPipelineThatIsGoneIsAConflictThatSaysToRerunExactly() throws Exception {
        String id = runs.run(request("p", RunSpec.local())).id();
        awaitFinished(id);
        var patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "remove").put("path", "/pipelines/p");
        store.apply(project, "main", new ChangeSet(Optional.empty(), "remove p", patch, ADA));
        assertThatThrownBy(() -> runs.rerun(id, RunService.Code.CURRENT, "ada", RunSpec.CachePolicy.USE))
                .isInstanceOfSatisfying(RunException.class, x -> assertThat(x.kind()).isEqualTo(StoreException.Kind.CONFLICT))
                .hasMessageContaining("rerun exactly");
    }

    @Test
    void aPipelineTheEngineCannotRunIsRefusedWithTheEnginesReason() throws Exception {
        var patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "add").put("path", "/pipelines/outer").set("value", Json.MAPPER.readTree(
                "{\"name\": \"Outer\", \"nodes\": {\"inner\": {\"pipeline\": \"p\"}}, \"connections\": {}}"));
        store.apply(project, "main", new ChangeSet(Optional.empty(), "add outer", patch, ADA));
        assertThatThrownBy(() -> runs.run(request("outer", RunSpec.local())))
                .isInstanceOfSatisfying(RunException.class, x -> assertThat(x.kind()).isEqualTo(StoreException.Kind.BAD_REQUEST))
                .hasMessageContaining("sub-pipeline");
        assertThat(runs.list(project, ExecutionFilter.ALL, Optional.empty(), 50).items()).as("a refused run leaves no execution behind")
                .noneMatch(e -> e.run().pipeline().equals("outer"));
        assertThat(vc.tags(project, VersionControl.TagKind.RUN, Optional.empty(), 1000).tags()).as("nor a tag").noneMatch(t -> t.name().startsWith("runs/"));
    }

    @Test
    void anExecutionThatDoesNotExistIsNotFound() {
        assertThatThrownBy(() -> runs.get("enothere"))
                .isInstanceOfSatisfying(RunException.class, x -> assertThat(x.kind()).isEqualTo(StoreException.Kind.NOT_FOUND));
    }

    @Test
    void anExecutionIsRunningAndListenersAreToldAsSoonAsItsFirstJobRuns() throws Exception {
        // the job waits for a file in its own bundle (the one place of this machine its sandbox shares)
        String code = "import os\nimport time\n\nclass Gate:\n    def execute(self):\n"
                + "        while not os.path.exists('gate'):\n"
                + "            time.sleep(0.05)\n        opened = 1\n        return opened\n";
        var patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "add").put("path", "/operations/Gate").putObject("value").put("code", code);
        patch.addObject().put("op", "add").put("path", "/pipelines/g").set("value", Json.MAPPER.readTree(
                "{\"name\": \"Gated\", \"nodes\": {\"gate\": {\"operation\": \"Gate\"}}, \"connections\": {}}"));
        store.apply(project, "main", new ChangeSet(Optional.empty(), "gated pipeline", patch, ADA));

        String id = runs.run(request("g", RunSpec.local())).toJson().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> started.containsKey(id));
        assertThat(started.get(id)).isEqualTo(JobStatus.RUNNING);
        // the job still waits for the gate: the execution is running, not pending
        JsonNode during = runs.get(id).toJson();
        assertThat(during.get("status").asText()).isEqualTo("running");
        assertThat(finished).doesNotContainKey(id);

        java.nio.file.Files.writeString(dir.resolve("runs").resolve(id).resolve("gate").resolve("gate"), "open");
        assertThat(awaitFinished(id).get("status").asText()).isEqualTo("success");
    }
}
