package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History that reads like a lab notebook, over REST: a scripted working session (its commits dated by a
 * clock the test moves, so nothing waits) reads as a few grouped entries in users' names, every autosave is
 * still its own commit, a code change diffs as the changed lines, and merge conflicts are named and resolved.
 */
class NotebookHistoryTest {
    static TestServer server;
    static final ScriptedClock CLOCK = new ScriptedClock(Instant.parse("2026-03-02T09:00:00Z"));

    /** A clock that stands still until the test moves it. */
    static final class ScriptedClock extends Clock {
        private volatile Instant now;

        ScriptedClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
        server.app.store().setClock(CLOCK);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static final String PIPELINE = "F8kVFcUH";

    /** Twenty lines of Train's code with {@code line} as its body's tenth line. */
    static String trainCode(String tenth, int extra) {
        StringBuilder s = new StringBuilder("class Train:\n    def __init__(self, epochs=10):\n        self.epochs = epochs\n\n"
                + "    def execute(self, data):\n");
        for (int i = 1; i <= 14; i++) {
            s.append(i == 10 ? "        " + tenth + "\n" : "        x" + i + " = " + i + "\n");
        }
        for (int i = 0; i < extra; i++) {
            s.append("        y").append(i).append(" = ").append(i).append("\n");
        }
        s.append("        model = data\n        return model\n");
        return s.toString();
    }

