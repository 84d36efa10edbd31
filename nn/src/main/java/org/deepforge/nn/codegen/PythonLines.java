package org.deepforge.nn.codegen;

import java.util.ArrayList;
import java.util.List;

/** Lines of Python source, with calls that wrap the way black would when they pass the line length. */
final class PythonLines {
    static final int LINE_LENGTH = 88;
    private static final String INDENT = "    ";

    private final List<String> lines = new ArrayList<>();

    void add(int depth, String text) {
        lines.add(text.isEmpty() ? "" : INDENT.repeat(depth) + text);
    }

    void blank() {
        lines.add("");
    }

    /** {@code head(arg, arg)tail}, on one line if it fits, else the arguments on their own line(s). */
    void call(int depth, String head, List<String> arguments, String tail) {
        String indent = INDENT.repeat(depth);
        String joined = String.join(", ", arguments);
        String oneLine = indent + head + "(" + joined + ")" + tail;
        if (oneLine.length() <= LINE_LENGTH || arguments.isEmpty()) {
            lines.add(oneLine);
            return;
        }
        lines.add(indent + head + "(");
        String inner = indent + INDENT;
        if ((inner + joined).length() <= LINE_LENGTH) {
            lines.add(inner + joined);
        } else {
            for (String a : arguments) {
                lines.add(inner + a + ",");
            }
        }
        lines.add(indent + ")" + tail);
    }

    String text() {
        return String.join("\n", lines) + "\n";
    }
}
