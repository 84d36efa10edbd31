package org.deepforge.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockRecoveryTest {
    static final Author ADA = new Author("ada", "Ada", "ada@example.org");

    @TempDir
    Path dir;

    ChangeResult edit(ProjectStore store, String project, String branch, String description) throws Exception {
        var patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "replace").put("path", "/project/description").put("value", description);
        return store.apply(project, branch, new ChangeSet(Optional.empty(), "edit", patch, ADA));
    }

    Path gitDir(String project) {
        return dir.resolve("projects").resolve(project + ".git");
    }

    static void backdate(Path file) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
    }

    @Test
    void aLeftoverBranchLockIsDroppedOnOpenAndTheBranchAcceptsEditsAgain() throws Exception {
        String project;
        String acknowledged;
        try (ProjectStore store = new ProjectStore(dir)) {
            project = store.create("Crash", "", ADA).id();
            acknowledged = edit(store, project, "main", "before the crash").commit();
        }
        Path lock = gitDir(project).resolve("refs/heads/main.lock");
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, "garbage half-written by a killed process");
        Files.writeString(gitDir(project).resolve("packed-refs.lock"), "");
        backdate(lock);
        backdate(gitDir(project).resolve("packed-refs.lock"));
        try (ProjectStore store = new ProjectStore(dir)) {
            assertThat(store.model(project, "main").commit()).isEqualTo(acknowledged);
            assertThat(lock).doesNotExist();
            assertThat(gitDir(project).resolve("packed-refs.lock")).doesNotExist();
            assertThat(edit(store, project, "main", "after the crash").commit()).isNotEqualTo(acknowledged);
        }
        assertThat(fsck(gitDir(project))).isEmpty();
    }

    @Test
    void halfWrittenPacksOfAKilledServerAreRemovedOnOpenAndFsckIsClean() throws Exception {
        String project;
        String acknowledged;
        try (ProjectStore store = new ProjectStore(dir)) {
            project = store.create("Packs", "", ADA).id();
            acknowledged = edit(store, project, "main", "before the crash").commit();
        }
        Path packs = gitDir(project).resolve("objects/pack");
        Files.createDirectories(packs);
        // as a kill leaves them: a pack renamed into place before its index, an index whose pack a fold deleted,
        // and the temporary files of a fold
        Path pack = Files.write(packs.resolve("pack-" + "1".repeat(40) + ".pack"), "PACK half".getBytes());
        Path idx = Files.write(packs.resolve("pack-" + "2".repeat(40) + ".idx"), new byte[] {-1, 116, 79, 99});
        Path tmp = Files.write(packs.resolve("consolidate-123.pack.tmp"), new byte[100]);
        for (Path p : List.of(pack, idx, tmp)) {
            backdate(p);
        }
        try (ProjectStore store = new ProjectStore(dir)) {
            assertThat(store.model(project, "main").commit()).isEqualTo(acknowledged);
            assertThat(pack).doesNotExist();
            assertThat(idx).doesNotExist();
            assertThat(tmp).doesNotExist();
            assertThat(edit(store, project, "main", "after the crash").commit()).isNotEqualTo(acknowledged);
        }
        assertThat(fsck(gitDir(project))).isEmpty();
    }

    @Test
    void aLockTheReflogVouchesForIsCompletedNotDropped() throws Exception {
        String project;
        String before;
        String after;
        try (ProjectStore store = new ProjectStore(dir)) {
            project = store.create("Crash", "", ADA).id();
            before = store.model(project, "main").commit();
            after = edit(store, project, "main", "the move the crash interrupted").commit();
        }
        // as if the process died after JGit wrote the lock and appended the reflog, before the rename
        Path ref = gitDir(project).resolve("refs/heads/main");
        Path lock = gitDir(project).resolve("refs/heads/main.lock");
        Files.writeString(lock, after + "\n");
        Files.writeString(ref, before + "\n");
        backdate(lock);
        try (ProjectStore store = new ProjectStore(dir)) {
            assertThat(store.model(project, "main").commit()).isEqualTo(after);
            assertThat(lock).doesNotExist();
            edit(store, project, "main", "and on");
        }
        assertThat(fsck(gitDir(project))).isEmpty();
    }

    @Test
    void aLockMetWhileRunningIsRecoveredWhenStaleAndTheEditGoesThrough() throws Exception {
        try (ProjectStore store = new ProjectStore(dir)) {
            String project = store.create("Crash", "", ADA).id();
            new VersionControl(store).createBranch(project, "feature", "main");
            Path lock = gitDir(project).resolve("refs/heads/feature.lock");
            Files.writeString(lock, ObjectId.zeroId().name() + "\n");
            backdate(lock);
            String head = edit(store, project, "feature", "through the lock").commit();
            assertThat(lock).doesNotExist();
            assertThat(store.model(project, "feature").commit()).isEqualTo(head);
        }
    }

    @Test
    void aFreshLockOfAnotherProcessIsLeftAlone() throws Exception {
        Path lock = dir.resolve("x.lock");
        Files.writeString(lock, "");
        assertThat(LockRecovery.stale(lock)).isFalse();
        backdate(lock);
        assertThat(LockRecovery.stale(lock)).isTrue();
    }

    /** {@code git fsck --full}'s complaints (empty: clean). */
    static String fsck(Path gitDir) throws Exception {
        Process p = new ProcessBuilder(List.of("git", "--git-dir=" + gitDir, "fsck", "--full", "--no-progress"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? out.lines().filter(l -> !l.startsWith("Checking") && !l.startsWith("dangling")).reduce("", String::concat)
                : "exit " + p.exitValue() + ": " + out;
    }
}
