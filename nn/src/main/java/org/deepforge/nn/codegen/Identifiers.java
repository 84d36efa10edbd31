package org.deepforge.nn.codegen;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.deepforge.model.PythonNames;

/** Python names for generated code: class names, snake-case layer names, and a pool that keeps them unique. */
final class Identifiers {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * Names a layer may not take: they would shadow what the generated code uses ({@code self}, {@code torch},
     * {@code nn}) or replace an attribute of {@code nn.Module} when assigned to {@code self}.
     */
    private static final Set<String> RESERVED = Set.of(
            "_", "self", "torch", "nn", "super", "forward", "training", "parameters", "named_parameters",
            "modules", "named_modules", "children", "named_children", "buffers", "named_buffers", "state_dict",
            "load_state_dict", "train", "eval", "to", "cpu", "cuda", "half", "float", "double", "bfloat16", "type",
            "apply", "zero_grad", "requires_grad_", "share_memory", "extra_repr", "add_module", "register_module",
            "register_buffer", "register_parameter", "get_submodule", "get_parameter", "get_buffer",
            "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook", "dump_patches",
            "call_super_init", "xpu", "ipu", "to_empty", "get_extra_state", "set_extra_state");

    private final Set<String> taken = new HashSet<>();

    /** Whether {@code name} can be used as given: an ASCII identifier, not a keyword, not reserved. */
    static boolean isUsable(String name) {
        return IDENTIFIER.matcher(name).matches() && !PythonNames.isKeyword(name) && !RESERVED.contains(name);
    }

    /** {@code "my cnn-v2"} → {@code MyCnnV2}; {@code Architecture} when nothing usable is left. */
    static String className(String name) {
        StringBuilder b = new StringBuilder();
        for (String word : name.split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
                b.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        if (b.length() == 0) {
            return "Architecture";
        }
        if (Character.isDigit(b.charAt(0))) {
            b.insert(0, "Model");
        }
        String result = b.toString();
        return PythonNames.isKeyword(result) ? result + "Model" : result;
    }

    /** A catalog type in snake case, as torch names its functions: {@code BatchNorm2d} → {@code batch_norm2d}. */
    static String snakeCase(String type) {
        String s = type.replace("ReLU", "Relu").replace("PRelu", "Prelu").replace("RRelu", "Rrelu")
                .replace("GELU", "Gelu").replace("SiLU", "Silu");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char before = s.charAt(i - 1);
                boolean wordStart = Character.isLowerCase(before) || Character.isDigit(before)
                        && !(i >= 2 && Character.isUpperCase(s.charAt(i - 2)))
                        || Character.isUpperCase(before) && i + 1 < s.length() && Character.isLowerCase(s.charAt(i + 1));
                if (wordStart) {
                    b.append('_');
                }
            }
            b.append(c);
        }
        String snake = b.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_")
                .replaceAll("_+", "_").replaceAll("^_|_$", "");
        return snake.isEmpty() ? "layer" : snake;
    }

    /** Claims {@code preferred} when it is usable and free, else {@code preferred_2}, {@code preferred_3}, …. */
    String claim(String preferred) {
        String base = isUsable(preferred) ? preferred : preferred + "_";
        if (!isUsable(base)) {
            base = "layer";
        }
        if (taken.add(base)) {
            return base;
        }
        for (int i = 2; ; i++) {
            String candidate = base + "_" + i;
            if (taken.add(candidate)) {
                return candidate;
            }
        }
    }

    /** Claims {@code base_1}, {@code base_2}, … whichever is the first free one. */
    String claimNumbered(String base) {
        for (int i = 1; ; i++) {
            String candidate = base + "_" + i;
            if (isUsable(candidate) && taken.add(candidate)) {
                return candidate;
            }
        }
    }

    /** Marks a name taken without claiming it for anything. */
    void reserve(String name) {
        taken.add(name);
    }
}
