package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deepforge.model.Json;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * The mark phase of artifact data collection: every artifact record at every ref of a project (branches, tags
 * — executions tag the commit they ran — and any other ref). Reads only {@code artifacts/}, each blob once.
 */
final class StorageUses {
    private StorageUses() {}

    static List<StorageUse> of(ProjectRepo repo) throws IOException {
        List<StorageUse> uses = new ArrayList<>();
        Map<ObjectId, JsonNode> blobs = new HashMap<>();
        try (ObjectReader reader = repo.repo.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            for (Ref ref : repo.repo.getRefDatabase().getRefs()) {
                if (ref.getObjectId() == null || ref.getName().equals(Constants.HEAD)) {
                    continue;
                }
                RevObject target = walk.peel(walk.parseAny(ref.getObjectId()));
                if (target.getType() != Constants.OBJ_COMMIT) {
                    continue;
                }
                String where = describe(ref.getName());
                try (TreeWalk tree = new TreeWalk(reader)) {
                    tree.addTree(walk.parseCommit(target).getTree());
                    tree.setRecursive(true);
                    tree.setFilter(PathFilter.create("artifacts"));
                    while (tree.next()) {
                        String path = tree.getPathString();
                        if (!path.endsWith(".json")) {
                            continue;
                        }
                        ObjectId blob = tree.getObjectId(0).copy();
                        JsonNode artifact = blobs.get(blob);
                        if (artifact == null) {
                            try {
                                artifact = Json.MAPPER.readTree(reader.open(blob).getBytes());
                            } catch (IOException e) {
                                artifact = Json.MAPPER.createObjectNode(); // an unreadable record refers to nothing
                            }
                            blobs.put(blob, artifact);
                        }
                        if (artifact.path("storage").isObject()) {
                            String id = path.substring("artifacts/".length(), path.length() - ".json".length());
                            uses.add(new StorageUse(where, id, artifact.path("name").asText(id), artifact.get("storage")));
                        }
                    }
                }
            }
        }
        return List.copyOf(uses);
    }

    private static String describe(String ref) {
        if (ref.startsWith(Constants.R_HEADS)) {
            return "branch " + ref.substring(Constants.R_HEADS.length());
        }
        if (ref.startsWith(Constants.R_TAGS)) {
            return "tag " + ref.substring(Constants.R_TAGS.length());
        }
        return ref;
    }
}
