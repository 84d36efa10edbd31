package org.deepforge.nn.shapes;

import java.util.Map;

/** Activations: all keep the shape except GLU (halves a dimension); PReLU has parameters. */
final class ActivationRules {
    /** Shape-preserving activations and the numeric arguments each checks (defaults in Python signature form). */
    private static final Map<String, String> PLAIN = Map.ofEntries(
            Map.entry("ReLU", "inplace=False"),
            Map.entry("ReLU6", "inplace=False"),
            Map.entry("LeakyReLU", "negative_slope=0.01, inplace=False"),
            Map.entry("ELU", "alpha=1.0, inplace=False"),
            Map.entry("SELU", "inplace=False"),
            Map.entry("CELU", "alpha=1.0, inplace=False"),
            Map.entry("GELU", "approximate='none'"),
            Map.entry("SiLU", "inplace=False"),
            Map.entry("Mish", "inplace=False"),
            Map.entry("Sigmoid", ""),
            Map.entry("Tanh", ""),
            Map.entry("Softplus", "beta=1, threshold=20"),
            Map.entry("Softsign", ""),
            Map.entry("Hardtanh", "min_val=-1.0, max_val=1.0, inplace=False"),
            Map.entry("Hardswish", "inplace=False"),
            Map.entry("Hardsigmoid", "inplace=False"),
            Map.entry("RReLU", "lower=0.125, upper=0.3333333333333333, inplace=False"),
            Map.entry("Threshold", "inplace=False"),
            Map.entry("Tanhshrink", ""),
            Map.entry("Softshrink", "lambd=0.5"),
            Map.entry("Hardshrink", "lambd=0.5"),
            Map.entry("LogSigmoid", ""));

    private ActivationRules() {}

    static void register(Rules r) {
        PLAIN.forEach((type, defaults) -> r.add(type, defaults, c -> plain(c, defaults)));
        r.add("PReLU", "num_parameters=1, init=0.25", ActivationRules::prelu);
        r.add("GLU", "dim=-1", ActivationRules::glu);
        for (String softmax : new String[] {"Softmax", "LogSoftmax", "Softmin"}) {
            r.add(softmax, "dim=None", ActivationRules::softmax);
        }
        r.add("Softmax2d", "", c -> Result.of(c.expectRank(0, "[N, C, H, W]", 3, 4)));
    }

    private static Result plain(Call c, String defaults) {
        Args a = c.args();
        for (String numeric : new String[] {"negative_slope", "alpha", "beta", "threshold", "min_val", "max_val", "lower", "upper", "lambd", "value"}) {
            if (defaults.contains(numeric + "=") || (c.type().equals("Threshold") && (numeric.equals("threshold") || numeric.equals("value")))) {
                a.number(numeric);
            }
        }
        if (c.type().equals("GELU")) {
            a.text("approximate", "none", "tanh");
        }
        return Result.of(c.in());
    }

    private static Result prelu(Call c) {
        int n = c.args().integer("num_parameters", 1);
        Shape in = c.in();
        if (n > 1 && (in.rank() < 2 || in.dim(1) != n)) {
            throw new ShapeException("has num_parameters " + n + ", one per channel, but gets " + in
                    + (in.rank() >= 2 && in.dim(1) != Shape.N ? " with " + in.dim(1) + " channels" : ""));
        }
        return Result.of(in, n);
    }

    private static Result glu(Call c) {
        Shape in = c.in();
        int dim = Call.dimIndex("dim", c.args().integer("dim"), in.rank());
        int size = in.dim(dim);
        if (size == Shape.N || size % 2 != 0) {
            throw new ShapeException("halves dim " + dim + ", which must have an even size, but gets " + in);
        }
        return Result.of(in.with(dim, size / 2));
    }

    private static Result softmax(Call c) {
        if (!c.args().isNone("dim")) {
            Call.dimIndex("dim", c.args().integer("dim"), c.in().rank());
        }
        return Result.of(c.in());
    }
}
