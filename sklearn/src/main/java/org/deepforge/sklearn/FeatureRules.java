package org.deepforge.sklearn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How many features (columns) a step puts out, from the features it gets, where that is known: a small table
 * for the common transformers; every other transformer's count is unknown, which is fine.
 */
final class FeatureRules {
    /** Transformers whose output has the columns of their input. */
    private static final Set<String> SAME = Set.of("StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler",
            "Normalizer", "Binarizer", "QuantileTransformer", "PowerTransformer");
    /** Transformers that put out {@code n_components} columns, which may not exceed their input's. */
    private static final Set<String> BOUNDED_COMPONENTS = Set.of("PCA", "IncrementalPCA", "TruncatedSVD", "FastICA",
            "FactorAnalysis");
    /** Transformers that put out {@code n_components} columns, any number of them. */
    private static final Set<String> FREE_COMPONENTS = Set.of("KernelPCA", "NMF", "MiniBatchNMF", "SparsePCA",
            "MiniBatchSparsePCA", "LatentDirichletAllocation", "DictionaryLearning", "MiniBatchDictionaryLearning",
            "Nystroem", "RBFSampler", "SkewedChi2Sampler", "PolynomialCountSketch", "GaussianRandomProjection",
            "SparseRandomProjection", "Isomap", "LocallyLinearEmbedding");

    private FeatureRules() {}

    /**
     * The features {@code step} puts out, given the features on each of its inputs (empty where unknown) and the
     * Input's; errors (numbers that cannot fit) go to {@code errors}.
     */
    static OptionalInt features(Step step, List<OptionalInt> in, OptionalInt inputFeatures, Consumer<String> errors) {
        String type = step.spec().name();
        OptionalInt x = in.isEmpty() ? OptionalInt.empty() : in.get(0);
        if (type.equals(EstimatorSpec.INPUT)) {
            return integer(step, "features").filter(f -> f > 0).map(OptionalInt::of).orElse(OptionalInt.empty());
        }
        if (type.equals(EstimatorSpec.COLUMNS)) {
            return columns(step, inputFeatures, errors);
        }
        if (type.equals(EstimatorSpec.FEATURE_UNION) || type.equals(EstimatorSpec.COLUMN_TRANSFORMER)) {
            return sum(in);
        }
        if (SAME.contains(type) || type.equals("KBinsDiscretizer") && text(step, "encode").filter("ordinal"::equals).isPresent()) {
            return x;
        }
        if (BOUNDED_COMPONENTS.contains(type) || FREE_COMPONENTS.contains(type)) {
            return bounded(step, "n_components", x, BOUNDED_COMPONENTS.contains(type), errors);
        }
        if (type.equals("SelectKBest")) {
            return text(step, "k").filter("all"::equals).isPresent() ? x : bounded(step, "k", x, true, errors);
        }
        if (type.equals("PolynomialFeatures")) {
            return polynomial(step, x);
        }
        return OptionalInt.empty();
    }

    private static OptionalInt bounded(Step step, String argument, OptionalInt x, boolean bounded, Consumer<String> errors) {
        Optional<Integer> n = integer(step, argument);
        if (n.isEmpty()) {
            return OptionalInt.empty();
        }
        if (n.get() < 1) {
            errors.accept(step.label() + ": " + argument + " is " + n.get() + "; it must be at least 1");
        } else if (bounded && x.isPresent() && n.get() > x.getAsInt()) {
            errors.accept(step.label() + ": " + argument + " is " + n.get() + " but its input has only " + x.getAsInt()
                    + " features; set " + argument + " to at most " + x.getAsInt());
        }
        return OptionalInt.of(n.get());
    }

