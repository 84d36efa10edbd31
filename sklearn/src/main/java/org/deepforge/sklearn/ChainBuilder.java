package org.deepforge.sklearn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.library.LayerError;

/**
 * Reads a drawing that passed {@link Topology} as a {@link Chain}: where a step feeds several steps, their branches
 * must join again in one FeatureUnion or ColumnTransformer (the first step all paths from it go through), and every branch of a
 * ColumnTransformer starts with a Columns step right after the Input. Anything else is an error saying what to change.
 */
final class ChainBuilder {
    private final PipelineDrawing drawing;
    /** Each step's immediate post-dominator: the first step every path from it to the end goes through (none for the end). */
    private final Map<String, String> joins = new HashMap<>();
    private final Map<String, Integer> position = new HashMap<>();
    private final List<LayerError> errors = new ArrayList<>();

    /** {@code order}: topological, with one end that every step reaches (what {@link Topology} checked). */
    private ChainBuilder(PipelineDrawing drawing, List<String> order) {
        this.drawing = drawing;
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i), i);
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            List<Edge> outs = drawing.outOf(order.get(i));
            String join = outs.isEmpty() ? null : outs.get(0).to();
            for (Edge e : outs) {
                join = intersect(join, e.to());
            }
            joins.put(order.get(i), join);
        }
    }

    /** The first step that paths from {@code a} and from {@code b} both go through (Cooper, Harvey and Kennedy). */
    private String intersect(String a, String b) {
        while (a != null && b != null && !a.equals(b)) {
            if (position.get(a) < position.get(b)) {
                a = joins.get(a);
            } else {
                b = joins.get(b);
            }
        }
        return a == null || b == null ? null : a;
    }

    /** The chain after the Input (the Input itself is not a step of it), or the errors that stop it. */
    static Result build(PipelineDrawing drawing, Topology topology) {
        ChainBuilder b = new ChainBuilder(drawing, topology.order());
        String input = topology.input().orElseThrow();
        List<Chain.Element> elements = b.follow(input, Optional.empty());
        elements.remove(0);
        b.checkColumns();
        return new Result(new Chain(elements), b.errors);
    }

    record Result(Chain chain, List<LayerError> errors) {
        Result {
            errors = List.copyOf(errors);
        }
    }

    /** The elements from {@code first} up to {@code until} (not included) or the end. */
    private List<Chain.Element> follow(String first, Optional<String> until) {
        List<Chain.Element> out = new ArrayList<>();
        String current = first;
        while (current != null && until.filter(current::equals).isEmpty()) {
            Step step = drawing.steps().get(current);
            if (step.spec().isMerge()) {
                errors.add(LayerError.on(current, step.label() + ": all its branches must start at the same step;"
                        + " connect each branch from the step the others start at"));
                return out;
            }
            out.add(new Chain.Single(step));
            current = next(current, out);
        }
        return out;
    }

    /** The step after {@code id}; where {@code id} feeds several branches, adds their merge to {@code out} and goes past it. */
    private String next(String id, List<Chain.Element> out) {
        List<Edge> outs = drawing.outOf(id);
        if (outs.size() <= 1) {
            return outs.isEmpty() ? null : outs.get(0).to();
        }
        Optional<String> join = Optional.ofNullable(joins.get(id));
        Step from = drawing.steps().get(id);
        if (join.isEmpty()) {
            errors.add(LayerError.on(id, from.label() + " feeds " + outs.size() + " steps: join their branches in one FeatureUnion"
                    + " or ColumnTransformer"));
            return null;
        }
        Step merge = drawing.steps().get(join.get());
        if (drawing.into(merge.id()).size() != outs.size() || !merge.spec().isMerge()) {
            errors.add(LayerError.on(merge.id(), merge.label() + (merge.spec().isMerge()
                    ? ": all its branches must start at the same step (" + from.label() + " feeds " + outs.size() + " of them)"
                    : " is where the branches from " + from.label() + " meet: join them in a FeatureUnion or ColumnTransformer first")));
            return null;
        }
        List<Branch> branches = new ArrayList<>();
        for (Edge e : outs) {
            List<Chain.Element> branch = e.to().equals(merge.id()) ? List.of() : follow(e.to(), join);
            String last = branch.isEmpty() ? id : branch.get(branch.size() - 1).step().id();
            int input = drawing.into(merge.id()).stream().filter(m -> m.from().equals(last)).mapToInt(Edge::input).min().orElse(0);
            branches.add(new Branch(input, new Chain(branch)));
        }
        branches.sort(Comparator.comparingInt(Branch::input));
        out.add(new Chain.Merge(merge, branches.stream().map(Branch::chain).toList()));
        checkBranches(from, merge, branches);
        return next(merge.id(), out);
    }

    private record Branch(int input, Chain chain) {}

    private void checkBranches(Step from, Step merge, List<Branch> branches) {
        if (!merge.spec().name().equals(EstimatorSpec.COLUMN_TRANSFORMER)) {
            return;
        }
        for (int i = 0; i < branches.size(); i++) {
            List<Chain.Element> steps = branches.get(i).chain().elements();
            if (steps.isEmpty() || !steps.get(0).step().spec().name().equals(EstimatorSpec.COLUMNS)) {
                errors.add(LayerError.on(merge.id(), merge.label() + ": branch " + i + " must start with a Columns step (which"
                        + " columns it gets) right after the Input"));
            }
        }
    }

    /** A Columns step is only the first step of a ColumnTransformer's branch, fed by the Input. */
    private void checkColumns() {
        for (Step s : drawing.steps().values()) {
            if (!s.spec().name().equals(EstimatorSpec.COLUMNS)) {
                continue;
            }
            boolean afterInput = drawing.into(s.id()).stream()
                    .allMatch(e -> drawing.steps().get(e.from()).spec().name().equals(EstimatorSpec.INPUT));
            boolean endsInColumnTransformer = false;
            for (String id = joins.get(s.id()); id != null && !endsInColumnTransformer; id = joins.get(id)) {
                endsInColumnTransformer = drawing.steps().get(id).spec().name().equals(EstimatorSpec.COLUMN_TRANSFORMER);
            }
            if (!afterInput || !endsInColumnTransformer) {
                errors.add(LayerError.on(s.id(), s.label() + " starts a branch of a ColumnTransformer: connect it directly after"
                        + " the Input and lead its branch into a ColumnTransformer"));
            }
        }
    }
}
