package org.deepforge.exec.reify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.run.Execution;
import org.deepforge.exec.run.RunService;
import org.deepforge.exec.run.RunSpec;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.model.domain.Provenance;
import org.deepforge.store.Author;
import org.deepforge.store.ChangeResult;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ModelAt;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;
import org.deepforge.store.VersionControl;

/**
 * "Open as pipeline" and "Reproduce": commits the pipeline that made an artifact ({@link PipelineFromProvenance}) to a
 * branch the user names (made from the default branch when new), runs it with the seed the artifact's run had, and
 * compares what the new run saved with the original, output by output.
 */
public final class Reification {
    private final ProjectStore store;
    private final VersionControl vc;
    private final RunService runs;
    private final org.deepforge.ops.Operations operations;

    public Reification(ProjectStore store, VersionControl vc, RunService runs, org.deepforge.ops.Operations operations) {
        this.store = store;
        this.vc = vc;
        this.runs = runs;
        this.operations = operations;
    }

    /** A pipeline rebuilt from an artifact, committed on {@code branch}. */
    public record Opened(String branch, boolean branchCreated, String commit, String artifact, PipelineFromProvenance.Result result) {
        public ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode().put("branch", branch).put("branchCreated", branchCreated).put("commit", commit)
                    .put("artifact", artifact).put("pipeline", result.pipeline()).put("name", result.name())
                    .put("execution", result.execution().isEmpty() ? null : result.execution());
            if (result.seed().isPresent()) {
                o.put("seed", result.seed().getAsLong());
            } else {
                o.putNull("seed");
            }
            ArrayNode ops = o.putArray("addedOperations");
            result.addedOperations().forEach(ops::add);
            ArrayNode archs = o.putArray("addedArchitectures");
            result.addedArchitectures().forEach(archs::add);
            return o;
        }
    }

    /**
     * Rebuilds the pipeline that made {@code artifact} and commits it to {@code branch}; a new branch starts at the head of
     * the project's default branch, where the artifact must be. Nothing is written when the record cannot be rebuilt.
     */
    public Opened open(String project, String artifact, String branch, Author author) throws IOException {
        if (branch == null || branch.isBlank()) {
            throw StoreException.badRequest("name the branch for the rebuilt pipeline: {\"branch\": \"reproduce-…\"}");
        }
        boolean exists = vc.branches(project).stream().anyMatch(b -> b.name().equals(branch));
        ModelAt at = store.model(project, exists ? branch : store.get(project).defaultBranch());
        PipelineFromProvenance.Result result = PipelineFromProvenance.build(at.model(), artifact, operations::renameClass,
                (architecture, commit) -> architectureAt(project, architecture, commit));
        if (!exists) {
            vc.createBranch(project, branch, at.commit());
        }
        String artifactName = at.model().path("artifacts").path(artifact).path("name").asText(artifact);
        String message = "Open \"" + artifactName + "\" as pipeline" + (result.execution().isEmpty() ? "" : " (as made by run " + result.execution() + ")")
                + (result.addedOperations().isEmpty() ? "" : "; recorded code as " + String.join(", ", result.addedOperations()));
        ChangeResult done;
        try {
            done = store.apply(project, branch, new ChangeSet(Optional.of(at.commit()), message, result.patch(), author));
        } catch (IOException | RuntimeException failed) {
            if (!exists) { // the branch was made for this pipeline alone: do not leave it behind empty
                try {
                    vc.deleteBranch(project, branch);
                } catch (IOException | RuntimeException cleanup) {
                    failed.addSuppressed(cleanup);
                }
            }
            throw failed;
        }
        return new Opened(branch, !exists, done.commit(), artifact, result);
    }

    /** Architecture {@code id} at {@code commit} of the project (a session's record names the commit it started from). */
    private Optional<JsonNode> architectureAt(String project, String id, String commit) {
        try {
            return Optional.ofNullable(store.model(project, commit).model().path("architectures").get(id));
        } catch (IOException | RuntimeException unreadable) { // a commit that is gone (or not one): there is no copy to use
            return Optional.empty();
        }
    }

    /**
     * Opens the pipeline that made {@code artifact} (as {@link #open}) and runs it with the original run's seed and no
     * cached results; {@link #compare} then says whether it made the same data.
     */
    public Execution reproduce(String project, String artifact, String branch, Author author) throws IOException, SQLException {
        Opened opened = open(project, artifact, branch, author);
        return runs.run(new RunService.Request(project, opened.result().pipeline(), Optional.of(branch),
                Optional.of("Reproduce " + opened.result().name()), author.id(), RunSpec.local(), RunSpec.local(),
                new RunSpec.CachePolicy(true, java.util.Set.of()), opened.result().seed()));
    }

    /**
     * Compares artifact {@code original} with what execution {@code execution} saved under the same name (read at the
     * head of the execution's branch): per output, ✓ identical or ✗ differs with the first job, upstream first, whose
     * output differs. {@code status} is "running" while the execution has not finished.
     */
    public ObjectNode compare(String project, String original, String execution) throws IOException, SQLException {
        Execution run = runs.get(execution);
        if (!run.project().equals(project)) {
            throw StoreException.notFound("there is no execution " + execution + " in this project");
        }
        ObjectNode out = Json.MAPPER.createObjectNode().put("execution", execution).put("artifact", original)
                .put("status", run.status().id());
        ModelAt at = store.model(project, run.run().branch());
        Artifact before = Artifact.read(at.model(), original)
                .orElseThrow(() -> StoreException.notFound("there is no artifact " + original + " on branch " + run.run().branch()));
        if (!run.status().finished()) {
            return out.put("verdict", "running");
        }
        Optional<Artifact> after = made(at.model(), execution, before.name());
        if (after.isEmpty()) {
            return out.put("verdict", "missing").put("message", "execution " + execution + " saved no artifact named \"" + before.name() + "\"");
        }
        boolean same = after.get().data().sha256().equals(before.data().sha256());
        out.put("verdict", same ? "identical" : "differs").put("reproduced", after.get().id())
                .put("sha256", before.data().sha256()).put("reproducedSha256", after.get().data().sha256());
        if (!same) {
            firstDivergence(before, after.get()).ifPresent(j -> out.put("firstDivergedJob", j.job()).put("firstDivergedOperation", j.operation()));
        }
        return out;
    }

    /** The artifact named {@code name} that execution {@code execution} saved (the newest, should it have saved several). */
    private static Optional<Artifact> made(JsonNode model, String execution, String name) {
        List<Artifact> found = new ArrayList<>();
        model.path("artifacts").fields().forEachRemaining(e -> {
            Artifact a = Artifact.of(e.getKey(), e.getValue());
            if (a.name().equals(name) && a.execution().filter(execution::equals).isPresent()) {
                found.add(a);
            }
        });
        return found.stream().max(java.util.Comparator.comparing(a -> a.created().orElse("")));
    }

    /**
     * The job, furthest upstream, whose output differs between the two records: jobs are matched by node id (a rebuilt
     * pipeline keeps them), and each job's output is known by the hash its reader recorded, or the artifact's own.
     */
    static Optional<Provenance.FromJob> firstDivergence(Artifact before, Artifact after) {
        if (before.provenance().isEmpty() || after.provenance().isEmpty()
                || !(before.provenance().get().source() instanceof Provenance.FromJob b)
                || !(after.provenance().get().source() instanceof Provenance.FromJob a)) {
            return Optional.empty();
        }
        return diverged(b, a).or(() -> Optional.of(b));
    }

    /** The furthest-upstream job below {@code b} whose output (as read by the job above) differs from the one in {@code a}. */
    private static Optional<Provenance.FromJob> diverged(Provenance.FromJob b, Provenance.FromJob a) {
        for (Provenance.Input in : b.inputs()) {
            Optional<Provenance.Input> other = a.inputs().stream().filter(i -> i.port().equals(in.port())).findFirst();
            if (other.isEmpty() || !(in.from() instanceof Provenance.FromJob upstream) || !(other.get().from() instanceof Provenance.FromJob up2)) {
                continue;
            }
            Optional<Provenance.FromJob> deeper = diverged(upstream, up2);
            if (deeper.isPresent()) {
                return deeper;
            }
            if (!in.sha256().equals(other.get().sha256())) {
                return Optional.of(upstream);
            }
        }
        return Optional.empty();
    }
}
