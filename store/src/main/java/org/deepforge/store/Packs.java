package org.deepforge.store;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.Pack;
import org.eclipse.jgit.internal.storage.file.PackIndex;
import org.eclipse.jgit.internal.storage.pack.PackWriter;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.pack.PackConfig;

/**
 * Pack housekeeping for group commits: fsync helpers, and geometric folding of packs: once
 * {@value #PER_CLASS} packs of the same size class exist they become one pack of the next class, so
 * each object is rewritten O(log n) times and the pack count stays O(log n) — unlike a full gc, whose
 * cost grows with the whole history every time.
 */
final class Packs {
    /** Packs are grouped by size class: objects in [8^k, 8^(k+1)). */
    private static final double CLASS_BASE = Math.log(8);
    /** Fold a size class once it holds this many packs. */
    static final int PER_CLASS = 8;

    /** Threads that wait in fsync beside the caller (idle ones end after a minute). */
    private static final ExecutorService FSYNC = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "deepforge-fsync");
                t.setDaemon(true);
                return t;
            });

    private Packs() {}

    /**
     * Makes {@code files} and their directory entries durable: every fsync is issued at once (the file system
     * can commit them in one journal transaction, instead of one after another) and all have returned when
     * this returns.
     */
    static void force(Collection<Path> files, Path dir) throws IOException {
        if (files.isEmpty()) {
            return;
        }
        List<Path> all = new ArrayList<>(files);
        all.add(dir);
        List<Future<?>> others = new ArrayList<>();
        for (Path path : all.subList(1, all.size())) {
            others.add(FSYNC.submit(() -> {
                force(path);
                return null;
            }));
        }
        IOException failed = null;
        try {
            force(all.get(0));
        } catch (IOException e) {
            failed = e;
        }
        for (Future<?> other : others) {
            try {
                other.get();
            } catch (ExecutionException e) {
                IOException io = e.getCause() instanceof IOException x ? x : new IOException(e.getCause());
                if (failed == null) {
                    failed = io;
                } else {
                    failed.addSuppressed(io);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for fsync");
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static boolean needsConsolidation(Repository repo) {
        return !crowdedClass((ObjectDirectory) repo.getObjectDatabase()).isEmpty();
    }

    /** Writes every object of the smallest crowded size class into one new pack, then deletes those packs. Writers must be locked out. */
    static void consolidate(Repository repo) throws IOException {
        ObjectDirectory objects = (ObjectDirectory) repo.getObjectDatabase();
        List<Pack> small = crowdedClass(objects);
        if (small.size() < 2) {
            return;
        }
        Path dir = objects.getPackDirectory().toPath();
        Path tmpPack = Files.createTempFile(dir, "consolidate-", ".pack.tmp");
        Path tmpIdx = Files.createTempFile(dir, "consolidate-", ".idx.tmp");
        try (ObjectReader reader = repo.newObjectReader(); RevWalk walk = new RevWalk(reader);
             PackWriter writer = new PackWriter(new PackConfig(repo), reader)) {
            List<RevObject> all = new ArrayList<>();
            for (Pack pack : small) {
                for (PackIndex.MutableEntry entry : pack) {
                    all.add(walk.parseAny(entry.toObjectId()));
                }
            }
            writer.setUseCachedPacks(false);
            writer.preparePack(all.iterator());
            try (OutputStream out = Files.newOutputStream(tmpPack)) {
                writer.writePack(NullProgressMonitor.INSTANCE, NullProgressMonitor.INSTANCE, out);
            }
            try (OutputStream out = Files.newOutputStream(tmpIdx)) {
                writer.writeIndex(out);
            }
            String name = "pack-" + writer.computeName().name();
            Path pack = dir.resolve(name + ".pack");
            Path idx = dir.resolve(name + ".idx");
            force(List.of(tmpPack, tmpIdx), dir);
            Files.move(tmpPack, pack, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmpIdx, idx, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            force(List.of(pack), dir);
            objects.openPack(pack.toFile());
            for (Pack old : small) {
                File file = old.getPackFile();
                if (file.toPath().equals(pack)) {
                    continue;
                }
                // not old.close(): that drops its loaded index, and a reader racing the rescan would then
                // look for the deleted .idx; JGit closes the pack itself once a rescan finds it gone
                String base = file.getName().replaceFirst("\\.pack$", "");
                for (String ext : List.of(".pack", ".idx", ".rev", ".bitmap", ".objsize", ".keep")) {
                    Files.deleteIfExists(dir.resolve(base + ext));
                }
            }
            // rescan now, while writers are still locked out, so no reader meets the deleted packs
            objects.getPacks();
        } finally {
            Files.deleteIfExists(tmpPack);
            Files.deleteIfExists(tmpIdx);
        }
    }

    /** The packs of the smallest size class that holds at least {@link #PER_CLASS} packs (empty if none). */
    private static List<Pack> crowdedClass(ObjectDirectory objects) {
        TreeMap<Integer, List<Pack>> classes = new TreeMap<>();
        for (Pack pack : objects.getPacks()) {
            long count;
            try {
                count = pack.getIndex().getObjectCount();
            } catch (IOException e) {
                continue;
            }
            int sizeClass = (int) Math.floor(Math.log(Math.max(1, count)) / CLASS_BASE);
            classes.computeIfAbsent(sizeClass, k -> new ArrayList<>()).add(pack);
        }
        for (List<Pack> packs : classes.values()) {
            if (packs.size() >= PER_CLASS) {
                return packs;
            }
        }
        return List.of();
    }
}
