package org.deepforge.server.api;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.Ids;
import org.deepforge.library.AnalysedArchitecture;

/**
 * The last few unsaved architectures each user had analysed, so the editor can send only what an edit
 * changed and get back only what that changed in the analysis. An entry is found only by the user and
 * project that made it; the oldest go first when a user has more than {@link #PER_USER} or all
 * together weigh more than {@link #MAX_BYTES}. Entries are never changed once kept.
 */
final class RecentAnalyses {
    /** Architectures larger than this are not kept: the editor sends them whole each time. */
    static final int MAX_ARCHITECTURE_BYTES = 1 << 20;
    static final int PER_USER = 8;
    static final long MAX_BYTES = 32L << 20;

    record Entry(String user, String project, AnalysedArchitecture analysed, long bytes) {}

    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    /** Keeps an analysed architecture of {@code size} bytes as sent; its id, or empty when too large to keep (or of unknown size). */
    synchronized Optional<String> keep(String user, String project, AnalysedArchitecture analysed, long size) {
        if (size < 0 || size > MAX_ARCHITECTURE_BYTES) {
            return Optional.empty();
        }
        String id = Ids.newId(16);
        entries.put(id, new Entry(user, project, analysed, size));
        bytes += size;
        int ofUser = 0;
        for (Entry e : entries.values()) {
            if (e.user().equals(user)) {
                ofUser++;
            }
        }
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext() && (ofUser > PER_USER || bytes > MAX_BYTES); ) {
            Entry e = it.next().getValue();
            if (e.user().equals(user) && ofUser > PER_USER) {
                ofUser--;
            } else if (bytes <= MAX_BYTES) {
                continue;
            }
            bytes -= e.bytes();
            it.remove();
        }
        return Optional.of(id);
    }

    synchronized Optional<Entry> find(String id, String user, String project) {
        Entry e = entries.get(id);
        return e != null && e.user().equals(user) && e.project().equals(project) ? Optional.of(e) : Optional.empty();
    }
}
