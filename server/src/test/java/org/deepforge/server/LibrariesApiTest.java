package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Libraries over REST (docs/libraries.md): the server's, a project's (add, remove, upgrade), installing from a zip, hostile libraries. */
class LibrariesApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(ServerConfig.builder(Files.createTempDirectory("deepforge-libraries"))
                .library(library("testlib-1")).library(library("testlib-2"))
                .library(library("brokenlib-1")).library(library("brokenlib-2")).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Path library(String name) throws URISyntaxException {
        return Path.of(LibrariesApiTest.class.getResource("/libraries/" + name).toURI());
    }

    @Test
    void theServerListsPyTorchWithItsKindWhoseCatalogIsTheLayerCatalog() throws Exception {
        JsonNode libraries = server.get("/api/v1/libraries").json();
        JsonNode pytorch = find(libraries, "pytorch");
        assertThat(pytorch.path("kinds").findValuesAsText("id")).containsExactly("pytorch");
        assertThat(pytorch.path("operations").toString()).contains("Train");
        assertThat(pytorch.path("examples").toString()).contains("digits").contains("redshift");
        JsonNode testlib = find(libraries, "testlib");
        assertThat(testlib.path("version").asText()).isEqualTo("2");
        assertThat(testlib.path("versions").toString()).isEqualTo("[\"1\",\"2\"]");
        assertThat(testlib.path("kinds")).isEmpty();
        assertThat(testlib.path("operations").toString()).isEqualTo("[\"Normalize\"]");

        var generic = server.get("/api/v1/libraries/pytorch/kinds/pytorch/catalog");
        assertThat(generic.status()).isEqualTo(200);
        assertThat(generic.body()).isEqualTo(server.get("/api/v1/catalog/layers").body());
        assertThat(server.get("/api/v1/libraries/pytorch/kinds/nosuch/catalog").status()).isEqualTo(404);
        assertThat(server.get("/api/v1/libraries/nosuch/kinds/pytorch/catalog").status()).isEqualTo(404);

        JsonNode operations = server.get("/api/v1/catalog/operations").json();
        assertThat(operations.findValuesAsText("library")).contains("pytorch", "testlib");
    }

    @Test
    void aProjectMadeWithOnlyATestLibraryHasNoPyTorchKindAndItsOperation() throws Exception {
        var created = server.post("/api/v1/projects", "{\"name\":\"Only testlib\",\"libraries\":[\"testlib\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String p = created.json().get("id").asText();
        JsonNode libraries = server.get("/api/v1/projects/" + p + "/libraries").json();
        assertThat(libraries.findValuesAsText("id")).containsExactly("testlib");
        assertThat(libraries.get(0).path("version").asText()).isEqualTo("2");
        assertThat(libraries.findValues("kinds").get(0)).isEmpty();
        JsonNode model = server.get("/api/v1/projects/" + p + "/model").json().get("model");
        assertThat(model.path("project").path("libraries").toString()).isEqualTo("{\"testlib\":\"2\"}");
        assertThat(model.path("operations").fieldNames()).toIterable().containsExactly("Normalize");
        assertThat(model.path("operations").path("Normalize").path("library").asText()).isEqualTo("testlib");

        var unknown = server.post("/api/v1/projects", "{\"name\":\"X\",\"libraries\":[\"tensorflow\"]}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").asText()).contains("tensorflow").contains("brokenlib, pytorch, sklearn, testlib");
        assertThat(server.post("/api/v1/projects", "{\"name\":\"X\",\"libraries\":\"testlib\"}").status()).isEqualTo(400);
    }

    @Test
    void aLibraryIsAddedWithItsOperationsKeepingAProjectsOwnOfTheSameName() throws Exception {
        String p = server.createProject("Add");
        String mine = Json.MAPPER.writeValueAsString("class Normalize:\n    def execute(self, data):\n        return data\n");
        assertThat(server.change(p, "main", null, "[{'op':'add','path':'/operations/Normalize','value':{'code':" + mine.replace('"', '\'') + "}}]").status()).isIn(200, 201);
        int before = commits(p).size();
        var added = server.post("/api/v1/projects/" + p + "/libraries", "{\"id\":\"testlib\",\"version\":\"1\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.json().path("kept").toString()).isEqualTo("[\"Normalize\"]");
        assertThat(added.json().path("version").asText()).isEqualTo("1");
        assertThat(commits(p)).hasSize(before + 1);
        JsonNode model = server.get("/api/v1/projects/" + p + "/model").json().get("model");
        assertThat(model.path("project").path("libraries").path("testlib").asText()).isEqualTo("1");
        assertThat(model.path("project").path("libraries").path("pytorch").asText()).isEqualTo("1.0.0");
        assertThat(model.path("operations").path("Normalize").has("library")).isFalse();

        assertThat(server.post("/api/v1/projects/" + p + "/libraries", "{\"id\":\"testlib\"}").status()).isEqualTo(409);
        assertThat(server.post("/api/v1/projects/" + p + "/libraries", "{\"id\":\"nosuch\"}").status()).isEqualTo(404);
        assertThat(server.post("/api/v1/projects/" + p + "/libraries", "{\"id\":\"testlib\",\"version\":\"7\"}").json().path("error").asText())
                .contains("1, 2");
        assertThat(server.post("/api/v1/projects/" + p + "/libraries", "{\"version\":\"1\"}").status()).isEqualTo(400);
        assertThat(server.post("/api/v1/projects/" + p + "/libraries", "{\"id\":").status()).isEqualTo(400);
        assertThat(server.post("/api/v1/projects/" + p + "/libraries?branch=nosuch", "{\"id\":\"testlib\"}").status()).isEqualTo(404);
    }

    @Test
    void anUpgradeMigratesTheProjectsFilesAndRecordsTheVersionInOneCommit() throws Exception {
        String p = server.createProject("Upgrade");
        assertThat(server.post("/api/v1/projects/" + p + "/libraries", "{\"id\":\"testlib\",\"version\":\"1\"}").status()).isEqualTo(201);
        assertThat(server.change(p, "main", null, "[{'op':'add','path':'/pipelines/pl','value':{'name':'Scale','nodes':"
                + "{'n1':{'operation':'Normalize','attributes':{'scale':2}}},'connections':{}}}]").status()).isIn(200, 201);
        JsonNode listed = server.get("/api/v1/projects/" + p + "/libraries").json();
        JsonNode testlib = find(listed, "testlib");
        assertThat(testlib.path("upgrade").asText()).isEqualTo("2");
        assertThat(testlib.path("usedBy").findValuesAsText("node")).containsExactly("n1");
        String head = server.head(p, "main");

        var upgraded = server.post("/api/v1/projects/" + p + "/libraries/testlib/upgrade", "{}");
        assertThat(upgraded.status()).as(upgraded.body()).isEqualTo(200);
        assertThat(upgraded.json().path("version").asText()).isEqualTo("2");

        JsonNode commits = commits(p);
        assertThat(commits.get(0).path("id").asText()).isEqualTo(upgraded.json().path("commit").asText());
        assertThat(commits.get(0).path("parents").toString()).isEqualTo("[\"" + head + "\"]");
        assertThat(commits.get(0).path("message").asText()).startsWith("Upgrade library Test library from 1 to 2");
        JsonNode diff = server.get("/api/v1/projects/" + p + "/diff?from=" + head + "&to=" + commits.get(0).path("id").asText()).json();
        assertThat(diff.toString()).contains("libraries").contains("Normalize").contains("factor");

        JsonNode model = server.get("/api/v1/projects/" + p + "/model").json().get("model");
        assertThat(model.path("project").path("libraries").path("testlib").asText()).isEqualTo("2");
        assertThat(model.path("operations").path("Normalize").path("code").asText()).contains("self.factor = factor").doesNotContain("scale");
        assertThat(model.path("pipelines").path("pl").path("nodes").path("n1").path("attributes").toString()).isEqualTo("{\"factor\":2}");

        var again = server.post("/api/v1/projects/" + p + "/libraries/testlib/upgrade", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("error").asText()).contains("not older than 2");
        assertThat(server.post("/api/v1/projects/" + p + "/libraries/nosuch/upgrade", "{}").status()).isEqualTo(404);
    }

    @Test
    void aMigrationThatFailsRefusesTheUpgradeWith422AndItsMessageCommittingNothing() throws Exception {
        String p = server.createProject("Broken");
        assertThat(server.post("/api/v1/projects/" + p + "/libraries", "{\"id\":\"brokenlib\",\"version\":\"1\"}").status()).isEqualTo(201);
        String head = server.head(p, "main");
        var refused = server.post("/api/v1/projects/" + p + "/libraries/brokenlib/upgrade", "{\"version\":\"2\"}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("error").asText()).contains("from 1 to 2").contains("no widgets found");
        assertThat(server.head(p, "main")).isEqualTo(head);
        assertThat(server.post("/api/v1/projects/" + p + "/libraries/brokenlib/upgrade", "{\"version\":3}").status()).isEqualTo(400);
    }

    @Test
    void removingALibraryStillUsedIsRefusedNamingTheUsesAndAnUnusedOneGoesWithItsOperationsInOneCommit() throws Exception {
        String p = server.createProject("Remove");
        assertThat(server.post("/api/v1/projects/" + p + "/libraries", "{\"id\":\"testlib\"}").status()).isEqualTo(201);
        // a mention in a string or a comment is not an import: only Python's grammar decides
        String uses = Json.MAPPER.writeValueAsString("import testlib_runtime.sub as t\n\n\nclass Version:\n"
                + "    def execute(self):\n        v = t.VERSION\n        return v\n");
        String mentions = Json.MAPPER.writeValueAsString("# import testlib_runtime\nclass Mention:\n    \"\"\"import testlib_runtime\"\"\"\n\n"
                + "    def execute(self):\n        text = 'import testlib_runtime'\n        return text\n");
        String patch = "[{\"op\":\"add\",\"path\":\"/operations/Version\",\"value\":{\"code\":" + uses + "}},"
                + "{\"op\":\"add\",\"path\":\"/operations/Mention\",\"value\":{\"code\":" + mentions + "}},"
                + "{\"op\":\"add\",\"path\":\"/pipelines/pl\",\"value\":{\"name\":\"Uses\",\"nodes\":{\"n1\":{\"operation\":\"Normalize\"}},\"connections\":{}}}]";
        assertThat(server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":" + patch + "}").status()).isIn(200, 201);

        var refused = server.send("DELETE", "/api/v1/projects/" + p + "/libraries/testlib", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("error").asText()).contains("operation Version imports testlib_runtime").contains("node n1 runs Normalize")
                .doesNotContain("Mention");
        assertThat(refused.json().path("usedBy").findValuesAsText("name")).containsExactlyInAnyOrder("Version", "Normalize");

        assertThat(server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"remove\",\"path\":\"/operations/Version\"},"
                + "{\"op\":\"remove\",\"path\":\"/pipelines/pl\"}]}").status()).isIn(200, 201);
        int before = commits(p).size();
        var removed = server.send("DELETE", "/api/v1/projects/" + p + "/libraries/testlib", null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(removed.json().path("operations").toString()).isEqualTo("[\"Normalize\"]");
        assertThat(commits(p)).hasSize(before + 1);
        JsonNode model = server.get("/api/v1/projects/" + p + "/model").json().get("model");
        assertThat(model.path("operations").has("Normalize")).isFalse();
        assertThat(model.path("operations").has("Mention")).isTrue();
        assertThat(model.path("operations").has("Train")).isTrue();
        assertThat(model.path("project").path("libraries").toString()).isEqualTo("{\"pytorch\":\"1.0.0\"}");
        assertThat(server.send("DELETE", "/api/v1/projects/" + p + "/libraries/testlib", null).status()).isEqualTo(404);
    }

    @Test
    void anotherLibrarysBuiltInThatImportsTheLibraryDoesNotHoldItInTheProject() throws Exception {
        var created = server.post("/api/v1/projects", "{\"name\":\"Both\",\"libraries\":[\"pytorch\",\"sklearn\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String p = created.json().get("id").asText();
        JsonNode model = server.get("/api/v1/projects/" + p + "/model").json().get("model");
        // PyTorch's ReduceDimensions runs scikit-learn's t-SNE: it is PyTorch's, not a use of the sklearn library
        assertThat(model.at("/operations/ReduceDimensions/code").asText()).contains("sklearn");
        assertThat(model.at("/operations/ReduceDimensions/library").asText()).isEqualTo("pytorch");
        var removed = server.send("DELETE", "/api/v1/projects/" + p + "/libraries/sklearn", null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        JsonNode after = server.get("/api/v1/projects/" + p + "/model").json().get("model");
        assertThat(after.path("operations").has("ReduceDimensions")).isTrue();
        assertThat(after.path("operations").has("FitEstimator")).isFalse();
    }

    @Test
    void anArchitectureOfAKindNoLibraryProvidesIsAnsweredWith422NamingIt() throws Exception {
        String p = server.createProject("Kinds");
        var analysis = server.post("/api/v1/projects/" + p + "/analysis/architecture",
                "{\"kind\":\"tensorflow-graph\",\"name\":\"x\",\"layers\":{},\"connections\":{}}");
        assertThat(analysis.status()).isEqualTo(422);
        assertThat(analysis.json().path("error").asText()).contains("\"tensorflow-graph\"");
        assertThat(server.change(p, "main", null, "[{'op':'add','path':'/architectures/a1','value':{'kind':'tensorflow-graph','name':'x',"
                + "'layers':{},'connections':{}}}]").status()).isIn(200, 201);
        assertThat(server.get("/api/v1/projects/" + p + "/architectures/a1/code").status()).isEqualTo(422);
        assertThat(server.get("/api/v1/projects/" + p + "/architectures/a1/analysis").status()).isEqualTo(422);
    }

    @Test
    void aZippedLibraryIsUnpackedIntoTheDataDirectoryAndInstalled(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("testlib.zip");
        zip(library("testlib-2"), zip, "testlib/");
        try (TestServer zipped = new TestServer(ServerConfig.builder(dir.resolve("data")).library(zip).build())) {
            JsonNode testlib = find(zipped.get("/api/v1/libraries").json(), "testlib");
            assertThat(testlib.path("versions").toString()).isEqualTo("[\"2\"]");
            assertThat(dir.resolve("data/libraries/testlib-2/migrations/from-1.py")).isRegularFile();
            assertThat(dir.resolve("data/runtime/python/libraries/installed/testlib-2/python/testlib_runtime/__init__.py")).hasContent("VERSION = \"2\"");
        }
    }

    @Test
    void aZipWhoseEntryPointsOutsideItsFolderIsRefusedAtStartWritingNothing(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("evil.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            entry(out, "library.json", Files.readString(library("testlib-1").resolve("library.json")));
            entry(out, "../../evil.py", "print('owned')\n");
        }
        Path data = dir.resolve("data");
        assertThatThrownBy(() -> new TestServer(ServerConfig.builder(data).library(zip).build()).close())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../../evil.py").hasMessageContaining("outside");
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(f -> f.getFileName().toString().equals("evil.py")).toList()).isEmpty();
        }
        assertThat(data.resolve("libraries/testlib-1")).doesNotExist();
    }

    @Test
    void aLibraryWithABadIdOrTwiceTheSameVersionStopsTheStartWithAClearMessage(@TempDir Path dir) throws Exception {
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(bad.resolve("library.json"), "{\"id\": \"Bad_Lib\", \"version\": \"1\"}");
        assertThatThrownBy(() -> new TestServer(ServerConfig.builder(dir.resolve("data1")).library(bad).build()).close())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.toString()).hasMessageContaining("a library id is")
                .hasMessageContaining("Bad_Lib");
        assertThatThrownBy(() -> new TestServer(ServerConfig.builder(dir.resolve("data2")).library(library("testlib-1"))
                .library(library("testlib-1")).build()).close())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("testlib 1 is installed twice");
    }

    static JsonNode find(JsonNode list, String id) {
        for (JsonNode l : list) {
            if (l.path("id").asText().equals(id)) {
                return l;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
    }

    static JsonNode commits(String project) throws Exception {
        return server.get("/api/v1/projects/" + project + "/commits?ref=main&limit=500").json().get("commits");
    }

    static void zip(Path directory, Path zip, String prefix) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path f : files) {
                entry(out, prefix + directory.relativize(f).toString().replace('\\', '/'), Files.readString(f));
            }
        }
    }

    static void entry(ZipOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
