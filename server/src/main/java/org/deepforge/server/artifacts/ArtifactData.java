package org.deepforge.server.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.server.artifacts.DataOwners.Data;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.run.Placements;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StorageUse;
import org.deepforge.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artifact data belongs to projects. A key is owned by the projects whose server-side paths stored or imported it
 * (upload, an Output node, import from a bucket, examples); a project reads only data it owns. Data is deleted
 * only when no artifact of an owning project refers to it at any branch, tag or other ref (a mark phase over
 * refs, see {@link ProjectStore#storageUses}). Saving and deleting one key never interleave (a lock per key).
 */
public final class ArtifactData {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactData.class);

    /** What deleting an artifact's data did: deleted it, or kept it and why (safe to show the caller). */
    public record Outcome(boolean deleted, String reason) {}

    /** Work done while a key is held, e.g. committing the artifact that records it. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    private final DataOwners owners;
    private final ProjectStore store;
    private final Placements placements;
    private final Authz authz;
    private final ReentrantLock[] locks = new ReentrantLock[64];

    public ArtifactData(DataOwners owners, ProjectStore store, Placements placements, Authz authz) {
        this.owners = owners;
        this.store = store;
        this.placements = placements;
        this.authz = authz;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    private ReentrantLock lock(Data data) {
        return locks[Math.floorMod((data.location() + "\n" + data.key()).hashCode(), locks.length)];
    }

    /**
     * The server has stored {@code storage} (an artifact's storage record) for {@code project}: records the
     * project as an owner and runs {@code commit} (which writes the artifact record) before any delete of the
     * same key can decide. If the data vanished in between (deleted by another project's last reference), 409.
     */
    public <T> T record(String project, JsonNode storage, StorageAdapter adapter, Work<T> commit) throws Exception {
        Data data = Data.of(storage).orElseThrow(() -> new IllegalArgumentException("a storage record without a key"));
        ReentrantLock lock = lock(data);
        lock.lock();
        boolean claimed = false;
        try {
            claimed = owners.claim(data, project);
            if (adapter.stat(data.key()).isEmpty()) {
                throw new BadRequest(409, "the data was deleted while it was being saved (the last artifact using the same bytes "
                        + "was deleted at that moment); save it again");
            }
            return commit.run();
        } catch (Exception | Error e) {
            if (claimed) {
                owners.release(data, project);
            }
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code project} may read the data an artifact's storage record names. */
    public boolean readable(String project, JsonNode storage) throws SQLException {
        return owners.readable(project, storage);
    }

    /**
     * Deletes the data an artifact of {@code project} referred to (its record is already gone from one branch) if
     * no artifact of any owning project refers to it any more; otherwise keeps it and says why, naming only
     * projects {@code caller} may read.
     */
    public Outcome collect(String project, JsonNode storage, Principal caller) throws Exception {
        Optional<Data> found = Data.of(storage);
        if (found.isEmpty()) {
            return new Outcome(false, "the artifact refers to no stored data");
        }
        Data data = found.get();
        ReentrantLock lock = lock(data);
        lock.lock();
        try {
            if (!owners.owns(data, project)) {
                return new Outcome(false, "this project does not own the data, so it cannot delete it");
            }
            Map<String, List<StorageUse>> uses = uses(data);
            if (uses.isEmpty()) {
                delete(data, caller);
                return new Outcome(true, "");
            }
            return new Outcome(false, reason(project, uses, caller));
        } finally {
            lock.unlock();
        }
    }

    /** A project was deleted: it owns nothing any more, and data no other owner refers to is deleted. */
    public void releaseProject(String project, Principal caller) throws SQLException {
        for (Data data : owners.ownedBy(project)) {
            ReentrantLock lock = lock(data);
            lock.lock();
            try {
                owners.release(data, project);
                if (uses(data).isEmpty()) {
                    delete(data, caller);
                }
            } catch (Exception e) {
                LOG.warn("could not release data {} of deleted project {}: {}", data.key(), project, e.toString());
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * A project came in from a bundle: it shares the ownership of the data its artifacts refer to only where the
     * importing user can read a project that owns that data; other artifacts show "data not available".
     */
    public int adopt(String project, Principal importer) throws Exception {
        int adopted = 0;
        Set<Data> seen = new LinkedHashSet<>();
        for (StorageUse use : store.storageUses(project)) {
            Optional<Data> data = Data.of(use.storage());
            if (data.isEmpty() || !seen.add(data.get())) {
                continue;
            }
            for (String owner : owners.owners(data.get())) {
                if (!owner.equals(project) && authz.canRead(importer, owner)) {
                    owners.claim(data.get(), project);
                    adopted++;
                    break;
                }
            }
        }
        return adopted;
    }

    /** Data the server itself put in a project (examples, artifacts made before ownership was recorded) is owned by it. */
    public void claimAll(String project) throws Exception {
        for (StorageUse use : store.storageUses(project)) {
            Optional<Data> data = Data.of(use.storage());
            if (data.isPresent()) {
                owners.claim(data.get(), project);
            }
        }
    }

    /** Once per data directory: artifacts made before ownership was recorded are owned by the projects they are in. */
    public void backfill() throws Exception {
        if (!owners.once("artifact-data-owners-backfilled")) {
            return;
        }
        for (var p : store.list()) {
            claimAll(p.id());
        }
    }

    /** Every use of the data by an artifact of a project that owns it, by project (owners without a repository are dropped). */
    private Map<String, List<StorageUse>> uses(Data data) throws SQLException, IOException {
        Map<String, List<StorageUse>> out = new LinkedHashMap<>();
        for (String owner : owners.owners(data)) {
            List<StorageUse> found = new ArrayList<>();
            try {
                for (StorageUse use : store.storageUses(owner)) {
                    if (Data.of(use.storage()).map(d -> d.location().equals(data.location()) && d.key().equals(data.key())).orElse(false)) {
                        found.add(use);
                    }
                }
            } catch (StoreException e) {
                if (e.kind() == StoreException.Kind.NOT_FOUND) {
                    owners.release(data, owner); // a project deleted without releasing (e.g. a crash in between)
                    continue;
                }
                throw e;
            }
            if (!found.isEmpty()) {
                out.put(owner, found);
            }
        }
        return out;
    }

    private void delete(Data data, Principal caller) throws Exception {
        StorageAdapter adapter;
        try {
            adapter = placements.storage(data.record(), caller.id());
        } catch (IllegalArgumentException e) {
            throw new BadRequest("the data cannot be deleted: " + e.getMessage());
        }
        adapter.delete(data.key());
        owners.forget(data);
        LOG.info("deleted artifact data {} ({}): nothing refers to it any more", data.key(), data.location());
    }

    private String reason(String project, Map<String, List<StorageUse>> uses, Principal caller) throws SQLException {
        int count = 0;
        List<String> places = new ArrayList<>();
        Set<String> refs = new LinkedHashSet<>();
        uses.getOrDefault(project, List.of()).forEach(u -> refs.add(u.ref()));
        if (!refs.isEmpty()) {
            places.add(String.join(", ", refs) + " of this project");
        }
        int hidden = 0;
        for (var e : uses.entrySet()) {
            count += (int) e.getValue().stream().map(StorageUse::artifact).distinct().count();
            if (e.getKey().equals(project)) {
                continue;
            }
            if (authz.canRead(caller, e.getKey())) {
                String name;
                try {
                    name = store.get(e.getKey()).name();
                } catch (IOException | RuntimeException x) {
                    name = e.getKey();
                }
                places.add("project \"" + name + "\"");
            } else {
                hidden++;
            }
        }
        if (hidden > 0) {
            places.add(hidden == 1 ? "another project" : hidden + " other projects");
        }
        return "still used by " + count + " other artifact" + (count == 1 ? "" : "s") + " (" + String.join("; ", places) + ")";
    }
}
