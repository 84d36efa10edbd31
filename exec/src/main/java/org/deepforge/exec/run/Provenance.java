package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Connection;
import org.deepforge.model.domain.Node;

/**
 * How an output was made, recursively: the job's operation (code and its hash), attribute values,
 * referenced architectures (with content hashes), each input's hash and where it came from (an
 * upstream job, described the same way, or an artifact), the environment versions, the compute
 * adapter, and the execution, pipeline and commit. Enough to turn back into a pipeline.
 */
final class Provenance {
    private Provenance() {}

    static ObjectNode of(Run run, String node, String port, Path workDir) throws IOException {
        ObjectNode p = describe(run, node, workDir);
        p.put("port", port);
        p.put("pipeline", run.pipeline);
        p.put("commit", run.commit);
        p.put("created", Instant.now().toString());
        return p;
    }

    private static ObjectNode describe(Run run, String node, Path workDir) throws IOException {
        Node n = run.graph.job(node).orElseThrow().kind;
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (n instanceof Node.Input in) {
            String id = in.artifact();
            JsonNode artifact = run.model.path("artifacts").path(id);
            out.put("kind", "artifact").put("artifact", id).put("name", artifact.path("name").asText(id))
                    .put("sha256", artifact.path("storage").path("sha256").asText());
            return out;
        }
        Node.Operation op = (Node.Operation) n; // the engine runs no sub-pipelines; an Output node is never read from
        String operation = op.operation();
        String code = run.model.path("operations").path(operation).path("code").asText("");
        out.put("kind", "job").put("execution", run.id).put("job", node).put("operation", operation);
        out.put("code", code).put("codeSha256", sha256(code));
        out.set("attributes", op.attributes().deepCopy());
        ObjectNode references = out.putObject("references");
        op.references().forEach((name, architecture) -> {
            JsonNode arch = run.model.path("architectures").path(architecture);
            var ref = references.putObject(name).put("architecture", architecture)
                    .put("sha256", arch.isMissingNode() ? null : sha256(Json.compact(Json.sorted(arch))));
            if (!arch.isMissingNode()) {
                ref.set("snapshot", arch); // the architecture as it was, so the artifact can be rebuilt after edits
            }
        });
        Path bundle = workDir.resolve(run.id).resolve(node);
        Path results = bundle.resolve("results.json");
        if (Files.exists(results)) {
            JsonNode r = Json.MAPPER.readTree(results.toFile());
            out.set("environment", r.path("environment"));
        }
        out.put("compute", "local");
        ArrayNode inputs = out.putArray("inputs");
        Job job = run.graph.job(node).orElseThrow();
        for (Connection read : job.reads) {
            ObjectNode input = inputs.addObject().put("port", read.to().port());
            Path meta = bundle.resolve("inputs").resolve(read.to().port()).resolve("meta.json");
            if (Files.exists(meta)) {
                input.put("sha256", Json.MAPPER.readTree(meta.toFile()).path("sha256").asText());
            }
            input.put("fromPort", read.from().port());
            input.set("from", describe(run, read.from().node(), workDir));
        }
        return out;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
