package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deepforge.model.Json;

/**
 * A job's content key: its operation's code, attribute values, the content of referenced
 * architectures and utils, the hash of every input, and the runtime version. Equal keys mean the job
 * would compute the same outputs.
 */
final class CacheKey {
    private CacheKey() {}

    static String of(Engine.Run run, Engine.Job job, Path bundle) throws IOException {
        JsonNode node = run.model.path("pipelines").path(run.pipeline).path("nodes").path(job.node);
        var key = Json.MAPPER.createObjectNode();
        key.put("runtime", Engine.RUNTIME_VERSION);
        key.put("scope", run.scope);
        key.put("operation", node.path("operation").asText());
        key.put("code", Provenance.sha256(run.model.path("operations").path(node.path("operation").asText()).path("code").asText("")));
        key.set("attributes", Json.sorted(node.path("attributes").isObject() ? node.get("attributes") : Json.MAPPER.createObjectNode()));
        var refs = key.putObject("references");
        node.path("references").fields().forEachRemaining(r -> refs.put(r.getKey(),
                Provenance.sha256(Json.compact(Json.sorted(run.model.path("architectures").path(r.getValue().asText()))))));
        key.put("utils", Provenance.sha256(Json.compact(Json.sorted(run.model.path("utils")))));
        var inputs = key.putObject("inputs");
        for (String[] read : job.reads) {
            Path meta = bundle.resolve("inputs").resolve(read[2]).resolve("meta.json");
            inputs.put(read[2], Files.exists(meta) ? Json.MAPPER.readTree(meta.toFile()).path("sha256").asText() : "missing");
        }
        return Provenance.sha256(Json.compact(Json.sorted(key)));
    }
}
