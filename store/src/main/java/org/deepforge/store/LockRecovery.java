package org.deepforge.store;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leftover git lock files ({@code refs/heads/main.lock}, {@code packed-refs.lock}, …) of a server that was
 * killed in the middle of a ref update. Git's lock protocol never touches the real file before the lock
 * is renamed over it, so a leftover lock can always be dropped without losing anything that was
 * acknowledged (an edit is acknowledged only after the rename). One case is finished instead of dropped:
 * a ref lock whose content is a commit that the reflog already records as the ref's last move and whose
 * objects are all on disk: the process died between the reflog append and the rename, and completing the
 * rename makes ref and reflog agree again.
 *
 * <p>Only stale locks are touched: made before this process started, or older than {@link #STALE}. This
 * process never holds a lock that long (the store has one writer per branch and JGit releases a lock
 * when an update fails), and another tool's (a {@code git} command's) lock is left alone while it is fresh.
 */
final class LockRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LockRecovery.class);
    static final Duration STALE = Duration.ofSeconds(10);
    private static final Instant PROCESS_START = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    private static final AtomicLong RECOVERED = new AtomicLong();

    private LockRecovery() {}

    /** How many lock files this process has recovered (for logs and benchmarks). */
    static long recovered() {
        return RECOVERED.get();
    }

    /** Recovers every stale lock file of the repository; returns what was done, one line per file. */
    static List<String> recoverAll(Repository repo) throws IOException {
        Path gitDir = repo.getDirectory().toPath();
        List<Path> locks;
        try (Stream<Path> files = Files.walk(gitDir)) {
            // objects/ holds no lock files of ours (packs are written to temporary names) and is the big part
            locks = files.filter(p -> !p.startsWith(gitDir.resolve("objects")))
                    .filter(p -> p.getFileName().toString().endsWith(".lock") && Files.isRegularFile(p)).toList();
        }
        List<String> done = new ArrayList<>();
        for (Path lock : locks) {
            String relative = gitDir.relativize(lock).toString().replace('\\', '/');
            String target = relative.substring(0, relative.length() - ".lock".length());
            Optional<String> action = target.startsWith("refs/") ? recoverRef(repo, target) : drop(lock);
            action.ifPresent(a -> done.add(relative + ": " + a));
        }
        done.addAll(sweepPacks(repo.getDirectory().toPath().resolve("objects").resolve("pack")));
        return done;
    }

    /**
     * Removes what a killed server left half-way in the pack directory: temporary files of a pack being
     * written or folded, a pack whose index was not yet renamed into place, an index whose pack was already
     * deleted. None of them was ever needed by a ref (a pack is complete before a ref points into it, and a
     * fold deletes the old packs only after the new one is in place), but {@code git fsck} reports them.
     * Only files older than this process are touched: no writer of this process can own them.
     */
    static List<String> sweepPacks(Path packDir) throws IOException {
        if (!Files.isDirectory(packDir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(packDir)) {
            files = list.filter(Files::isRegularFile).toList();
        }
        List<String> done = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            boolean leftover = name.endsWith(".tmp") || name.startsWith("tmp_")
                    || name.endsWith(".pack") && !Files.exists(sibling(f, ".pack", ".idx"))
                    || name.endsWith(".idx") && !Files.exists(sibling(f, ".idx", ".pack"));
            if (leftover && olderThanThisProcess(f) && Files.deleteIfExists(f)) {
                RECOVERED.incrementAndGet();
                String action = "removed " + name + ", left half-way by an interrupted pack write";
                LOG.warn("{}: {}", packDir, action);
                done.add("objects/pack/" + name + ": " + action);
            }
        }
        return done;
    }

    private static Path sibling(Path f, String ext, String other) {
        String name = f.getFileName().toString();
        return f.resolveSibling(name.substring(0, name.length() - ext.length()) + other);
    }

    private static boolean olderThanThisProcess(Path f) throws IOException {
        try {
            return Files.getLastModifiedTime(f).toInstant().isBefore(PROCESS_START);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Recovers the stale lock of one ref (and of packed-refs, which deleting a packed ref needs); true when
     * a lock was recovered and the update is worth retrying.
     */
    static boolean recoverForUpdate(Repository repo, String refName) throws IOException {
        boolean any = recoverRef(repo, refName).isPresent();
        Path packed = repo.getDirectory().toPath().resolve("packed-refs.lock");
        return drop(packed).isPresent() || any;
    }

    /** Completes or drops {@code <refName>.lock}; empty when there is none or it is not stale. */
    static Optional<String> recoverRef(Repository repo, String refName) throws IOException {
        Path gitDir = repo.getDirectory().toPath();
        Path lock = gitDir.resolve(refName + ".lock");
        if (!stale(lock)) {
            return Optional.empty();
        }
        Optional<ObjectId> pending = readId(lock);
        Ref ref = repo.exactRef(refName);
        ObjectId current = ref == null || ref.getObjectId() == null ? ObjectId.zeroId() : ref.getObjectId();
        if (pending.isPresent() && !pending.get().equals(current) && reflogRecordsMove(gitDir, refName, current, pending.get())
                && complete(repo, pending.get(), current)) {
            Path file = gitDir.resolve(refName);
            Files.move(lock, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory(file.getParent());
            RECOVERED.incrementAndGet();
            String action = "completed the interrupted move of " + refName + " from " + current.name() + " to "
                    + pending.get().name() + " (the reflog records it and its objects are on disk)";
            LOG.warn("{}: {}", repo.getDirectory(), action);
            return Optional.of(action);
        }
        return drop(lock).map(a -> a + "; " + refName + " stays at " + current.name());
    }

    /** Deletes a stale lock file; the file it guarded was never touched. */
    private static Optional<String> drop(Path lock) throws IOException {
        if (!stale(lock)) {
            return Optional.empty();
        }
        try {
            Files.delete(lock);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        forceDirectory(lock.getParent());
        RECOVERED.incrementAndGet();
        String action = "dropped the leftover lock " + lock.getFileName() + " of an interrupted update";
        LOG.warn("{}: {}", lock.getParent(), action);
        return Optional.of(action);
    }

    static boolean stale(Path lock) throws IOException {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(lock);
        } catch (NoSuchFileException e) {
            return false;
        }
        Instant at = modified.toInstant();
        return at.isBefore(PROCESS_START) || at.isBefore(Instant.now().minus(STALE));
    }

    private static Optional<ObjectId> readId(Path lock) {
        try {
            String text = Files.readString(lock, StandardCharsets.ISO_8859_1).trim();
            return ObjectId.isId(text) ? Optional.of(ObjectId.fromString(text)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the ref's reflog ends with the move {@code from} → {@code to}. */
    private static boolean reflogRecordsMove(Path gitDir, String refName, ObjectId from, ObjectId to) {
        Path log = gitDir.resolve("logs").resolve(refName);
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(" ", 3);
                return parts.length == 3 && parts[0].equals(from.name()) && parts[1].equals(to.name());
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether every object reachable from {@code tip} but not from {@code current} is present. */
    private static boolean complete(Repository repo, ObjectId tip, ObjectId current) {
        try (ObjectReader reader = repo.newObjectReader(); ObjectWalk walk = new ObjectWalk(reader)) {
            walk.markStart(walk.parseCommit(tip));
            if (!current.equals(ObjectId.zeroId())) {
                walk.markUninteresting(walk.parseCommit(current));
            }
            while (walk.next() != null) {
                // parsing each commit proves it is there
            }
            for (RevObject o; (o = walk.nextObject()) != null; ) {
                if (!reader.has(o)) {
                    return false;
                }
            }
            return true;
        } catch (MissingObjectException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot verify {}: {}", repo.getDirectory(), tip.name(), e.toString());
            return false;
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync {}: {}", dir, e.toString());
        }
    }
}
