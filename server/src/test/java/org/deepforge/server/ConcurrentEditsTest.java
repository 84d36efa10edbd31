package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** 20 writers × 50 change sets on one branch from random stale bases: nothing lost, history linear, repository sound. */
class ConcurrentEditsTest {
    static final int CLIENTS = 20;
    static final int EDITS = 50;

    @Test
    void concurrentStaleEditsAllLandOnALinearBranch() throws Exception {
        try (TestServer server = new TestServer()) {
            String p = server.createProject("Concurrency");
            List<String> heads = new CopyOnWriteArrayList<>(List.of(server.head(p, "main")));
            Set<String> acknowledgedPipelines = ConcurrentHashMap.newKeySet();
            List<String> acknowledgedDescriptions = new CopyOnWriteArrayList<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            int[] conflicts = new int[1];
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    Random random = new Random(client);
                    for (int e = 0; e < EDITS; e++) {
                        // a random base among the last 10 heads anyone saw: usually stale
                        int size = heads.size();
                        String base = heads.get(Math.max(0, size - 1 - random.nextInt(Math.min(size, 10))));
                        boolean shared = random.nextInt(10) == 0;
                        String id = "c" + client + "-" + e;
                        String patch = shared
                                ? "[{'op':'replace','path':'/project/description','value':'" + id + "'}]"
                                : "[{'op':'add','path':'/pipelines/" + id + "','value':{'name':'" + id + "','nodes':{},'connections':{}}}]";
                        TestServer.Reply r = server.change(p, "main", base, patch);
                        if (r.status() == 200) {
                            heads.add(r.json().get("commit").asText());
                            (shared ? acknowledgedDescriptions : new ArrayList<String>()).add(id);
                            if (!shared) {
                                acknowledgedPipelines.add(id);
                            }
                        } else if (r.status() == 409 && shared) {
                            synchronized (conflicts) {
                                conflicts[0]++;
                            }
                        } else {
                            failures.add(id + " -> " + r.status() + " " + r.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertThat(failures).isEmpty();

            JsonNode model = server.get("/api/v1/projects/" + p + "/model?ref=main").json().get("model");
            List<String> present = new ArrayList<>();
            model.get("pipelines").fieldNames().forEachRemaining(present::add);
            assertThat(present).containsExactlyInAnyOrderElementsOf(acknowledgedPipelines);
            assertThat(acknowledgedPipelines.size() + acknowledgedDescriptions.size() + conflicts[0]).isEqualTo(CLIENTS * EDITS);
            assertThat(acknowledgedDescriptions).contains(model.at("/project/description").asText());

            // linear history: one parent each, one commit per accepted change set
            List<JsonNode> commits = new ArrayList<>();
            String after = "";
            while (true) {
                JsonNode page = server.get("/api/v1/projects/" + p + "/commits?ref=main&limit=500" + (after.isEmpty() ? "" : "&after=" + after)).json();
                page.get("commits").forEach(commits::add);
                if (page.get("next").isNull()) {
                    break;
                }
                after = page.get("next").asText();
            }
            for (int i = 0; i < commits.size() - 1; i++) {
                assertThat(commits.get(i).get("parents")).hasSize(1);
                assertThat(commits.get(i).get("parents").get(0).asText()).isEqualTo(commits.get(i + 1).get("id").asText());
            }
            assertThat(commits).hasSizeLessThanOrEqualTo(1 + acknowledgedPipelines.size() + acknowledgedDescriptions.size());
            assertThat(commits).hasSizeGreaterThanOrEqualTo(1 + acknowledgedPipelines.size());
            assertThat(server.get("/api/v1/projects/" + p + "/branches").json()).hasSize(1);

            Path repo = server.dataDir.resolve("projects").resolve(p + ".git");
            Process fsck = new ProcessBuilder("git", "fsck", "--full", "--strict").directory(repo.toFile()).redirectErrorStream(true).start();
            String out = new String(fsck.getInputStream().readAllBytes());
            assertThat(fsck.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(fsck.exitValue()).as(out).isZero();
            assertThat(out).doesNotContain("error").doesNotContain("missing").doesNotContain("dangling commit");
            Collections.emptyList();
        }
    }
}
