package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.model.domain.Connection;
import org.deepforge.model.domain.Node;
import org.deepforge.model.domain.Provenance;

/**
 * Describes how an output of a run was made ({@link Provenance}), from the run's model, its job graph and what its
 * jobs left in their bundles (inputs' meta.json hashes, results.json environment): enough to turn back into a pipeline.
 */
final class RunProvenance {
    private RunProvenance() {}

    static Provenance.Output of(Run run, String node, String port, Path workDir) throws IOException {
        return new Provenance.Output(describe(run, node, workDir), port, run.pipeline, run.commit, Instant.now().toString());
    }

    private static Provenance describe(Run run, String node, Path workDir) throws IOException {
        Node n = run.graph.job(node).orElseThrow().kind;
        if (n instanceof Node.Input in) {
            String id = in.artifact();
            return Artifact.read(run.model, id).map(a -> new Provenance.FromArtifact(id, a.name(), a.data().sha256()))
                    .orElse(new Provenance.FromArtifact(id, id, ""));
        }
        Node.Operation op = (Node.Operation) n; // the engine runs no sub-pipelines; an Output node is never read from
        String code = run.model.path("operations").path(op.operation()).path("code").asText("");
        Map<String, Provenance.Reference> references = new LinkedHashMap<>();
        op.references().forEach((name, architecture) -> {
            JsonNode arch = run.model.path("architectures").path(architecture);
            // the architecture as it was, so the artifact can be rebuilt after edits
            references.put(name, arch.isMissingNode() ? new Provenance.Reference(architecture, Optional.empty(), Optional.empty())
                    : new Provenance.Reference(architecture, Optional.of(sha256(Json.compact(Json.sorted(arch)))), Optional.of(arch)));
        });
        Path bundle = workDir.resolve(run.id).resolve(node);
        Path results = bundle.resolve("results.json");
        JsonNode result = Files.exists(results) ? Json.MAPPER.readTree(results.toFile()) : Json.MAPPER.createObjectNode();
        Optional<JsonNode> environment = Optional.of(result.path("environment")).filter(e -> !e.isMissingNode());
        List<String> nondeterministic = new ArrayList<>();
        result.path("nondeterministic").forEach(note -> {
            if (note.isTextual() && nondeterministic.size() < 20) {
                nondeterministic.add(note.asText().length() > 500 ? note.asText().substring(0, 500) + "…" : note.asText());
            }
        });
        List<Provenance.Input> inputs = new ArrayList<>();
        for (Connection read : run.graph.job(node).orElseThrow().reads) {
            Path meta = bundle.resolve("inputs").resolve(read.to().port()).resolve("meta.json");
            Optional<String> sha = Files.exists(meta) ? Optional.of(Json.MAPPER.readTree(meta.toFile()).path("sha256").asText()) : Optional.empty();
            inputs.add(new Provenance.Input(read.to().port(), sha, read.from().port(), describe(run, read.from().node(), workDir)));
        }
        return new Provenance.FromJob(run.id, node, op.operation(), code, sha256(code), op.attributes(), references, environment,
                "local", inputs, run.seed, nondeterministic);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
