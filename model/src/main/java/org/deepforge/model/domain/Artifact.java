package org.deepforge.model.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.deepforge.model.Json;

/**
 * An artifact of a project, as the model view keeps it under {@code /artifacts/<id>}: its name, serializer type, when it
 * was made, where its data is ({@link Data}) and, when a run saved it, how it was made ({@link Provenance.Output}).
 * Read once with {@link #read}; missing fields of records made by earlier versions get the defaults they had then.
 */
public record Artifact(String id, String name, String type, Optional<String> created, Data data, Optional<Provenance.Output> provenance) {
    /**
     * Where an artifact's data is: the storage record as written ({@code record}: the storage's location fields, no
     * secrets, plus adapter, key, sha256 and size), with those four read out.
     */
    public record Data(ObjectNode record, String adapter, String key, String sha256, long size) {
        public Data {
            record = record.deepCopy();
        }
    }

    /** The type data has when nothing says otherwise: a pickled Python object. */
    public static final String DEFAULT_TYPE = "pickle";

    /** The artifact {@code id} of {@code model} (a project's model view), if there is one. */
    public static Optional<Artifact> read(JsonNode model, String id) {
        JsonNode a = model.path("artifacts").get(id);
        return a == null || !a.isObject() ? Optional.empty() : Optional.of(of(id, a));
    }

    /** The artifact {@code id} from its record {@code a}. */
    public static Artifact of(String id, JsonNode a) {
        JsonNode s = a.path("storage");
        ObjectNode record = s.isObject() ? (ObjectNode) s : Json.MAPPER.createObjectNode();
        Data data = new Data(record, s.path("adapter").asText(), s.path("key").asText(), s.path("sha256").asText(), s.path("size").asLong());
        return new Artifact(id, a.path("name").asText(id), a.path("type").asText(DEFAULT_TYPE), Optional.ofNullable(a.path("created").textValue()),
                data, Provenance.Output.read(a.get("provenance")));
    }

    /** What a job is told about this data beside it ({@code inputs/<port>/meta.json}): type, sha256 and size. */
    public ObjectNode inputMeta() {
        return Json.MAPPER.createObjectNode().put("type", type).put("sha256", data.sha256()).put("size", data.size());
    }

    /** The execution that saved it, if a run did. */
    public Optional<String> execution() {
        return provenance.flatMap(p -> p.source() instanceof Provenance.FromJob job ? Optional.of(job.execution()) : Optional.empty());
    }
}
