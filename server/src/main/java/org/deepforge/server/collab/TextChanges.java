package org.deepforge.server.collab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.deepforge.model.Json;

/**
 * CodeMirror change sets in their JSON form ({@code ChangeSet.toJSON()} of {@code @codemirror/state}): an array
 * whose parts are a number (keep that many characters), {@code [n]} (delete n) or {@code [n, "line", …]}
 * (replace n characters by the lines joined with newlines). Lengths count UTF-16 code units, as Java's do.
 */
final class TextChanges {
    private TextChanges() {}

    /**
     * Applies {@code changes} to {@code doc}, checking that they are well formed and cover exactly the
     * document; the result may not exceed {@code maxLength} characters.
     */
    static String apply(String doc, JsonNode changes, int maxLength) {
        if (changes == null || !changes.isArray()) {
            throw new CollabException("\"changes\" must be a CodeMirror change set in JSON form (an array)");
        }
        StringBuilder out = new StringBuilder(Math.min(maxLength, doc.length() + 64));
        int pos = 0;
        for (JsonNode part : changes) {
            if (part.isIntegralNumber()) {
                int n = length(part, doc.length() - pos);
                out.append(doc, pos, pos + n);
                pos += n;
            } else if (part.isArray() && !part.isEmpty() && part.get(0).isIntegralNumber()) {
                int n = length(part.get(0), doc.length() - pos);
                pos += n;
                for (int i = 1; i < part.size(); i++) {
                    JsonNode line = part.get(i);
                    if (!line.isTextual()) {
                        throw new CollabException("inserted text must be given as strings, one per line");
                    }
                    String s = line.asText();
                    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                        throw new CollabException("an inserted line may not contain a line break; split it into lines");
                    }
                    if (i > 1) {
                        out.append('\n');
                    }
                    out.append(s);
                    if (out.length() > maxLength) {
                        throw new CollabException("the code would be longer than " + maxLength + " characters; split it into utilities");
                    }
                }
            } else {
                throw new CollabException("a change-set part must be a number or an array starting with a number");
            }
            if (out.length() > maxLength) {
                throw new CollabException("the code would be longer than " + maxLength + " characters; split it into utilities");
            }
        }
        if (pos != doc.length()) {
            throw new CollabException("the change set covers " + pos + " characters but the document has " + doc.length()
                    + "; it was made against another version");
        }
        return out.toString();
    }

    private static int length(JsonNode n, int left) {
        if (!n.canConvertToInt() || n.asInt() < 0) {
            throw new CollabException("lengths in a change set must be non-negative integers");
        }
        if (n.asInt() > left) {
            throw new CollabException("the change set is longer than the document; it was made against another version");
        }
        return n.asInt();
    }

    /** The smallest single-span change set that turns {@code from} into {@code to}, in JSON form. */
    static ArrayNode diff(String from, String to) {
        int prefix = 0;
        int max = Math.min(from.length(), to.length());
        while (prefix < max && from.charAt(prefix) == to.charAt(prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < max - prefix && from.charAt(from.length() - 1 - suffix) == to.charAt(to.length() - 1 - suffix)) {
            suffix++;
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (prefix > 0) {
            out.add(prefix);
        }
        ArrayNode replace = out.addArray().add(from.length() - prefix - suffix);
        String inserted = to.substring(prefix, to.length() - suffix);
        if (!inserted.isEmpty()) {
            for (String line : inserted.split("\n", -1)) {
                replace.add(line);
            }
        }
        if (suffix > 0) {
            out.add(suffix);
        }
        return out;
    }
}
