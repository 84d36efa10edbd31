package org.deepforge.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.deepforge.exec.bundle.PythonLiterals;

/**
 * The cells the server sends for the explorer, the trainer, loading and saving: calls of the session's {@code df}
 * (docs/sessions.md, "What runs in the kernel") whose every argument is a Python literal made from checked values, never
 * text pasted into code.
 */
public final class SessionCode {
    private SessionCode() {}

    /** Binds the artifact placed in {@code inputs/<directory>} to {@code variable}, after checking its sha256. */
    public static String load(String variable, String directory, String sha256) {
        return "df.load(" + s(variable) + ", " + s("inputs/" + directory) + ", " + s(sha256) + ")";
    }

    /**
     * Describes (and plots) the value of {@code expression}; {@code color}: an expression coloring a scatter plot;
     * {@code columns}: the columns of a table to scatter.
     */
    public static String explore(String expression, Optional<String> plot, Optional<String> color, Optional<List<String>> columns) {
        return "df.explore(" + s(expression) + ", plot=" + plot.map(SessionCode::s).orElse("None")
                + ", color=" + color.map(SessionCode::s).orElse("None")
                + ", columns=" + columns.map(SessionCode::list).orElse("None") + ")";
    }

    /** Trains with a checked trainer configuration (with its {@code training} id). */
    public static String train(JsonNode config) {
        return "df.train(" + PythonLiterals.of(config) + ")";
    }

    /** Saves the value of {@code expression} (a variable, or a training's id) into {@code outputs/<output>/}. */
    public static String save(String expressionOrTraining, String output) {
        return "df.save(" + s(expressionOrTraining) + ", " + s(output) + ")";
    }

    private static String list(List<String> texts) {
        return "[" + String.join(", ", texts.stream().map(SessionCode::s).toList()) + "]";
    }

    private static String s(String text) {
        return PythonLiterals.string(text);
    }
}
