package org.deepforge.store.tree;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Writes a new git tree from an old one plus file changes, touching only the directories that
 * changed. Parsed trees are cached by id (trees never change), so an edit does not re-read the project.
 */
public final class TreeWriter {
    /** A tree entry with its sort key: the name's bytes, plus '/' for a directory (git's tree order). */
    private record Entry(String name, FileMode mode, ObjectId id, byte[] key) {
        Entry(String name, FileMode mode, ObjectId id) {
            this(name, mode, id, (mode == FileMode.TREE ? name + "/" : name).getBytes(StandardCharsets.UTF_8));
        }

        /** The name's length in bytes (the key without a directory's '/'). */
        int nameLength() {
            return mode == FileMode.TREE ? key.length - 1 : key.length;
        }
    }

    private static final Comparator<Entry> GIT_ORDER = (a, b) -> compare(a.key(), b.key());

    private final Map<ObjectId, List<Entry>> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ObjectId, List<Entry>> eldest) {
                    return size() > 512;
                }
            });

    /** The id of {@code tree} (null: empty) with {@code changes} applied: path → bytes, or null to delete. */
    public ObjectId write(ObjectReader reader, ObjectInserter inserter, ObjectId tree, Map<String, byte[]> changes) throws IOException {
        ObjectId id = edit(reader, inserter, tree, changes);
        return id != null ? id : inserter.insert(new TreeFormatter());
    }

    private ObjectId edit(ObjectReader reader, ObjectInserter inserter, ObjectId tree, Map<String, byte[]> changes) throws IOException {
        // the cached entries are in git's order already: changes are put in place, so a large directory
        // (one collection of a big project) costs one array copy per edit, not a re-sort
        List<Entry> entries = tree == null ? new ArrayList<>() : new ArrayList<>(read(reader, tree));
        Map<String, Map<String, byte[]>> subdirs = new TreeMap<>();
        for (var change : changes.entrySet()) {
            String path = change.getKey();
            int slash = path.indexOf('/');
            if (slash >= 0) {
                subdirs.computeIfAbsent(path.substring(0, slash), k -> new HashMap<>()).put(path.substring(slash + 1), change.getValue());
            } else {
                put(entries, path, change.getValue() == null ? null
                        : new Entry(path, FileMode.REGULAR_FILE, inserter.insert(Constants.OBJ_BLOB, change.getValue())));
            }
        }
        for (var sub : subdirs.entrySet()) {
            Entry existing = find(entries, sub.getKey());
            ObjectId subtree = existing != null && existing.mode() == FileMode.TREE ? existing.id() : null;
            ObjectId edited = edit(reader, inserter, subtree, sub.getValue());
            put(entries, sub.getKey(), edited == null ? null : new Entry(sub.getKey(), FileMode.TREE, edited));
        }
        if (entries.isEmpty()) {
            return null;
        }
        int size = 0;
        for (Entry e : entries) {
            size += TreeFormatter.entrySize(e.mode(), e.nameLength());
        }
        TreeFormatter formatter = new TreeFormatter(size);
        for (Entry e : entries) {
            formatter.append(e.key(), 0, e.nameLength(), e.mode(), e.id());
        }
        ObjectId id = inserter.insert(formatter);
        cache.put(id.copy(), List.copyOf(entries));
        return id;
    }

    /** Replaces the entry called {@code name} (file or directory) by {@code entry}, or removes it when null. */
    private static void put(List<Entry> sorted, String name, Entry entry) {
        Entry old = find(sorted, name);
        if (old != null) {
            sorted.remove(Collections.binarySearch(sorted, old, GIT_ORDER));
        }
        if (entry != null) {
            sorted.add(-Collections.binarySearch(sorted, entry, GIT_ORDER) - 1, entry);
        }
    }

    /** The entry called {@code name}, whether a file or a directory (their sort keys differ). */
    private static Entry find(List<Entry> sorted, String name) {
        for (FileMode mode : List.of(FileMode.REGULAR_FILE, FileMode.TREE)) {
            int i = Collections.binarySearch(sorted, new Entry(name, mode, ObjectId.zeroId()), GIT_ORDER);
            if (i >= 0) {
                return sorted.get(i);
            }
        }
        return null;
    }

    private List<Entry> read(ObjectReader reader, ObjectId tree) throws IOException {
        List<Entry> cached = cache.get(tree);
        if (cached != null) {
            return cached;
        }
        List<Entry> entries = new ArrayList<>();
        CanonicalTreeParser parser = new CanonicalTreeParser(null, reader, tree);
        while (!parser.eof()) {
            entries.add(new Entry(parser.getEntryPathString(), parser.getEntryFileMode(), parser.getEntryObjectId()));
            parser.next();
        }
        List<Entry> result = List.copyOf(entries);
        cache.put(tree.copy(), result);
        return result;
    }

    private static int compare(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int c = (a[i] & 0xff) - (b[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return a.length - b.length;
    }
}
