package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.Set;
import org.deepforge.model.Json;

/**
 * What an execution is, as it starts: the pipeline at a commit of a branch (tagged {@code runs/<id>} when the tag
 * could be made), its name, who runs it, its compute and storage choices ({@code {"adapter": ..., ...}}) and which
 * cached results it must not use, and its {@code seed} (see {@link #jobSeed}): every job of the run is seeded from it, so the
 * same pipeline at the same commit with the same seed computes the same outputs where its operations are deterministic.
 */
public record RunSpec(String id, String project, String pipeline, String branch, String commit, Optional<String> tag, String name,
                      String user, JsonNode compute, JsonNode storage, CachePolicy cache, long seed) {
    /** The largest seed: seeds are unsigned 32-bit numbers, so that numpy takes them and JSON readers in browsers keep them exact. */
    public static final long MAX_SEED = 0xFFFF_FFFFL;
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
        if (seed < 0 || seed > MAX_SEED) {
            throw new IllegalArgumentException("a seed is a whole number from 0 to " + MAX_SEED + ", not " + seed);
        }
    }

    /** A fresh seed for a run that was not given one. */
    public static long drawSeed() {
        return new java.security.SecureRandom().nextLong() & MAX_SEED;
    }

    /**
     * The seed of the job for pipeline node {@code node} in a run seeded with {@code seed}: the first four bytes of
     * SHA-256 of {@code "<seed>:<node>"} (the seed in decimal, UTF-8) as an unsigned big-endian number. Jobs get different
     * seeds, each fixed by the run's seed and the node, so a job draws the same numbers wherever and whenever it runs.
     */
    public static long jobSeed(long seed, String node) {
        return org.deepforge.exec.bundle.BundleWriter.jobSeed(seed, node);
    }

    /** The same run, tagged {@code tag} (or not tagged). */
    public RunSpec withTag(Optional<String> tag) {
        return new RunSpec(id, project, pipeline, branch, commit, tag, name, user, compute, storage, cache, seed);
    }

    /** The fields a {@link Placement.Resolver} reads (project, user, compute, storage) with the rest of the run. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", id).put("project", project).put("pipeline", pipeline).put("branch", branch)
                .put("commit", commit).put("tag", tag.orElse(null)).put("name", name).put("user", user).put("seed", seed);
        o.set("compute", compute.deepCopy());
        o.set("storage", storage.deepCopy());
        return o;
    }
}