    private static OptionalInt columns(Step step, OptionalInt x, Consumer<String> errors) {
        JsonNode columns = step.arguments().get("columns");
        if (columns == null || !columns.isArray()) {
            return OptionalInt.empty();
        }
        Set<Integer> seen = new HashSet<>();
        for (JsonNode c : columns) {
            if (!c.isIntegralNumber() || c.asInt() < 0) {
                errors.accept(step.label() + ": columns are indices 0, 1, 2, …; " + c + " is not one");
            } else if (x.isPresent() && c.asInt() >= x.getAsInt()) {
                errors.accept(step.label() + ": column " + c.asInt() + " does not exist: the Input has " + x.getAsInt()
                        + " features (columns 0 to " + (x.getAsInt() - 1) + ")");
            } else if (!seen.add(c.asInt())) {
                errors.accept(step.label() + ": column " + c.asInt() + " is listed twice; list it once");
            }
        }
        if (columns.isEmpty()) {
            errors.accept(step.label() + ": select at least one column");
        }
        return OptionalInt.of(columns.size());
    }

    /**
     * The features of a ColumnTransformer: its branches' (in {@code in}) and, with {@code remainder="passthrough"}, the
     * columns of X that none of its Columns steps select.
     */
    static OptionalInt columnTransformer(Step step, List<OptionalInt> in, List<Step> columnsSteps, OptionalInt inputFeatures) {
        OptionalInt branches = sum(in);
        if (text(step, "remainder").filter("passthrough"::equals).isEmpty() || branches.isEmpty()) {
            return branches;
        }
        OptionalInt rest = remainder(columnsSteps, inputFeatures);
        return rest.isPresent() ? OptionalInt.of(branches.getAsInt() + rest.getAsInt()) : OptionalInt.empty();
    }

    private static OptionalInt remainder(List<Step> columnsSteps, OptionalInt inputFeatures) {
        Set<Integer> selected = new HashSet<>();
        for (Step s : columnsSteps) {
            JsonNode columns = s.arguments().get("columns");
            if (columns == null || !columns.isArray()) {
                return OptionalInt.empty();
            }
            columns.forEach(c -> selected.add(c.asInt()));
        }
        return inputFeatures.isPresent() ? OptionalInt.of(Math.max(0, inputFeatures.getAsInt() - selected.size())) : OptionalInt.empty();
    }

    /** sum over k ≤ degree of the monomials of degree k in n variables: C(n + k - 1, k), or C(n, k) with interaction_only. */
    private static OptionalInt polynomial(Step step, OptionalInt x) {
        Optional<Integer> degree = integer(step, "degree");
        if (degree.isEmpty() || x.isEmpty() || degree.get() < 0) {
            return OptionalInt.empty();
        }
        boolean interactionOnly = flag(step, "interaction_only", false);
        long n = x.getAsInt();
        long total = 0;
        long term = 1;
        for (int k = 0; k <= degree.get(); k++) {
            if (k > 0) {
                term = interactionOnly ? term * (n - k + 1) / k : term * (n + k - 1) / k;
            }
            total += term;
            if (total > Integer.MAX_VALUE || term < 0) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.of((int) (flag(step, "include_bias", true) ? total : total - 1));
    }

    private static OptionalInt sum(List<OptionalInt> in) {
        long total = 0;
        for (OptionalInt f : in) {
            if (f.isEmpty()) {
                return OptionalInt.empty();
            }
            total += f.getAsInt();
        }
        return total > Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of((int) total);
    }

    private static Optional<Integer> integer(Step step, String argument) {
        JsonNode v = step.arguments().get(argument);
        if (v == null) {
            return step.spec().argumentsByName().get(argument) == null ? Optional.empty()
                    : step.spec().argumentsByName().get(argument).defaultValue().filter(JsonNode::canConvertToInt)
                            .filter(JsonNode::isIntegralNumber).map(JsonNode::asInt);
        }
        return v.isIntegralNumber() && v.canConvertToInt() ? Optional.of(v.asInt()) : Optional.empty();
    }

    private static Optional<String> text(Step step, String argument) {
        JsonNode v = step.arguments().get(argument);
        if (v == null) {
            ArgumentSpec spec = step.spec().argumentsByName().get(argument);
            v = spec == null ? null : spec.defaultValue().orElse(null);
        }
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static boolean flag(Step step, String argument, boolean otherwise) {
        JsonNode v = step.arguments().get(argument);
        return v != null && v.isBoolean() ? v.asBoolean() : otherwise;
    }
}