    static String project(String name) throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"" + name + "\",\"empty\":true}").json().get("id").asText();
        ObjectNode body = Json.MAPPER.createObjectNode().put("message", "Set up Train and score");
        ArrayNode patch = body.putArray("patch");
        patch.addObject().put("op", "add").put("path", "/operations/Train").putObject("value").put("code", trainCode("lr = 0.1", 0));
        ObjectNode pl = patch.addObject().put("op", "add").put("path", "/pipelines/" + PIPELINE).putObject("value");
        pl.put("name", "Train and score");
        ObjectNode n1 = pl.putObject("nodes").putObject("n1");
        n1.put("operation", "Train").putObject("attributes").put("epochs", 10);
        n1.putObject("position").put("x", 0).put("y", 0);
        pl.putObject("connections");
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes", Json.compact(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return p;
    }

    /** An autosave as the editor sends it: a message naming internal ids, as clients did. */
    static String autosave(String p, String branch, String message, ArrayNode patch) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode().put("message", message);
        body.set("patch", patch);
        var r = server.post("/api/v1/projects/" + p + "/branches/" + branch + "/changes", Json.compact(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("commit").asText();
    }

    static ArrayNode setCode(String code) {
        ArrayNode patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "replace").put("path", "/operations/Train/code").put("value", code);
        return patch;
    }

    static ArrayNode setEpochs(int epochs) {
        ArrayNode patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "replace").put("path", "/pipelines/" + PIPELINE + "/nodes/n1/attributes/epochs").put("value", epochs);
        return patch;
    }

    @Test
    void aTenMinuteSessionReadsAsAFewEntriesInUsersNamesAndKeepsEveryCommit(@TempDir Path tmp) throws Exception {
        String p = project("Notebook");
        String api = "/api/v1/projects/" + p;

        // 09:00–09:04: twenty autosaves of code and the epochs field, 12 s apart
        List<String> autosaves = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            CLOCK.advance(Duration.ofSeconds(12));
            autosaves.add(i % 5 == 0 ? autosave(p, "main", "Set epochs of n1 (Train)", setEpochs(10 + i / 5))
                    : autosave(p, "main", "Edit", setCode(trainCode("lr = 0.2" + i, 0))));
        }
        // the user writes what this was
        CLOCK.advance(Duration.ofSeconds(30));
        var checkpoint = server.post(api + "/branches/main/checkpoint", "{\"message\":\"Baseline trains: epochs 14, lr 0.219\"}");
        assertThat(checkpoint.status()).as(checkpoint.body()).isEqualTo(201);
        assertThat(server.post(api + "/branches/main/checkpoint", "{\"message\":\"  \"}").status()).isEqualTo(400);

        // 09:05–09:10: twenty-five more, then an eight-minute pause and six more
        String oneLine = null;
        for (int i = 1; i <= 25; i++) {
            CLOCK.advance(Duration.ofSeconds(12));
            String c = autosave(p, "main", "Edit operation Train", setCode(trainCode("lr = 0.219", i)));
            if (i == 25) {
                oneLine = c;
            }
        }
        CLOCK.advance(Duration.ofMinutes(8));
        for (int i = 1; i <= 6; i++) {
            CLOCK.advance(Duration.ofSeconds(10));
            autosave(p, "main", "Edit", setEpochs(20 + i));
        }

        // every autosave is still a commit of its own: 1 creation + 1 setup + 20 + checkpoint + 25 + 6
        int commits = 0;
        String after = null;
        do {
            JsonNode page = server.get(api + "/commits?ref=main&limit=500" + (after == null ? "" : "&after=" + after)).json();
            commits += page.get("commits").size();
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        assertThat(commits).isEqualTo(54);

        // … but the history reads as four entries, newest first
        JsonNode history = server.get(api + "/history?ref=main").json();
        JsonNode entries = history.get("entries");
        assertThat(entries).hasSize(4);
        assertThat(kinds(entries)).containsExactly("edits", "edits", "checkpoint", "created");
        assertThat(entries.get(0).get("commits")).hasSize(6);
        assertThat(entries.get(0).get("title").asText()).isEqualTo("Train and score ▸ Train ▸ epochs: 14 → 26");
        assertThat(entries.get(1).get("commits")).hasSize(25);
        assertThat(entries.get(1).get("title").asText()).isEqualTo("Edit Train code (+25 −0 lines)");
        assertThat(entries.get(2).get("title").asText()).isEqualTo("Baseline trains: epochs 14, lr 0.219");
        assertThat(entries.get(2).get("commits")).hasSize(22); // the checkpoint, the twenty autosaves and the setup
        assertThat(entries.get(2).get("changes").toString()).contains("Add operation Train").contains("Add pipeline Train and score");
        assertThat(entries.get(1).get("from").asText()).isEqualTo(checkpoint.json().get("commit").asText());
        assertThat(history.get("next").isNull()).isTrue();
        // paging by entries continues where the page stopped
        JsonNode first = server.get(api + "/history?ref=main&limit=2").json();
        assertThat(first.get("entries")).hasSize(2);
        JsonNode rest = server.get(api + "/history?ref=main&limit=2&after=" + first.get("next").asText()).json();
        assertThat(kinds(rest.get("entries"))).containsExactly("checkpoint", "created");

        // messages name things as the user did: no node or pipeline ids, even where the client sent them
        for (JsonNode entry : entries) {
            for (JsonNode c : entry.get("commits")) {
                assertThat(c.get("message").asText()).doesNotContain(PIPELINE).doesNotContainPattern("\\bn1\\b");
            }
        }
        JsonNode epochsCommit = server.get(api + "/commits?ref=" + autosaves.get(4) + "&limit=1").json().at("/commits/0");
        assertThat(epochsCommit.get("message").asText()).isEqualTo("Train and score ▸ Train ▸ epochs: 10 → 11");

        // the diff of a code change lists the changed line, with a little context, not the whole file
        String parent = server.get(api + "/commits?ref=" + oneLine + "&limit=1").json().at("/commits/0/parents/0").asText();
        JsonNode diff = server.get(api + "/diff?from=" + parent + "&to=" + oneLine).json();
        assertThat(diff.get("code")).hasSize(1);
        JsonNode code = diff.get("code").get(0);
        assertThat(code.get("label").asText()).isEqualTo("Train");
        assertThat(code.get("added").asInt()).isEqualTo(1);
        assertThat(code.get("removed").asInt()).isEqualTo(0);
        assertThat(code.get("hunks")).hasSize(1);
        List<String> changed = new ArrayList<>();
        int context = 0;
        for (JsonNode line : code.at("/hunks/0/lines")) {
            if (line.get("type").asText().equals(" ")) {
                context++;
            } else {
                changed.add(line.get("type").asText() + line.get("text").asText());
            }
        }
        assertThat(changed).containsExactly("+        y24 = 24");
        assertThat(context).isLessThanOrEqualTo(6);
        assertThat(diff.get("named")).isEmpty(); // the code is in "code", not repeated as a field
        JsonNode epochsDiff = server.get(api + "/diff?from=" + autosaves.get(3) + "&to=" + autosaves.get(4)).json();
        assertThat(epochsDiff.at("/named/0/text").asText()).isEqualTo("Train and score ▸ Train ▸ epochs: 10 → 11");
        assertThat(epochsDiff.at("/named/0/label").asText()).isEqualTo("Train and score ▸ Train ▸ epochs");

        // git log of a clone reads the same way
        HttpResponse<byte[]> bundle = server.http.send(HttpRequest.newBuilder(URI.create(server.url(api + "/export"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        Files.write(tmp.resolve("p.bundle"), bundle.body());
        Process clone = new ProcessBuilder("git", "clone", "-q", tmp.resolve("p.bundle").toString(), tmp.resolve("c").toString())
                .redirectErrorStream(true).start();
        assertThat(clone.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Process log = new ProcessBuilder("git", "-C", tmp.resolve("c").toString(), "log", "--format=%s").redirectErrorStream(true).start();
        String subjects = new String(log.getInputStream().readAllBytes());
        assertThat(log.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(subjects).contains("Baseline trains: epochs 14, lr 0.219").contains("Train and score ▸ Train ▸ epochs: 25 → 26")
                .contains("Edit Train code (+1 −1 lines)").contains("Edit operation Train").doesNotContain(PIPELINE).doesNotContainPattern("\\bn1\\b");
    }

    @Test
    void aMergeConflictIsNamedAndResolvedFieldByFieldWithoutTouchingAnythingElse() throws Exception {
        String p = project("Merging");
        String api = "/api/v1/projects/" + p;
        assertThat(server.post(api + "/branches", "{\"name\":\"tuning\",\"from\":\"main\"}").status()).isEqualTo(201);
        autosave(p, "tuning", "Edit", setEpochs(12));
        autosave(p, "tuning", "Edit", setCode(trainCode("lr = 0.5", 0)));
        ArrayNode description = Json.MAPPER.createArrayNode();
        description.addObject().put("op", "replace").put("path", "/project/description").put("value", "from tuning");
        autosave(p, "tuning", "Describe", description);
        autosave(p, "main", "Edit", setEpochs(30));
        autosave(p, "main", "Edit", setCode(trainCode("lr = 0.01", 0)));

        var conflict = server.post(api + "/merge", "{\"from\":\"tuning\",\"into\":\"main\"}");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("error").asText()).contains("Train and score ▸ Train ▸ epochs").doesNotContain(PIPELINE);
        JsonNode list = conflict.json().get("conflicts");
        assertThat(list).hasSize(2);
        JsonNode epochs = find(list, "/pipelines/" + PIPELINE + "/nodes/n1/attributes/epochs");
        assertThat(epochs.get("label").asText()).isEqualTo("Train and score ▸ Train ▸ epochs");
        assertThat(epochs.get("operation").asText()).isEqualTo("Train");
        assertThat(epochs.get("field").asText()).isEqualTo("epochs");
        assertThat(epochs.get("ours").asInt()).isEqualTo(30);
        assertThat(epochs.get("theirs").asInt()).isEqualTo(12);
        JsonNode code = find(list, "/operations/Train/code");
        assertThat(code.get("label").asText()).isEqualTo("Train ▸ code");
        JsonNode chunk = null;
        for (JsonNode c : code.get("chunks")) {
            if (c.has("ours")) {
                chunk = c;
            }
        }
        assertThat(chunk.get("ours").get(0).asText()).isEqualTo("        lr = 0.01\n");
        assertThat(chunk.get("theirs").get(0).asText()).isEqualTo("        lr = 0.5\n");
        String mainBefore = server.head(p, "main");

        // one resolution is not enough: the other conflict is still listed and nothing was written
        var partial = server.post(api + "/merge", "{\"from\":\"tuning\",\"into\":\"main\",\"resolutions\":[{\"path\":\""
                + epochs.get("path").asText() + "\",\"take\":\"theirs\"}]}");
        assertThat(partial.status()).isEqualTo(409);
        assertThat(partial.json().get("conflicts")).hasSize(1);
        assertThat(server.head(p, "main")).isEqualTo(mainBefore);

        // the line-by-line choice is sent as the merged text
        StringBuilder merged = new StringBuilder();
        for (JsonNode c : code.get("chunks")) {
            for (JsonNode line : c.has("same") ? c.get("same") : c.get("theirs")) {
                merged.append(line.asText());
            }
        }
        ObjectNode body = Json.MAPPER.createObjectNode().put("from", "tuning").put("into", "main");
        ArrayNode resolutions = body.putArray("resolutions");
        resolutions.addObject().put("path", epochs.get("path").asText()).put("take", "theirs");
        resolutions.addObject().put("path", "/operations/Train/code").put("value", merged.toString());
        var ok = server.post(api + "/merge", Json.compact(body));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);

        JsonNode before = server.get(api + "/model?ref=" + mainBefore).json().get("model");
        JsonNode after = server.get(api + "/model?ref=main").json().get("model");
        assertThat(after.at("/pipelines/" + PIPELINE + "/nodes/n1/attributes/epochs").asInt()).isEqualTo(12);
        assertThat(after.at("/operations/Train/code").asText()).isEqualTo(trainCode("lr = 0.5", 0));
        assertThat(after.at("/project/description").asText()).isEqualTo("from tuning");
        // nothing else changed: the diff from main before the merge is exactly those three fields
        JsonNode diff = server.get(api + "/diff?from=" + mainBefore + "&to=main").json();
        List<String> paths = new ArrayList<>();
        diff.get("changes").forEach(c -> paths.add(c.get("path").asText()));
        assertThat(paths).containsExactlyInAnyOrder("/project/description", "/operations/Train/code",
                "/pipelines/" + PIPELINE + "/nodes/n1/attributes/epochs");
        assertThat(before.get("pipelines").get(PIPELINE).get("nodes").get("n1").get("position"))
                .isEqualTo(after.get("pipelines").get(PIPELINE).get("nodes").get("n1").get("position"));
        String message = server.get(api + "/commits?ref=main&limit=1").json().at("/commits/0/message").asText();
        assertThat(message).contains("Merge branch 'tuning' into main").contains("Train and score ▸ Train ▸ epochs: took tuning's 12");
    }

    static List<String> kinds(JsonNode entries) {
        List<String> out = new ArrayList<>();
        entries.forEach(e -> out.add(e.get("kind").asText()));
        return out;
    }

    static JsonNode find(JsonNode conflicts, String path) {
        for (JsonNode c : conflicts) {
            if (c.get("path").asText().equals(path)) {
                return c;
            }
        }
        throw new AssertionError("no conflict at " + path + " in " + conflicts);
    }
}
