package org.deepforge.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Names of layers in messages and generated code: the user's, else the type in snake case plus a number ({@code conv2d_1}). */
public final class LayerNames {
    private static final Pattern ACRONYM_THEN_WORD = Pattern.compile("([A-Z]+)([A-Z][a-z])");
    private static final Pattern LOWER_THEN_UPPER = Pattern.compile("([a-z0-9])([A-Z])");

    private LayerNames() {}

    /** {@code Conv2d} → {@code conv2d}, {@code BatchNorm2d} → {@code batch_norm2d}, {@code LeakyReLU} → {@code leaky_relu}. */
    public static String snakeCase(String type) {
        String s = type.replace("ReLU", "Relu").replace("SiLU", "Silu");
        s = ACRONYM_THEN_WORD.matcher(s).replaceAll("$1_$2");
        s = LOWER_THEN_UPPER.matcher(s).replaceAll("$1_$2");
        return s.toLowerCase(Locale.ROOT);
    }

    /** Every layer's name; unnamed layers are numbered per type in {@code order}, skipping names already taken. */
    static Map<String, String> assign(Map<String, Layer> layers, List<String> order) {
        Set<String> taken = new HashSet<>();
        layers.values().forEach(l -> l.name().ifPresent(taken::add));
        Map<String, Integer> counters = new HashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> ordered = new HashSet<>(order);
        List<String> sequence = new ArrayList<>(order);
        layers.keySet().stream().filter(id -> !ordered.contains(id)).forEach(sequence::add);
        for (String id : sequence) {
            Layer layer = layers.get(id);
            if (layer.name().isPresent()) {
                names.put(id, layer.name().get());
                continue;
            }
            String base = snakeCase(layer.type());
            String name;
            do {
                name = base + "_" + counters.merge(base, 1, Integer::sum);
            } while (!taken.add(name));
            names.put(id, name);
        }
        return names;
    }
}
