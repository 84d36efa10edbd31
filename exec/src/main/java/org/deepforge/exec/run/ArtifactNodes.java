package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.model.domain.Connection;
import org.deepforge.model.domain.Node;

/**
 * Input and Output nodes, which need no process: an Input node places its artifact's data (or a link
 * to it) where dependents read it; an Output node stores what flows in and records the artifact, with
 * its provenance, through the {@link ArtifactSink}.
 */
final class ArtifactNodes {
    private final Path workDir;
    private final ArtifactSink sink;

    ArtifactNodes(Path workDir, ArtifactSink sink) {
        this.workDir = workDir;
        this.sink = sink;
    }

    /** Runs an Input or Output job; returns how it ended. */
    JobGraph.Transition run(Run run, Job j) {
        Path dir = workDir.resolve(run.id).resolve(j.node);
        try {
            if (j.kind instanceof Node.Input input) {
                return read(run, input, dir);
            }
            return save(run, (Node.Output) j.kind, j.reads.get(0));
        } catch (Exception e) {
            return new JobGraph.Transition(j.node, JobStatus.FAILED,
                    (j.kind instanceof Node.Input ? "could not read the input: " : "could not save the output: ") + e.getMessage());
        }
    }

    private JobGraph.Transition read(Run run, Node.Input input, Path dir) throws IOException {
        String artifactId = input.artifact();
        Artifact artifact = Artifact.read(run.model, artifactId).orElseThrow(() -> new IOException("artifact " + artifactId + " does not exist"));
        Path out = Files.createDirectories(dir.resolve("outputs").resolve("data"));
        ObjectNode meta = artifact.inputMeta();
        RemoteInputs.place(run.placement, artifact, out, meta);
        Files.write(out.resolve("meta.json"), Json.fileBytes(meta));
        return new JobGraph.Transition(input.id(), JobStatus.SUCCESS, "read artifact " + artifactId);
    }

    private JobGraph.Transition save(Run run, Node.Output output, Connection read) throws Exception {
        Path source = workDir.resolve(run.id).resolve(read.from().node()).resolve("outputs").resolve(read.from().port());
        JsonNode meta = Json.MAPPER.readTree(source.resolve("meta.json").toFile());
        StorageAdapter.Stored stored;
        if (Files.exists(source.resolve("data"))) {
            stored = run.placement.storage().putFile(source.resolve("data"), n -> { });
        } else {
            try (var in = RemoteInputs.open(run.placement, source, meta)) {
                stored = run.placement.storage().put(in, n -> { });
            }
        }
        if (meta.has("sha256") && !meta.path("sha256").asText().equals(stored.sha256())) {
            throw new IOException("the output changed while it was being saved (sha256 differs)");
        }
        String saveName = output.saveName().isEmpty() ? output.id() : output.saveName();
        String id = sink.save(run.id, output.id(), saveName, stored, run.placement.storage().location(), meta.path("type").asText("pickle"),
                RunProvenance.of(run, read.from().node(), read.from().port(), workDir));
        return new JobGraph.Transition(output.id(), JobStatus.SUCCESS, "saved as artifact " + id);
    }
}
