package org.deepforge.model.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.Json;

/**
 * How data was made, recursively: an artifact read by an Input node ({@link FromArtifact}), or an output of a job
 * ({@link FromJob}: its operation's code and hash, attribute values, referenced architectures with their hashes and
 * snapshots, the environment it ran in, the compute adapter, and for each input its hash and where it came from).
 * An artifact saved by a run records {@link Output}: what made it and which port, with the pipeline and commit of the run. Written into the project as JSON ({@link #toJson}); read back leniently ({@link #read}), since
 * artifacts made by earlier versions may lack fields.
 */
public sealed interface Provenance permits Provenance.FromArtifact, Provenance.FromJob {
    ObjectNode toJson();

    /** Data read from the artifact {@code artifact} (named {@code name} when it was read, content hash {@code sha256}). */
    record FromArtifact(String artifact, String name, String sha256) implements Provenance {
        @Override
        public ObjectNode toJson() {
            return Json.MAPPER.createObjectNode().put("kind", "artifact").put("artifact", artifact).put("name", name).put("sha256", sha256);
        }
    }

    /** An architecture a job referenced: its id, the hash of its content and the content itself (empty if it was missing). */
    record Reference(String architecture, Optional<String> sha256, Optional<JsonNode> snapshot) {}

    /** One input of a job: its port, the hash of what came in, and the port and producer it came from. */
    record Input(String port, Optional<String> sha256, String fromPort, Provenance from) {}

    /**
     * An output of job {@code job} of execution {@code execution}, which ran {@code operation}, seeded from the
     * execution's {@code seed} (none for runs made before seeds were recorded); {@code nondeterministic} lists what
     * the job reported it could not do deterministically (torch's warnings under deterministic algorithms).
     */
    record FromJob(String execution, String job, String operation, String code, String codeSha256, JsonNode attributes,
                   Map<String, Reference> references, Optional<JsonNode> environment, String compute, List<Input> inputs,
                   java.util.OptionalLong seed, List<String> nondeterministic)
            implements Provenance {
        public FromJob {
            attributes = attributes.deepCopy();
            references = Collections.unmodifiableMap(new LinkedHashMap<>(references));
            inputs = List.copyOf(inputs);
            nondeterministic = List.copyOf(nondeterministic);
        }

        /** A job output without a recorded seed. */
        public FromJob(String execution, String job, String operation, String code, String codeSha256, JsonNode attributes,
                       Map<String, Reference> references, Optional<JsonNode> environment, String compute, List<Input> inputs) {
            this(execution, job, operation, code, codeSha256, attributes, references, environment, compute, inputs,
                    java.util.OptionalLong.empty(), List.of());
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("kind", "job").put("execution", execution).put("job", job).put("operation", operation);
            out.put("code", code).put("codeSha256", codeSha256);
            out.set("attributes", attributes.deepCopy());
            ObjectNode refs = out.putObject("references");
            references.forEach((name, r) -> {
                ObjectNode ref = refs.putObject(name).put("architecture", r.architecture()).put("sha256", r.sha256().orElse(null));
                r.snapshot().ifPresent(s -> ref.set("snapshot", s));
            });
            environment.ifPresent(e -> out.set("environment", e));
            out.put("compute", compute);
            seed.ifPresent(v -> out.put("seed", v));
            if (!nondeterministic.isEmpty()) {
                ArrayNode notes = out.putArray("nondeterministic");
                nondeterministic.forEach(notes::add);
            }
            ArrayNode array = out.putArray("inputs");
            for (Input in : inputs) {
                ObjectNode i = array.addObject().put("port", in.port());
                in.sha256().ifPresent(h -> i.put("sha256", h));
                i.put("fromPort", in.fromPort());
                i.set("from", in.from().toJson());
            }
            return out;
        }
    }

    /**
     * What an artifact saved by a run records: where its data came from ({@code source}: a job's output, or an artifact
     * an Input node read and passed straight on), the {@code port} of that producer, the run's pipeline and commit, and when.
     */
    record Output(Provenance source, String port, String pipeline, String commit, String created) {
        public ObjectNode toJson() {
            ObjectNode p = source.toJson();
            p.put("port", port).put("pipeline", pipeline).put("commit", commit).put("created", created);
            return p;
        }

        /** An artifact's {@code provenance} as recorded; empty when there is none (an upload or an import). */
        public static Optional<Output> read(JsonNode json) {
            if (json == null || !json.isObject() || !json.has("kind")) {
                return Optional.empty();
            }
            return Optional.of(new Output(Provenance.read(json), json.path("port").asText(), json.path("pipeline").asText(),
                    json.path("commit").asText(), json.path("created").asText()));
        }
    }

    /** Reads provenance as {@link #toJson} wrote it; what is not a job is read as an artifact. */
    static Provenance read(JsonNode json) {
        if (!json.path("kind").asText().equals("job")) {
            return new FromArtifact(json.path("artifact").asText(), json.path("name").asText(json.path("artifact").asText()),
                    json.path("sha256").asText());
        }
        Map<String, Reference> references = new LinkedHashMap<>();
        json.path("references").fields().forEachRemaining(e -> references.put(e.getKey(), new Reference(
                e.getValue().path("architecture").asText(), Optional.ofNullable(e.getValue().path("sha256").textValue()),
                Optional.ofNullable(e.getValue().get("snapshot")))));
        List<Input> inputs = new ArrayList<>();
        for (JsonNode in : json.path("inputs")) {
            inputs.add(new Input(in.path("port").asText(), Optional.ofNullable(in.path("sha256").textValue()), in.path("fromPort").asText(),
                    read(in.path("from"))));
        }
        JsonNode attributes = json.path("attributes").isObject() ? json.get("attributes") : Json.MAPPER.createObjectNode();
        JsonNode environment = json.get("environment");
        return new FromJob(json.path("execution").asText(), json.path("job").asText(), json.path("operation").asText(),
                json.path("code").asText(), json.path("codeSha256").asText(), attributes, references,
                environment == null || environment.isNull() || environment.isMissingNode() ? Optional.empty() : Optional.of(environment),
                json.path("compute").asText("local"), inputs,
                json.path("seed").canConvertToLong() && json.path("seed").isIntegralNumber() ? java.util.OptionalLong.of(json.path("seed").asLong())
                        : java.util.OptionalLong.empty(), notes(json.path("nondeterministic")));
    }

    private static List<String> notes(JsonNode array) {
        List<String> notes = new ArrayList<>();
        array.forEach(n -> {
            if (n.isTextual()) {
                notes.add(n.asText());
            }
        });
        return notes;
    }
}
