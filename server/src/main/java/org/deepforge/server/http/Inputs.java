package org.deepforge.server.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.deepforge.model.Names;

/**
 * The checks every route's path and query parameters pass before authorisation and the handler run:
 * valid text (no lone surrogates), no invisible characters (controls, bidi and zero-width formatting),
 * bounded length. What each parameter means is the handler's business; this only keeps text that no
 * name, id or ref can hold from reaching the store.
 */
public final class Inputs {
    /** Longest path parameter (ids, names, refs are far shorter). */
    public static final int MAX_PATH_PARAM = 512;
    /** Longest query parameter value (a JSON storage choice is the longest legitimate one). */
    public static final int MAX_QUERY_PARAM = 4096;

    private Inputs() {}

    public static void check(Context ctx) {
        for (Map.Entry<String, String> p : ctx.pathParamMap().entrySet()) {
            check("path parameter {" + p.getKey() + "}", p.getValue(), MAX_PATH_PARAM);
        }
        for (Map.Entry<String, List<String>> q : ctx.queryParamMap().entrySet()) {
            String what = "query parameter \"" + printable(q.getKey()) + "\"";
            check(what + " (its name)", q.getKey(), MAX_PATH_PARAM);
            for (String v : q.getValue()) {
                check(what, v, MAX_QUERY_PARAM);
            }
        }
    }

    private static void check(String what, String value, int max) {
        if (value.length() > max) {
            throw new BadRequest(what + " is " + value.length() + " characters long; use at most " + max);
        }
        Names.problem(value).ifPresent(problem -> {
            throw new BadRequest(what + " " + problem);
        });
    }

    private static String printable(String s) {
        String c = s.codePoints().map(ch -> Character.isISOControl(ch) || Character.isSurrogate((char) ch)
                        || Character.getType(ch) == Character.FORMAT ? '?' : ch)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return c.length() > 40 ? c.substring(0, 40) + "…" : c;
    }
}
