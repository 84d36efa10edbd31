package org.deepforge.model;

import java.util.Optional;

/**
 * The characters a name may not hold, whatever it names (project, branch, tag, pipeline, architecture,
 * artifact, operation, user, token): lone surrogates (not text; they cannot be written as UTF-8) and the
 * invisible characters that make two names look alike or reorder what is shown: controls (Cc), format
 * characters (Cf: bidi overrides and isolates U+202A–U+202E, U+2066–U+2069, zero-width U+200B–U+200F, …)
 * and line/paragraph separators.
 */
public final class Names {
    private Names() {}

    /** What is wrong with the characters of {@code name}, as a sentence fragment; empty when nothing is. */
    public static Optional<String> problem(String name) {
        for (int i = 0; i < name.length(); ) {
            char c = name.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                    i += 2;
                    continue;
                }
                return Optional.of("contains a lone UTF-16 surrogate (" + hex(c) + ") at position " + i + ", which is not a character");
            }
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                return Optional.of("contains the invisible " + (type == Character.CONTROL ? "control" : "formatting")
                        + " character " + hex(c) + " at position " + i + "; use visible characters only");
            }
            i++;
        }
        return Optional.empty();
    }

    /** Whether {@code s} holds a lone surrogate anywhere (text that cannot be encoded). */
    public static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String hex(char c) {
        return String.format("U+%04X", (int) c);
    }
}
