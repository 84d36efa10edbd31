package org.deepforge.exec.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Connection;
import org.deepforge.model.domain.Node;

/**
 * A job's content key: its operation's code, attribute values, the content of referenced
 * architectures and utils, the hash of every input, the job's seed, the runtime version and the versions of the project's
 * libraries (docs/libraries.md; left out for a project without them, so its keys stay as they were). Equal keys mean the job
 * would compute the same outputs.
 */
final class CacheKey {
    private CacheKey() {}

    static String of(Run run, Job job, Path bundle) throws IOException {
        Node.Operation node = (Node.Operation) job.kind;
        var key = Json.MAPPER.createObjectNode();
        key.put("runtime", Launcher.RUNTIME_VERSION);
        key.put("scope", run.scope);
        key.put("operation", node.operation());
        if (run.seed.isPresent()) { // a job seeded differently may draw different numbers
            key.put("seed", RunSpec.jobSeed(run.seed.getAsLong(), job.node));
        }
        key.put("code", RunProvenance.sha256(run.model.path("operations").path(node.operation()).path("code").asText("")));
        key.set("attributes", Json.sorted(node.attributes()));
        var refs = key.putObject("references");
        node.references().forEach((name, architecture) -> refs.put(name,
                RunProvenance.sha256(Json.compact(Json.sorted(run.model.path("architectures").path(architecture))))));
        key.put("utils", RunProvenance.sha256(Json.compact(Json.sorted(run.model.path("utils")))));
        if (run.model.path("project").path("libraries").isObject()) {
            key.set("libraries", Json.sorted(run.model.path("project").path("libraries")));
        }
        var inputs = key.putObject("inputs");
        for (Connection read : job.reads) {
            Path meta = bundle.resolve("inputs").resolve(read.to().port()).resolve("meta.json");
            inputs.put(read.to().port(), Files.exists(meta) ? Json.MAPPER.readTree(meta.toFile()).path("sha256").asText() : "missing");
        }
        return RunProvenance.sha256(Json.compact(Json.sorted(key)));
    }
}
