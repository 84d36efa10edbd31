package org.deepforge.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.deepforge.store.tree.TreeWriter;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.PackInserter;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The objects of one or more commits written as a single pack, made durable with one fsync of the pack,
 * its index and the pack directory: the "group commit" that lets a burst of edits share one trip to
 * disk. {@link Packs#consolidate} later folds these small packs together.
 */
final class Batch implements AutoCloseable {
    private final PackInserter inserter;
    private final ObjectReader reader;
    private final TreeWriter trees;
    private final Path packDir;

    Batch(ObjectDirectory objects, TreeWriter trees) {
        this.inserter = objects.newPackInserter();
        this.inserter.checkExisting(true);
        // trees are rewritten on every edit: favour speed; folding packs later keeps these bytes
        this.inserter.setCompressionLevel(Deflater.BEST_SPEED);
        this.reader = inserter.newReader();
        this.trees = trees;
        this.packDir = objects.getPackDirectory().toPath();
    }

    /** Writes a commit whose tree is {@code baseTree} (null: empty) with {@code changes}, dated {@code when}; returns (commit, tree). */
    ObjectId[] commit(List<ObjectId> parents, ObjectId baseTree, Map<String, byte[]> changes, Author author, String message,
                      Instant when) throws IOException {
        ObjectId tree = trees.write(reader, inserter, baseTree, changes);
        PersonIdent who = new PersonIdent(author.name(), author.email(), when, ZoneOffset.UTC);
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        commit.setParentIds(parents);
        commit.setAuthor(who);
        commit.setCommitter(new PersonIdent("DeepForge", "deepforge@localhost", who.getWhenAsInstant(), who.getZoneId()));
        commit.setMessage(message.endsWith("\n") ? message : message + "\n");
        return new ObjectId[] {inserter.insert(commit), tree};
    }

    /** Writes the pack and returns only once it, its index and their directory entries are on disk. */
    void flushDurably() throws IOException {
        Files.createDirectories(packDir);
        Set<Path> before = list();
        inserter.flush();
        Set<Path> written = list();
        written.removeAll(before);
        Packs.force(written, packDir);
    }

    private Set<Path> list() throws IOException {
        try (Stream<Path> files = Files.list(packDir)) {
            return new HashSet<>(files.toList());
        }
    }

    @Override
    public void close() {
        reader.close();
        inserter.close();
    }
}
