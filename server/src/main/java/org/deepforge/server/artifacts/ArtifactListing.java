package org.deepforge.server.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.server.http.BadRequest;

/**
 * The artifacts of a model view as the list API pages them: newest first (created, then id), optionally only those
 * whose name or type contains a text, behind an opaque cursor (the created time and id of a page's last artifact).
 */
public final class ArtifactListing {
    /** Sorts records without a created time last. */
    private static final Comparator<Artifact> NEWEST_FIRST = Comparator.comparing((Artifact a) -> a.created().orElse(""))
            .thenComparing(Artifact::id).reversed();

    private ArtifactListing() {}

    /** {@code {"items": [...], "next": <cursor> | null}}: up to {@code limit} of {@code artifacts} (the model view's map). */
    public static ObjectNode page(JsonNode artifacts, Optional<String> text, Optional<String> cursor, int limit) {
        Optional<Artifact> after = cursor.map(ArtifactListing::decode);
        String needle = text.map(t -> t.toLowerCase(Locale.ROOT)).orElse("");
        List<Artifact> matching = new ArrayList<>();
        artifacts.fields().forEachRemaining(e -> {
            Artifact a = Artifact.of(e.getKey(), e.getValue());
            if ((a.name().toLowerCase(Locale.ROOT).contains(needle) || a.type().toLowerCase(Locale.ROOT).contains(needle))
                    && (after.isEmpty() || NEWEST_FIRST.compare(after.get(), a) < 0)) {
                matching.add(a);
            }
        });
        matching.sort(NEWEST_FIRST);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        matching.stream().limit(limit).forEach(a -> items.addObject().put("id", a.id()).put("name", a.name()).put("type", a.type())
                .put("size", a.data().size()).put("created", a.created().orElse(null)).put("adapter", a.data().adapter())
                .put("execution", a.execution().orElse(null)));
        out.put("next", matching.size() > limit ? encode(matching.get(limit - 1)) : null);
        return out;
    }

    private static String encode(Artifact a) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((a.created().orElse("") + "\n" + a.id()).getBytes(StandardCharsets.UTF_8));
    }

    /** A stand-in artifact at the cursor's position, compared with the others by {@link #NEWEST_FIRST}. */
    private static Artifact decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length == 2 && !parts[1].isEmpty()) {
                ObjectNode record = Json.MAPPER.createObjectNode().put("name", "").put("type", "");
                if (!parts[0].isEmpty()) {
                    record.put("created", parts[0]);
                }
                return Artifact.of(parts[1], record);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal below
        }
        throw new BadRequest("query parameter \"cursor\" is not a cursor this server gave out; send back a page's \"next\" unchanged");
    }
}
