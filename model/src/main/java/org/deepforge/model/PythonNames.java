package org.deepforge.model;

import java.util.Set;

/** Python's reserved words: they cannot name an operation class or a module. */
public final class PythonNames {
    private static final Set<String> KEYWORDS = Set.of(
            "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
            "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
            "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield");

    private PythonNames() {}

    public static boolean isKeyword(String s) {
        return KEYWORDS.contains(s);
    }
}
