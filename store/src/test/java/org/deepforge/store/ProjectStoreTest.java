package org.deepforge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectStoreTest {
    static final Author ADA = new Author("ada", "Ada", "ada@example.org");
    static final Author BOB = new Author("bob", "Bob", "bob@example.org");

    @TempDir
    Path dir;
    ProjectStore store;
    VersionControl vc;
    List<CommitEvent> events = new ArrayList<>();
    String project;

    @BeforeEach
    void setUp() throws Exception {
        store = new ProjectStore(dir);
        vc = new VersionControl(store);
        store.addListener(events::add);
        project = store.create("Redshift", "photo-z", ADA).id();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    static JsonNode patch(String json) throws Exception {
        return Json.MAPPER.readTree(json.replace('\'', '"'));
    }

    String head(String branch) throws Exception {
        return store.model(project, branch).commit();
    }

    ChangeResult edit(String base, String patch, Author who) throws Exception {
        return store.apply(project, "main", new ChangeSet(Optional.of(base), "edit", patch(patch), who));
    }

    @Test
    void changeSetBecomesOneCommitAuthoredByTheUser() throws Exception {
        String base = head("main");
        ChangeResult r = edit(base, "[{'op':'add','path':'/pipelines/p1','value':{'name':'Train','nodes':{},'connections':{}}}]", BOB);
        assertThat(r.rebased()).isFalse();
        assertThat(r.changed()).isTrue();
        var page = vc.history(project, "main", 10, Optional.empty());
        assertThat(page.commits()).hasSize(2);
        assertThat(page.commits().get(0).authorName()).isEqualTo("Bob");
        assertThat(page.commits().get(0).paths()).containsExactly("pipelines/p1.json");
        assertThat(store.model(project, "main").model().at("/pipelines/p1/name").asText()).isEqualTo("Train");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).patch().toString()).contains("/pipelines/p1");
    }

    @Test
    void editsNeverChangeTheModelOfAnOlderCommit() throws Exception {
        String first = edit(head("main"), "[{'op':'add','path':'/pipelines/p1','value':{'name':'A','nodes':{'n1':{'x':[1,2]}}}}]", ADA).commit();
        String before = store.model(project, first).model().toString();
        edit(first, "[{'op':'replace','path':'/pipelines/p1/nodes/n1/x/0','value':9},{'op':'add','path':'/pipelines/p1/nodes/n2','value':{}},"
                + "{'op':'copy','from':'/pipelines/p1','path':'/pipelines/p2'},{'op':'move','from':'/pipelines/p2/nodes/n1','path':'/pipelines/p2/nodes/n9'},"
                + "{'op':'remove','path':'/project/description'}]", ADA);
        assertThat(store.model(project, first).model().toString()).isEqualTo(before);
        JsonNode now = store.model(project, "main").model();
        assertThat(now.at("/pipelines/p1/nodes/n1/x/0").asInt()).isEqualTo(9);
        assertThat(now.at("/pipelines/p2/nodes/n9/x/1").asInt()).isEqualTo(2);
        assertThat(now.at("/pipelines/p2/nodes").has("n1")).isFalse();
        assertThat(now.at("/pipelines/p1/nodes").has("n1")).isTrue();
    }

    @Test
    void manyEditsFoldIntoFewPacksAndEveryVersionStaysReadable() throws Exception {
        List<String> commits = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            commits.add(edit(head("main"), "[{'op':'add','path':'/pipelines/p" + i + "','value':{'name':'P" + i + "'}}]", ADA).commit());
        }
        Path packs = dir.resolve("projects").resolve(project + ".git").resolve("objects/pack");
        await("folding, which runs in the background after a batch").atMost(Duration.ofSeconds(60)).until(() -> {
            try (var files = Files.list(packs)) {
                return files.filter(f -> f.toString().endsWith(".pack")).count() < 40;
            }
        });
        ProjectStore fresh = new ProjectStore(dir);
        try {
            for (int i = 0; i < commits.size(); i += 37) {
                assertThat(fresh.model(project, commits.get(i)).model().get("pipelines").size()).isEqualTo(i + 1);
            }
        } finally {
            fresh.close();
        }
        Process fsck = new ProcessBuilder("git", "fsck", "--full", "--strict").directory(packs.getParent().getParent().toFile())
                .redirectErrorStream(true).start();
        String out = new String(fsck.getInputStream().readAllBytes());
        assertThat(fsck.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(fsck.exitValue()).as(out).isZero();
    }

    @Test
    void concurrentWritersAndCheckpointsLandAsOneChainInTheOrderAnnounced() throws Exception {
        // edits that queue up while the branch's writer is busy are group-committed by the next writer; checkpoints
        // take the branch lock. Whatever the interleaving: every acknowledged edit is in the head, the commits announced
        // form one parent chain ending at the branch ref, and git finds the repository sound.
        String start = head("main");
        List<CommitEvent> announced = java.util.Collections.synchronizedList(new ArrayList<>());
        store.addListener(e -> {
            if (e.branch().equals("main")) {
                announced.add(e);
            }
        });
        Notebook notebook = new Notebook(store);
        int writers = 8;
        int perWriter = 40;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers + 1);
        List<java.util.concurrent.Future<List<String>>> acknowledged = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            acknowledged.add(pool.submit(() -> {
                List<String> commits = new ArrayList<>();
                for (int i = 0; i < perWriter; i++) {
                    // every edit from the first commit: each one is rebased onto whatever the head is by then
                    commits.add(edit(start, "[{'op':'add','path':'/pipelines/w" + writer + "e" + i + "','value':{'name':'W" + writer + "E" + i
                            + "','nodes':{},'connections':{}}}]", ADA).commit());
                }
                return commits;
            }));
        }
        var checkpoints = pool.submit(() -> {
            List<String> commits = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                commits.add(notebook.checkpoint(project, "main", BOB, "checkpoint " + i).commit());
            }
            return commits;
        });
        List<String> acked = new ArrayList<>();
        for (var f : acknowledged) {
            acked.addAll(f.get(120, TimeUnit.SECONDS));
        }
        acked.addAll(checkpoints.get(120, TimeUnit.SECONDS));
        pool.shutdown();

        JsonNode model = store.model(project, "main").model();
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < perWriter; i++) {
                assertThat(model.at("/pipelines/w" + w + "e" + i + "/name").asText()).isEqualTo("W" + w + "E" + i);
            }
        }
        assertThat(announced).hasSize(writers * perWriter + 10);
        String parent = start;
        for (CommitEvent e : announced) {
            assertThat(e.parent()).as("announced in commit order").isEqualTo(parent);
            parent = e.commit();
        }
        assertThat(parent).isEqualTo(head("main"));
        assertThat(announced.stream().map(CommitEvent::commit).toList()).containsExactlyInAnyOrderElementsOf(acked);
        Path git = dir.resolve("projects").resolve(project + ".git");
        Process fsck = new ProcessBuilder("git", "fsck", "--full", "--strict").directory(git.toFile()).redirectErrorStream(true).start();
        String out = new String(fsck.getInputStream().readAllBytes());
        assertThat(fsck.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(fsck.exitValue()).as(out).isZero();
        Process log = new ProcessBuilder("git", "rev-list", "--count", start + "..main").directory(git.toFile()).redirectErrorStream(true).start();
        String count = new String(log.getInputStream().readAllBytes()).strip();
        assertThat(log.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Integer.parseInt(count)).isEqualTo(writers * perWriter + 10);
    }

    @Test
    void staleEditToAnotherFieldIsRebased() throws Exception {
        String base = head("main");
        edit(base, "[{'op':'add','path':'/pipelines/p1','value':{'name':'A'}}]", ADA);
        ChangeResult r = edit(base, "[{'op':'add','path':'/pipelines/p2','value':{'name':'B'}}]", BOB);
        assertThat(r.rebased()).isTrue();
        JsonNode model = store.model(project, "main").model();
        assertThat(model.at("/pipelines/p1/name").asText()).isEqualTo("A");
        assertThat(model.at("/pipelines/p2/name").asText()).isEqualTo("B");
    }

    @Test
    void secondWriteToSameFieldFromStaleBaseIsAConflictWithTheCurrentValue() throws Exception {
        String base = head("main");
        edit(base, "[{'op':'replace','path':'/project/description','value':'first'}]", ADA);
        String before = head("main");
        assertThatThrownBy(() -> edit(base, "[{'op':'replace','path':'/project/description','value':'second'}]", BOB))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT);
                    assertThat(e.detail().orElseThrow().get("path").asText()).isEqualTo("/project/description");
                    assertThat(e.detail().orElseThrow().get("current").asText()).isEqualTo("first");
                });
        assertThat(head("main")).isEqualTo(before);
    }

    @Test
    void failingTestOpIsAConflict() throws Exception {
        String base = head("main");
        assertThatThrownBy(() -> edit(base, "[{'op':'test','path':'/project/name','value':'Other'},"
                + "{'op':'replace','path':'/project/description','value':'x'}]", ADA))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT));
        // a test op also guards against a change made since the base
        edit(base, "[{'op':'replace','path':'/project/name','value':'Renamed'}]", ADA);
        assertThatThrownBy(() -> edit(base, "[{'op':'test','path':'/project/name','value':'Redshift'},"
                + "{'op':'replace','path':'/project/description','value':'x'}]", BOB))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT));
    }

    @Test
    void badPatchesAreRejectedAndNothingIsWritten() throws Exception {
        String base = head("main");
        for (String bad : List.of(
                "{'op':'add'}",
                "[{'op':'frobnicate','path':'/x'}]",
                "[{'op':'replace','path':'/pipelines/missing/name','value':'x'}]",
                "[{'op':'add','path':'/nonsense','value':1}]",
                "[{'op':'add','path':'/pipelines/..%2F..','value':{}}]",
                "[{'op':'add','path':'/operations/class','value':{'code':''}}]",
                "[{'op':'add','path':'/operations/x~1y','value':{'code':''}}]",
                "[{'op':'remove','path':'/project'}]",
                "[{'op':'replace','path':'','value':{}}]")) {
            assertThatThrownBy(() -> edit(base, bad, ADA)).as(bad)
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.BAD_REQUEST));
        }
        assertThat(head("main")).isEqualTo(base);
        assertThat(events).isEmpty();
    }

    @Test
    void unknownProjectBranchAndCommitAreNotFound() throws Exception {
        assertThatThrownBy(() -> store.model("nope", "main")).hasMessageContaining("no project");
        assertThatThrownBy(() -> store.model(project, "nobranch")).hasMessageContaining("no branch, tag or commit");
        assertThatThrownBy(() -> store.model(project, "deadbeef")).hasMessageContaining("no branch, tag or commit");
        assertThatThrownBy(() -> store.apply(project, "nobranch", new ChangeSet(Optional.empty(), "", patch("[]"), ADA)))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NOT_FOUND));
    }

    @Test
    void branchNamesAreChecked() throws Exception {
        for (String bad : List.of("..", "a/../b", "a..b", "x\u0001y", "a b", "-x", "x".repeat(300), "", "a.lock", "HEAD")) {
            assertThatThrownBy(() -> vc.createBranch(project, bad, "main")).as(bad)
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.BAD_REQUEST));
        }
        assertThat(vc.branches(project)).extracting(Branch::name).containsExactly("main");
        vc.createBranch(project, "feature/try-1", "main");
        assertThatThrownBy(() -> vc.createBranch(project, "feature/try-1", "main")).hasMessageContaining("already exists");
        assertThatThrownBy(() -> vc.deleteBranch(project, "main")).hasMessageContaining("default branch");
        vc.deleteBranch(project, "feature/try-1");
        assertThat(vc.branches(project)).extracting(Branch::name).containsExactly("main");
    }

    @Test
    void branchFromOldCommitTagAndReadModelAtEachRef() throws Exception {
        String first = head("main");
        edit(first, "[{'op':'replace','path':'/project/description','value':'v2'}]", ADA);
        vc.createTag(project, "v1", first);
        vc.createBranch(project, "old", "v1");
        assertThat(store.model(project, "old").model().at("/project/description").asText()).isEqualTo("photo-z");
        assertThat(store.model(project, first.substring(0, 7)).commit()).isEqualTo(first);
        assertThat(userTags()).containsExactly(new Tag("v1", first));
        assertThatThrownBy(() -> vc.createTag(project, "v1", "main")).hasMessageContaining("already exists");
        vc.deleteTag(project, "v1");
        assertThat(userTags()).isEmpty();
    }

    @Test
    void oneTagPerExecutionDoesNotLeaveOneFilePerTag() throws Exception {
        String head = head("main");
        for (int i = 0; i < 200; i++) {
            vc.createTag(project, "runs/e" + i, head);
        }
        Path loose = dir.resolve("projects").resolve(project + ".git").resolve("refs/tags");
        long files;
        try (Stream<Path> walk = Files.walk(loose)) {
            files = walk.filter(Files::isRegularFile).count();
        }
        assertThat(files).isLessThanOrEqualTo(VersionControl.MAX_LOOSE_TAGS);
        assertThat(runTags()).hasSize(200).allMatch(t -> t.commit().equals(head));
        assertThatThrownBy(() -> vc.createTag(project, "runs/e7", head)).hasMessageContaining("already exists");
        vc.deleteTag(project, "runs/e7");
        assertThat(runTags()).hasSize(199);
        vc.createTag(project, "runs/e7", head);
        assertThat(runTags()).hasSize(200);
    }

    @Test
    void runTagsAreListedApartFromUserTagsAPageAtATime() throws Exception {
        String head = head("main");
        for (String name : List.of("v2", "v1", "runs/e3", "runs/e1", "runs/e2", "release/v3")) {
            vc.createTag(project, name, head);
        }
        assertThat(userTags()).extracting(Tag::name).containsExactly("release/v3", "v1", "v2");
        VersionControl.TagPage first = vc.tags(project, VersionControl.TagKind.RUN, Optional.empty(), 2);
        assertThat(first.tags()).extracting(Tag::name).containsExactly("runs/e1", "runs/e2");
        assertThat(first.next()).contains("runs/e2");
        VersionControl.TagPage second = vc.tags(project, VersionControl.TagKind.RUN, first.next(), 2);
        assertThat(second.tags()).extracting(Tag::name).containsExactly("runs/e3");
        assertThat(second.next()).isEmpty();
    }

    private List<Tag> userTags() throws IOException {
        return vc.tags(project, VersionControl.TagKind.USER, Optional.empty(), 1000).tags();
    }

    private List<Tag> runTags() throws IOException {
        return vc.tags(project, VersionControl.TagKind.RUN, Optional.empty(), 1000).tags();
    }

    @Test
    void historyPages() throws Exception {
        for (int i = 0; i < 7; i++) {
            edit(head("main"), "[{'op':'replace','path':'/project/description','value':'v" + i + "'}]", ADA);
        }
        var page1 = vc.history(project, "main", 3, Optional.empty());
        var page2 = vc.history(project, "main", 3, page1.next());
        var page3 = vc.history(project, "main", 3, page2.next());
        assertThat(page1.commits()).hasSize(3);
        assertThat(page2.commits()).hasSize(3);
        assertThat(page3.commits()).hasSize(2);
        assertThat(page3.next()).isEmpty();
        assertThat(page1.commits().get(0).message()).isEqualTo("edit");
        assertThat(page3.commits().get(1).message()).startsWith("Create project");
    }

    @Test
    void diffListsEntitiesAndFields() throws Exception {
        String a = head("main");
        edit(a, "[{'op':'add','path':'/pipelines/p1','value':{'name':'A','nodes':{}}},"
                + "{'op':'replace','path':'/project/description','value':'new'}]", ADA);
        ModelDiff d = vc.diff(project, a, "main");
        assertThat(d.entities()).extracting(ModelDiff.Entity::id).containsExactlyInAnyOrder("project", "p1");
        assertThat(d.changes()).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("/project/description");
            assertThat(c.from().asText()).isEqualTo("photo-z");
            assertThat(c.to().asText()).isEqualTo("new");
        });
    }

    @Test
    void revertUndoesOneCommitAndKeepsLaterOnes() throws Exception {
        edit(head("main"), "[{'op':'add','path':'/pipelines/p1','value':{'name':'A'}}]", ADA);
        String second = edit(head("main"), "[{'op':'add','path':'/pipelines/p2','value':{'name':'B'}}]", ADA).commit();
        edit(head("main"), "[{'op':'add','path':'/pipelines/p3','value':{'name':'C'}}]", ADA);
        vc.revert(project, second, "main", BOB);
        JsonNode pipelines = store.model(project, "main").model().get("pipelines");
        assertThat(pipelines.has("p1")).isTrue();
        assertThat(pipelines.has("p2")).isFalse();
        assertThat(pipelines.has("p3")).isTrue();
    }

    @Test
    void mergeCombinesBranchesAndRefusesConflictsWithoutWriting() throws Exception {
        vc.createBranch(project, "feature", "main");
        store.apply(project, "feature", new ChangeSet(Optional.empty(), "f", patch("[{'op':'add','path':'/pipelines/f1','value':{'name':'F'}}]"), BOB));
        edit(head("main"), "[{'op':'add','path':'/pipelines/m1','value':{'name':'M'}}]", ADA);
        var outcome = vc.merge(project, "feature", "main", ADA, "");
        JsonNode model = store.model(project, "main").model();
        assertThat(model.at("/pipelines/f1/name").asText()).isEqualTo("F");
        assertThat(model.at("/pipelines/m1/name").asText()).isEqualTo("M");
        assertThat(vc.history(project, "main", 1, Optional.empty()).commits().get(0).parents()).hasSize(2);
        assertThat(vc.merge(project, "feature", "main", ADA, "").upToDate()).isTrue();

        store.apply(project, "feature", new ChangeSet(Optional.empty(), "", patch("[{'op':'replace','path':'/project/description','value':'F'}]"), BOB));
        edit(head("main"), "[{'op':'replace','path':'/project/description','value':'M'}]", ADA);
        String before = head("main");
        assertThatThrownBy(() -> vc.merge(project, "feature", "main", ADA, ""))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StoreException.Kind.CONFLICT);
                    assertThat(e.detail().orElseThrow().get("conflicts").get(0).get("path").asText()).isEqualTo("/project/description");
                });
        assertThat(head("main")).isEqualTo(before);
        assertThat(outcome.commit()).isNotEmpty();
    }

    @Test
    void commitsSinceReplaysInOrder() throws Exception {
        String start = head("main");
        for (int i = 0; i < 3; i++) {
            edit(head("main"), "[{'op':'add','path':'/pipelines/p" + i + "','value':{'name':'P'}}]", ADA);
        }
        List<CommitEvent> missed = vc.commitsSince(project, "main", start).orElseThrow();
        assertThat(missed).extracting(CommitEvent::commit).containsExactlyElementsOf(events.stream().map(CommitEvent::commit).toList());
        assertThat(missed.get(0).parent()).isEqualTo(start);
        assertThat(vc.commitsSince(project, "main", "0000000000000000000000000000000000000000")).isEmpty();
    }

    @Test
    void bundleClonesWithPlainGitAndImportsAsANewProject() throws Exception {
        edit(head("main"), "[{'op':'add','path':'/operations/Train','value':{'code':'class Train:\\n    pass\\n'}}]", ADA);
        vc.createBranch(project, "exp", "main");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Bundles(store).export(project, out);
        Path bundle = dir.resolve("p.bundle");
        Files.write(bundle, out.toByteArray());
        Path clone = dir.resolve("clone");
        Process git = new ProcessBuilder("git", "clone", "-q", bundle.toString(), clone.toString()).inheritIO().start();
        assertThat(git.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).isZero();
        assertThat(Files.readString(clone.resolve("operations/Train.py"))).isEqualTo("class Train:\n    pass\n");
        assertThat(Files.readString(clone.resolve("project.json"))).contains("\"name\": \"Redshift\"");

        Project copy = new Bundles(store).importBundle(new ByteArrayInputStream(out.toByteArray()), Optional.of("Copy"), BOB);
        assertThat(copy.name()).isEqualTo("Copy");
        assertThat(vc.branches(copy.id())).extracting(Branch::name).containsExactlyInAnyOrder("main", "exp");
        assertThat(store.model(copy.id(), "exp").model().at("/operations/Train/code").asText()).startsWith("class Train");
    }

    @Test
    void garbageBundleIsRejectedAndLeavesNothing() throws Exception {
        int before = store.list().size();
        assertThatThrownBy(() -> new Bundles(store).importBundle(new ByteArrayInputStream("not a bundle".getBytes()), Optional.empty(), ADA))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.BAD_REQUEST));
        assertThat(store.list()).hasSize(before);
        try (var files = Files.list(dir.resolve("projects"))) {
            assertThat(files.toList()).hasSize(before);
        }
    }

    @Test
    void renameAndDeleteProjects() throws Exception {
        store.update(project, Optional.of("Renamed"), Optional.empty(), ADA);
        assertThat(store.get(project).name()).isEqualTo("Renamed");
        store.delete(project);
        assertThat(store.list()).isEmpty();
        assertThatThrownBy(() -> store.get(project)).hasMessageContaining("no project");
    }
}
