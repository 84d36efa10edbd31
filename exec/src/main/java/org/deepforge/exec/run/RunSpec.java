package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.Set;
import org.deepforge.model.Json;

/**
 * What an execution is, as it starts: the pipeline at a commit of a branch (tagged {@code runs/<id>} when the tag
 * could be made), its name, who runs it, its compute and storage choices ({@code {"adapter": ..., ...}}) and which
 * cached results it must not use.
 */
public record RunSpec(String id, String project, String pipeline, String branch, String commit, Optional<String> tag, String name,
                      String user, JsonNode compute, JsonNode storage, CachePolicy cache) {
    /** Cached results not to use: none, all ({@code ignoreAll}), or those of the pipeline nodes in {@code ignoreJobs}. */
    public record CachePolicy(boolean ignoreAll, Set<String> ignoreJobs) {
        public static final CachePolicy USE = new CachePolicy(false, Set.of());

        public CachePolicy {
            ignoreJobs = Set.copyOf(ignoreJobs);
        }
    }

    /** The choice a run without one gets: this server's own adapter. */
    public static JsonNode local() {
        return Json.MAPPER.createObjectNode().put("adapter", "local");
    }

    public RunSpec {
        tag = tag == null ? Optional.empty() : tag;
        compute = compute == null || compute.isMissingNode() ? local() : compute.deepCopy();
        storage = storage == null || storage.isMissingNode() ? local() : storage.deepCopy();
        cache = cache == null ? CachePolicy.USE : cache;
    }

    /** The same run, tagged {@code tag} (or not tagged). */
    public RunSpec withTag(Optional<String> tag) {
        return new RunSpec(id, project, pipeline, branch, commit, tag, name, user, compute, storage, cache);
    }

    /** The fields a {@link Placement.Resolver} reads (project, user, compute, storage) with the rest of the run. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", id).put("project", project).put("pipeline", pipeline).put("branch", branch)
                .put("commit", commit).put("tag", tag.orElse(null)).put("name", name).put("user", user);
        o.set("compute", compute.deepCopy());
        o.set("storage", storage.deepCopy());
        return o;
    }
}
