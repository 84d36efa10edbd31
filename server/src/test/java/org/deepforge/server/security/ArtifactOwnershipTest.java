package org.deepforge.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #12, part 3: artifact data belongs to projects. Tried as a hostile user over real HTTP in accounts mode:
 * Alice keeps private data, Carol tries to read or delete it through shared content addresses, change sets and
 * crafted bundles.
 */
class ArtifactOwnershipTest {
    static final String ROOT_PW = "Root-Secret-pw-1729";
    static final String ALICE_PW = "Alice-Secret-pw-2357";
    static final String CAROL_PW = "Carol-Secret-pw-1113";
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = Agent.accountsServer(true, "root", ROOT_PW);
        Agent.session(server, "alice", ALICE_PW, true);
        Agent.session(server, "carol", CAROL_PW, true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Agent alice() throws Exception {
        return Agent.session(server, "alice", ALICE_PW, false);
    }

    static Agent carol() throws Exception {
        return Agent.session(server, "carol", CAROL_PW, false);
    }

    static String project(Agent who, String name) throws Exception {
        Agent.Reply r = who.post("/api/v1/projects", "{\"name\":\"" + name + "\",\"empty\":true}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** Uploads text as an artifact on {@code branch}; returns its id. */
    static String upload(Agent who, String project, String branch, String name, String text) throws Exception {
        Agent.Reply r = who.send("POST", "/api/v1/projects/" + project + "/branches/" + branch + "/artifacts?name=" + name, text,
                "application/octet-stream");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static Agent.Reply data(Agent who, String project, String artifact, String ref) throws Exception {
        return who.get("/api/v1/projects/" + project + "/artifacts/" + artifact + "/data" + (ref == null ? "" : "?ref=" + ref));
    }

    static Agent.Reply deleteWithData(Agent who, String project, String branch, String artifact) throws Exception {
        return who.send("DELETE", "/api/v1/projects/" + project + "/branches/" + branch + "/artifacts/" + artifact + "?data=true", null);
    }

    static Agent.Reply change(Agent who, String project, String patch) throws Exception {
        return who.post("/api/v1/projects/" + project + "/branches/main/changes", "{\"message\":\"edit\",\"patch\":" + patch.replace('\'', '"') + "}");
    }

    static String head(Agent who, String project, String ref) throws Exception {
        return who.get("/api/v1/projects/" + project + "/model?ref=" + ref).json().get("commit").asText();
    }

    static JsonNode artifact(Agent who, String project, String ref, String id) throws Exception {
        return who.get("/api/v1/projects/" + project + "/model?ref=" + ref).json().at("/model/artifacts/" + id);
    }

    static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Where this server's disk keeps an object (content-addressed by sha256). */
    static Path stored(String sha256) {
        return server.dataDir.resolve("artifacts").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    static String unique(String what) {
        return what + " " + UUID.randomUUID() + "\n";
    }

    @Test
    void deletingTheSameBytesInAnotherUsersProjectKeepsTheDataAndNamesNoPrivateProject() throws Exception {
        Agent alice = alice();
        Agent carol = carol();
        String secret = unique("alice's private measurements");
        String pa = project(alice, "Alice private research");
        String mine = upload(alice, pa, "main", "measurements.txt", secret);
        String pc = project(carol, "Carol probe");
        String hers = upload(carol, pc, "main", "guess.txt", secret);

        Agent.Reply deleted = deleteWithData(carol, pc, "main", hers);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("deleted").asText()).isEqualTo("record");
        assertThat(deleted.json().get("data").asText()).isEqualTo("kept");
        assertThat(deleted.json().get("dataDeleted").asBoolean()).isFalse();
        assertThat(deleted.json().get("reason").asText()).contains("another project").doesNotContain("Alice").doesNotContain(pa);

        Agent.Reply still = data(alice, pa, mine, null);
        assertThat(still.status()).as(still.body()).isEqualTo(200);
        assertThat(still.body()).isEqualTo(secret);
        assertThat(still.headers().firstValue("X-Content-SHA256")).contains(sha256(secret));
        assertThat(stored(sha256(secret))).exists();
    }

    @Test
    void deletingOnABranchKeepsDataThatMainStillUsesAndDataSurvivesTheBranchDelete() throws Exception {
        Agent alice = alice();
        String p = project(alice, "Branches");
        String text = unique("shared by main and feature");
        String id = upload(alice, p, "main", "d.txt", text);
        assertThat(alice.post("/api/v1/projects/" + p + "/branches", "{\"name\":\"feature\",\"from\":\"main\"}").status()).isEqualTo(201);

        Agent.Reply deleted = deleteWithData(alice, p, "feature", id);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("data").asText()).isEqualTo("kept");
        assertThat(deleted.json().get("reason").asText()).contains("1 other artifact").contains("branch main of this project");
        assertThat(alice.send("DELETE", "/api/v1/projects/" + p + "/branches/feature", null).status()).isEqualTo(204);

        Agent.Reply still = data(alice, p, id, "main");
        assertThat(still.status()).as(still.body()).isEqualTo(200);
        assertThat(still.body()).isEqualTo(text);
    }

    @Test
    void dataThatOnlyATagStillRefersToIsKept() throws Exception {
        Agent alice = alice();
        String p = project(alice, "Tagged");
        String text = unique("released with v1");
        String id = upload(alice, p, "main", "release.txt", text);
        assertThat(alice.post("/api/v1/projects/" + p + "/tags", "{\"name\":\"v1\",\"ref\":\"main\"}").status()).isEqualTo(201);

        Agent.Reply deleted = deleteWithData(alice, p, "main", id);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("data").asText()).isEqualTo("kept");
        assertThat(deleted.json().get("reason").asText()).contains("tag v1 of this project");
        assertThat(stored(sha256(text))).exists();
        Agent.Reply atTag = data(alice, p, id, "v1");
        assertThat(atTag.status()).as(atTag.body()).isEqualTo(200);
        assertThat(atTag.body()).isEqualTo(text);
    }

    @Test
    void aChangeSetCannotSetOrChangeAnArtifactsStorageFields() throws Exception {
        Agent alice = alice();
        Agent carol = carol();
        String secret = unique("alice's data carol wants");
        String pa = project(alice, "Alice target");
        upload(alice, pa, "main", "target.txt", secret);
        String pc = project(carol, "Carol injections");
        String own = upload(carol, pc, "main", "own.txt", unique("carol's own"));
        String before = head(carol, pc, "main");
        String a = "/artifacts/" + own;

        String[][] attacks = {
            {"[{'op':'add','path':'/artifacts/x','value':{'name':'stolen','type':'file','storage':{'adapter':'local','key':'" + sha256(secret)
                    + "','sha256':'" + sha256(secret) + "','size':1}}}]", "/artifacts/x/storage"},
            {"[{'op':'replace','path':'" + a + "/storage/key','value':'../../etc/passwd'}]", a + "/storage/key"},
            {"[{'op':'replace','path':'" + a + "/storage/key','value':'" + sha256(secret) + "'}]", a + "/storage/key"},
            {"[{'op':'replace','path':'" + a + "/storage/adapter','value':'nosuchadapter'}]", a + "/storage/adapter"},
            {"[{'op':'replace','path':'" + a + "/storage/size','value':1}]", a + "/storage/size"},
            {"[{'op':'add','path':'" + a + "/storage/bucket','value':'elsewhere'}]", a + "/storage/bucket"},
            {"[{'op':'replace','path':'" + a + "/storage','value':null}]", a + "/storage"},
            {"[{'op':'remove','path':'" + a + "/storage'}]", a + "/storage"},
            {"[{'op':'copy','from':'" + a + "','path':'/artifacts/y'}]", "/artifacts/y/storage"},
            {"[{'op':'copy','from':'" + a + "/name','path':'" + a + "/storage/key'}]", a + "/storage/key"},
            {"[{'op':'move','from':'" + a + "','path':'/artifacts/z'}]", "/artifacts/z/storage"},
            {"[{'op':'move','from':'" + a + "/storage/key','path':'" + a + "/description'}]", a + "/storage/key"},
            {"[{'op':'replace','path':'/artifacts','value':{'w':{'name':'w','storage':{'adapter':'local','key':'" + sha256(secret) + "'}}}}]",
                    "/artifacts/w/storage"},
        };
        for (String[] attack : attacks) {
            Agent.Reply r = change(carol, pc, attack[0]);
            assertThat(r.status()).as(attack[0] + " → " + r.body()).isEqualTo(400);
            assertThat(r.error()).as(attack[0]).startsWith(attack[1] + " is set by the server; upload the data instead");
            assertThat(r.json().at("/detail/path").asText()).as(attack[0]).isEqualTo(attack[1]);
        }
        assertThat(head(carol, pc, "main")).as("nothing committed").isEqualTo(before);
        assertThat(carol.get("/api/v1/projects/" + pc + "/artifacts").json().get("items")).hasSize(1);

        // the fields that are not the server's stay editable
        Agent.Reply rename = change(carol, pc, "[{'op':'replace','path':'" + a + "/name','value':'renamed.txt'},"
                + "{'op':'add','path':'" + a + "/description','value':'mine'}]");
        assertThat(rename.status()).as(rename.body()).isEqualTo(200);
        assertThat(artifact(carol, pc, "main", own).get("name").asText()).isEqualTo("renamed.txt");
        assertThat(data(carol, pc, own, null).status()).isEqualTo(200);
    }

    @Test
    void aBundleCannotReadDataItsImporterCouldNotReadButItsOwnersImportShares() throws Exception {
        Agent alice = alice();
        Agent carol = carol();
        String secret = unique("alice's model weights");
        String pa = project(alice, "Alice bundle");
        String id = upload(alice, pa, "main", "weights.bin", secret);
        byte[] bundle = server.http.send(alice.request("/api/v1/projects/" + pa + "/export").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();

        // Carol got hold of the bundle: its artifact record names Alice's key, but Carol cannot read Alice's project
        String pc = importBundle(carol, bundle);
        Agent.Reply refused = data(carol, pc, id, null);
        assertThat(refused.status()).as(refused.body()).isEqualTo(404);
        assertThat(refused.error()).contains("not available on this server");
        assertThat(refused.body()).doesNotContain(secret);
        // deleting her copy's data does not touch Alice's
        Agent.Reply deleted = deleteWithData(carol, pc, "main", id);
        assertThat(deleted.json().get("data").asText()).as(deleted.body()).isEqualTo("kept");
        assertThat(deleted.json().get("reason").asText()).contains("does not own");
        // nor can her imported project run a pipeline that reads it
        Agent.Reply run = runInputToOutput(carol, importBundle(carol, bundle), id);
        assertThat(run.json().get("status").asText()).as(run.body()).isEqualTo("failed");
        assertThat(carol.get("/api/v1/projects/" + pc + "/artifacts").json().get("items").findValuesAsText("name")).doesNotContain("copy");

        // Alice imports her own export: she can read the owner, so the copy shares ownership
        String pa2 = importBundle(alice, bundle);
        Agent.Reply shared = data(alice, pa2, id, null);
        assertThat(shared.status()).as(shared.body()).isEqualTo(200);
        assertThat(shared.body()).isEqualTo(secret);
        // and the original can go: the copy still holds the data
        assertThat(alice.send("DELETE", "/api/v1/projects/" + pa, null).status()).isEqualTo(204);
        assertThat(data(alice, pa2, id, null).body()).isEqualTo(secret);
        assertThat(data(carol, pc, id, null).status()).isEqualTo(404);
    }

    static String importBundle(Agent who, byte[] bundle) throws Exception {
        Agent.Reply r = who.exchange(who.request("/api/v1/projects/import").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bundle)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** Runs a pipeline Input(artifact) → Output "copy" in {@code project} and waits for its end. */
    static Agent.Reply runInputToOutput(Agent who, String project, String artifact) throws Exception {
        String pipeline = "{'name':'Copy','nodes':{'in':{'input':{'artifact':'" + artifact + "'}},'out':{'output':{'saveName':'copy'}}},"
                + "'connections':{'c':{'from':{'node':'in','port':'data'},'to':{'node':'out','port':'data'}}}}";
        Agent.Reply added = change(who, project, "[{'op':'add','path':'/pipelines/cp','value':" + pipeline + "}]");
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        Agent.Reply started = who.post("/api/v1/projects/" + project + "/pipelines/cp/executions", "{}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = started.json().get("id").asText();
        Agent.Reply[] last = new Agent.Reply[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = who.get("/api/v1/executions/" + id);
            String status = last[0].json().path("status").asText();
            return status.equals("success") || status.equals("failed") || status.equals("cancelled");
        });
        return last[0];
    }

    @Test
    void anExecutionOfTheOwningProjectStillReadsAndSavesArtifacts() throws Exception {
        Agent alice = alice();
        String p = project(alice, "Runs");
        String text = unique("input of a run");
        String id = upload(alice, p, "main", "in.txt", text);
        Agent.Reply run = runInputToOutput(alice, p, id);
        assertThat(run.json().get("status").asText()).as(run.body()).isEqualTo("success");
        JsonNode artifacts = alice.get("/api/v1/projects/" + p + "/model").json().at("/model/artifacts");
        String copy = null;
        for (var it = artifacts.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (artifacts.get(k).get("name").asText().equals("copy")) {
                copy = k;
            }
        }
        assertThat(copy).as(artifacts.toString()).isNotNull();
        assertThat(data(alice, p, copy, null).body()).isEqualTo(text);
        // both artifacts use the same bytes: deleting one keeps the data for the other
        Agent.Reply deleted = deleteWithData(alice, p, "main", id);
        // the copy on main, and the input itself at the tag the execution made of the commit it ran
        assertThat(deleted.json().get("reason").asText()).as(deleted.body()).contains("2 other artifacts").contains("branch main")
                .contains("tag runs/").contains("of this project");
        assertThat(data(alice, p, copy, null).body()).isEqualTo(text);
    }

    @Test
    void dataNothingElseUsesIsReallyDeleted() throws Exception {
        Agent alice = alice();
        String p = project(alice, "Cleanup");
        String text = unique("scratch data");
        String id = upload(alice, p, "main", "scratch.txt", text);
        assertThat(stored(sha256(text))).exists();

        Agent.Reply deleted = deleteWithData(alice, p, "main", id);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().get("deleted").asText()).isEqualTo("record and data");
        assertThat(deleted.json().get("data").asText()).isEqualTo("deleted");
        assertThat(deleted.json().get("dataDeleted").asBoolean()).isTrue();
        assertThat(stored(sha256(text))).doesNotExist();

        // the same bytes uploaded again are stored again and readable
        String again = upload(alice, p, "main", "scratch.txt", text);
        assertThat(data(alice, p, again, null).body()).isEqualTo(text);
    }

    @Test
    void deletingAProjectDeletesTheDataOnlyItUsed() throws Exception {
        Agent alice = alice();
        Agent carol = carol();
        String onlyHere = unique("only in the doomed project");
        String shared = unique("also in carol's project");
        String doomed = project(alice, "Doomed");
        upload(alice, doomed, "main", "only.txt", onlyHere);
        upload(alice, doomed, "main", "shared.txt", shared);
        String pc = project(carol, "Carol keeps");
        String hers = upload(carol, pc, "main", "shared.txt", shared);
        assertThat(stored(sha256(onlyHere))).exists();

        assertThat(alice.send("DELETE", "/api/v1/projects/" + doomed, null).status()).isEqualTo(204);

        assertThat(stored(sha256(onlyHere))).doesNotExist();
        assertThat(stored(sha256(shared))).exists();
        assertThat(data(carol, pc, hers, null).body()).isEqualTo(shared);
    }

    @Test
    void ownershipIsRecordedDurablyInTheServersDatabase() throws Exception {
        Agent alice = alice();
        String p = project(alice, "Durable");
        String text = unique("durable");
        upload(alice, p, "main", "d.txt", text);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve("deepforge.db"));
             var s = c.prepareStatement("SELECT project FROM artifact_data_owners WHERE location = 'local' AND key = ?")) {
            s.setString(1, sha256(text));
            try (var r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo(p);
                assertThat(r.next()).isFalse();
            }
        }
        assertThat(Files.exists(server.dataDir.resolve("deepforge.db"))).isTrue();
    }

    @Test
    void ownershipSurvivesARestartAndArtifactsFromBeforeOwnershipExistedStayReadable() throws Exception {
        Path dir = Files.createTempDirectory("deepforge-ownership");
        String text = unique("made before the upgrade");
        String p;
        String id;
        try (TestServer local = new TestServer(dir)) {
            p = local.post("/api/v1/projects", "{\"name\":\"Old\",\"empty\":true}").json().get("id").asText();
            id = Json.MAPPER.readTree(local.http.send(HttpRequest.newBuilder(URI.create(local.url("/api/v1/projects/" + p
                    + "/branches/main/artifacts?name=old.txt"))).POST(HttpRequest.BodyPublishers.ofString(text)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("id").asText();
        }
        try (TestServer again = new TestServer(dir)) {
            assertThat(again.get("/api/v1/projects/" + p + "/artifacts/" + id + "/data").body()).isEqualTo(text);
        }
        // a data directory from before ownership was recorded: the first start records the owners from the projects
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("deepforge.db"));
             var s = c.createStatement()) {
            s.executeUpdate("DELETE FROM artifact_data_owners");
            s.executeUpdate("DELETE FROM server_state");
        }
        try (TestServer upgraded = new TestServer(dir)) {
            assertThat(upgraded.get("/api/v1/projects/" + p + "/artifacts/" + id + "/data").body()).isEqualTo(text);
        }
    }
}
