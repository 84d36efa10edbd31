package org.deepforge.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deepforge.store.history.ChangeDescriber;
import org.deepforge.store.history.CodeDiff;

/**
 * What differs between two model views: entities added/removed/modified, each changed field (raw JSON
 * pointers), the same changes named as users name things ({@code named}: "Train and score ▸ Train ▸ epochs:
 * 10 → 12"; code excluded) and each piece of code that changed as line hunks ({@code code}).
 */
public record ModelDiff(String from, String to, List<Entity> entities, List<FieldChange> changes,
                        List<ChangeDescriber.Change> named, List<Code> code) {
    /** A pipeline, operation, … that was added, removed or modified; {@code name} is what users call it. */
    public record Entity(String kind, String id, String status, String name) {}

    /** One changed field; {@code from}/{@code to} are missing nodes where the field did not exist. */
    public record FieldChange(String op, String path, JsonNode from, JsonNode to) {}

    /** The code of an operation or utility module, line by line: {@code label} is e.g. "Train" or "utils/helpers". */
    public record Code(String path, String label, String status, int added, int removed, List<CodeDiff.Hunk> hunks) {}
}
