package org.deepforge.ops.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Python type expressions as port types: normalised spellings, unions split, containers compared. */
final class TypeNames {
    private TypeNames() {}

    /** Types whose values the check knows well enough to refuse a mismatch. */
    static final Set<String> KNOWN = Set.of("int", "float", "bool", "str", "bytes", "complex", "list", "tuple",
            "dict", "set", "frozenset", "file", "numpy.ndarray", "torch.Tensor", "torch.nn.Module",
            "pandas.DataFrame", "pandas.Series", "PIL.Image.Image");

    private static final Set<String> ANY = Set.of("Any", "any", "object", "typing.Any");

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("List", "list"), Map.entry("Tuple", "tuple"), Map.entry("Dict", "dict"), Map.entry("Set", "set"),
            Map.entry("FrozenSet", "frozenset"), Map.entry("Text", "str"), Map.entry("np.ndarray", "numpy.ndarray"),
            Map.entry("ndarray", "numpy.ndarray"), Map.entry("numpy.array", "numpy.ndarray"),
            Map.entry("NDArray", "numpy.ndarray"), Map.entry("numpy.typing.NDArray", "numpy.ndarray"),
            Map.entry("npt.NDArray", "numpy.ndarray"), Map.entry("Tensor", "torch.Tensor"),
            Map.entry("nn.Module", "torch.nn.Module"), Map.entry("pd.DataFrame", "pandas.DataFrame"),
            Map.entry("DataFrame", "pandas.DataFrame"), Map.entry("pd.Series", "pandas.Series"),
            Map.entry("deepforge.File", "file"), Map.entry("File", "file"), Map.entry("Image.Image", "PIL.Image.Image"));

    /** The members of a type (several for a union, none when anything fits), each normalised. */
    static List<String> alternatives(String type) {
        List<String> out = new ArrayList<>();
        collect(unquote(type).replace(" ", ""), out, 0);
        return out.stream().anyMatch(ANY::contains) ? List.of() : out;
    }

    private static void collect(String t, List<String> out, int depth) {
        if (depth > 8 || t.isEmpty() || t.equals("None")) {
            return;
        }
        t = strip(unquote(t));
        List<String> bar = split(t, '|');
        if (bar.size() > 1) {
            bar.forEach(p -> collect(p, out, depth + 1));
            return;
        }
        String head = head(t);
        if (head.equals("Optional") || head.equals("Union")) {
            split(args(t), ',').forEach(p -> collect(p, out, depth + 1));
            return;
        }
        if (head.equals("Annotated")) {
            List<String> parts = split(args(t), ',');
            if (!parts.isEmpty()) {
                collect(parts.get(0), out, depth + 1);
            }
            return;
        }
        out.add(canonical(head));
    }

    /** Whether a value of (normalised, non-union) type {@code a} fits a port of type {@code b}. */
    static boolean fits(String a, String b) {
        if (a.equals(b) || suffix(a, b) || suffix(b, a)) {
            return true;
        }
        if ((a.equals("bool") && b.equals("int")) || ((a.equals("bool") || a.equals("int")) && (b.equals("float") || b.equals("complex")))) {
            return true;
        }
        return !(KNOWN.contains(a) && KNOWN.contains(b));
    }

    /** {@code torch.nn.Module} and {@code Module}: one names the other's last parts. */
    private static boolean suffix(String longer, String shorter) {
        return longer.endsWith("." + shorter) && !shorter.isEmpty() && !KNOWN.contains(shorter);
    }

    private static String canonical(String t) {
        String c = t.startsWith("typing.") ? t.substring(7) : t;
        c = ALIASES.getOrDefault(c, c);
        return c.startsWith("np.") ? "numpy." + c.substring(3) : c;
    }

    private static String unquote(String t) {
        String s = t.strip();
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    private static String strip(String t) {
        return t.startsWith("typing.") ? t.substring(7) : t;
    }

    /** {@code List} of {@code List[int]}. */
    private static String head(String t) {
        int i = t.indexOf('[');
        return i < 0 ? t : t.substring(0, i);
    }

    /** {@code int,str} of {@code Union[int,str]}. */
    private static String args(String t) {
        int i = t.indexOf('[');
        return i < 0 || !t.endsWith("]") ? "" : t.substring(i + 1, t.length() - 1);
    }

    /** Splits at top-level separators (outside brackets). */
    private static List<String> split(String t, char sep) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '[' || c == '(') {
                depth++;
            } else if (c == ']' || c == ')') {
                depth--;
            } else if (c == sep && depth == 0) {
                parts.add(t.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(t.substring(start));
        return parts.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
    }
}
