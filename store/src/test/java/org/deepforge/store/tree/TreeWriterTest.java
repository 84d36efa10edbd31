package org.deepforge.store.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.junit.jupiter.api.Test;

class TreeWriterTest {
    /** Names whose git order differs from plain string order once a directory's '/' counts ("a-" < "a/" < "a0"). */
    private static final String[] NAMES = {"a", "a-b.json", "a.json", "a0.json", "b", "b.py", "pipelines", "x~y.json"};

    @Test
    void editedTreesAreTheTreesGitBuildsFromTheSameFiles() throws Exception {
        Random random = new Random(7);
        TreeWriter writer = new TreeWriter();
        try (InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("t"));
             ObjectInserter inserter = repo.newObjectInserter(); ObjectReader reader = repo.newObjectReader()) {
            Map<String, byte[]> files = new TreeMap<>();
            ObjectId tree = null;
            for (int round = 0; round < 200; round++) {
                Map<String, byte[]> changes = new HashMap<>();
                for (int i = random.nextInt(4); i >= 0; i--) {
                    String path = path(random);
                    if (changes.keySet().stream().anyMatch(p -> p.startsWith(path + "/") || path.startsWith(p + "/"))) {
                        continue; // one change set never holds a file and a file inside it
                    }
                    boolean delete = random.nextInt(3) == 0;
                    changes.put(path, delete ? null : ("v" + round + "-" + i).getBytes(StandardCharsets.UTF_8));
                }
                apply(files, changes);
                tree = writer.write(reader, inserter, tree, changes);
                assertThat(tree).as("round %d", round).isEqualTo(gitTree(inserter, files));
            }
        }
    }

    /** A path one to three levels deep; a name may be a file in one round and a directory in another. */
    private static String path(Random random) {
        StringBuilder path = new StringBuilder(NAMES[random.nextInt(NAMES.length)]);
        for (int depth = random.nextInt(3); depth > 0; depth--) {
            path.append('/').append(NAMES[random.nextInt(NAMES.length)]);
        }
        return path.toString();
    }

    /** What the writer is asked to do, applied to a plain map: a file replaces a directory of its name and the reverse. */
    private static void apply(Map<String, byte[]> files, Map<String, byte[]> changes) {
        for (var change : changes.entrySet()) {
            String path = change.getKey();
            files.keySet().removeIf(p -> p.startsWith(path + "/"));
            for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                files.remove(path.substring(0, slash));
            }
            if (change.getValue() == null) {
                files.remove(path);
            } else {
                files.put(path, change.getValue());
            }
        }
    }

    private static ObjectId gitTree(ObjectInserter inserter, Map<String, byte[]> files) throws Exception {
        DirCache index = DirCache.newInCore();
        DirCacheBuilder builder = index.builder();
        for (var file : files.entrySet()) {
            DirCacheEntry entry = new DirCacheEntry(file.getKey());
            entry.setFileMode(FileMode.REGULAR_FILE);
            entry.setObjectId(inserter.insert(Constants.OBJ_BLOB, file.getValue()));
            builder.add(entry);
        }
        builder.finish();
        return index.writeTree(inserter);
    }
}
