package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** What differs between two model views: entities added/removed/modified and each changed field. */
public record ModelDiff(String from, String to, List<Entity> entities, List<FieldChange> changes) {
    /** A pipeline, operation, … that was added, removed or modified. */
    public record Entity(String kind, String id, String status) {}

    /** One changed field; {@code from}/{@code to} are missing nodes where the field did not exist. */
    public record FieldChange(String op, String path, JsonNode from, JsonNode to) {}
}
