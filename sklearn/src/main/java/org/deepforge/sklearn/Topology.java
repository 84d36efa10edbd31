package org.deepforge.sklearn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deepforge.library.LayerError;

/**
 * The graph rules of an estimator pipeline: one Input, every step connected and reachable from it, every input
 * of a step connected, no cycles, predictors only at the end, one last step. Also the steps in topological order
 * (those in cycles left out), which feature counting follows.
 */
final class Topology {
    private final List<String> order = new ArrayList<>();
    private final List<LayerError> errors = new ArrayList<>();
    private Optional<String> input = Optional.empty();

    private Topology() {}

    static Topology of(PipelineDrawing d) {
        Topology t = new Topology();
        t.checkInputs(d);
        t.sort(d);
        if (t.input.isPresent() && t.order.size() == d.steps().size()) {
            t.checkReach(d);
        }
        return t;
    }

    /** The steps in an order where every step comes after the steps feeding it; steps in cycles are missing. */
    List<String> order() {
        return List.copyOf(order);
    }

    /** The Input step, when there is exactly one. */
    Optional<String> input() {
        return input;
    }

    List<LayerError> errors() {
        return List.copyOf(errors);
    }

    private void checkInputs(PipelineDrawing d) {
        List<Step> inputs = d.steps().values().stream().filter(s -> s.spec().name().equals(EstimatorSpec.INPUT)).toList();
        if (inputs.isEmpty()) {
            errors.add(new LayerError(Optional.empty(), "the pipeline has no Input: add one and connect it to the first step"));
        } else if (inputs.size() == 1) {
            input = Optional.of(inputs.get(0).id());
        } else {
            inputs.subList(1, inputs.size()).forEach(s -> errors.add(LayerError.on(s.id(), s.label()
                    + ": a pipeline has exactly one Input (the data X); remove this one and connect its steps to "
                    + inputs.get(0).label())));
        }
        for (Step s : d.steps().values()) {
            List<Edge> in = d.into(s.id());
            Set<Integer> connected = new HashSet<>();
            in.forEach(e -> connected.add(e.input()));
            if (s.spec().isMerge() && connected.size() < 2) {
                errors.add(LayerError.on(s.id(), s.label() + " joins branches: connect at least two (it has " + connected.size() + ")"));
            }
            // a merge's count is its own error above: only the gaps between its connected inputs are reported
            int needed = Math.max(s.spec().isMerge() ? 0 : s.spec().inputs(), connected.stream().mapToInt(i -> i + 1).max().orElse(0));
            for (int i = 0; i < needed; i++) {
                if (!connected.contains(i)) {
                    errors.add(LayerError.on(s.id(), s.label() + ": input " + i + " is not connected; connect the step before it"));
                }
            }
            if (s.spec().isPredictor() && !d.outOf(s.id()).isEmpty()) {
                errors.add(LayerError.on(s.id(), s.spec().name() + " is a predictor: it must be the last step; put transformers before it"));
            }
        }
    }

    private void sort(PipelineDrawing d) {
        Map<String, Integer> waiting = new HashMap<>();
        d.steps().keySet().forEach(id -> waiting.put(id, 0));
        d.edges().forEach(e -> waiting.merge(e.to(), 1, Integer::sum));
        Deque<String> ready = new ArrayDeque<>();
        d.steps().keySet().stream().filter(id -> waiting.get(id) == 0).forEach(ready::add);
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(id);
            for (Edge e : d.outOf(id)) {
                if (waiting.merge(e.to(), -1, Integer::sum) == 0) {
                    ready.add(e.to());
                }
            }
        }
        Set<String> sorted = new HashSet<>(order);
        d.steps().values().stream().filter(s -> !sorted.contains(s.id())).forEach(s -> errors.add(LayerError.on(s.id(),
                s.label() + " is part of a cycle: data flows one way, from Input to the last step; remove one of its connections")));
    }

    private void checkReach(PipelineDrawing d) {
        Set<String> reached = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(input.orElseThrow()));
        while (!todo.isEmpty()) {
            String id = todo.poll();
            if (reached.add(id)) {
                d.outOf(id).forEach(e -> todo.add(e.to()));
            }
        }
        Set<String> faulty = new HashSet<>();
        errors.forEach(e -> e.layer().ifPresent(faulty::add));
        d.steps().values().stream().filter(s -> !reached.contains(s.id()) && !faulty.contains(s.id())).forEach(s -> errors.add(LayerError.on(s.id(),
                s.label() + " is not connected to the Input: connect it into the pipeline or remove it")));
        List<Step> ends = d.steps().values().stream().filter(s -> reached.contains(s.id()) && d.outOf(s.id()).isEmpty()).toList();
        if (ends.size() > 1) {
            String names = String.join(", ", ends.stream().map(Step::label).toList());
            ends.forEach(s -> errors.add(LayerError.on(s.id(), "the pipeline ends in " + ends.size() + " steps (" + names
                    + "); it must end in one: join the branches with a FeatureUnion or ColumnTransformer, or remove the extra ones")));
        } else if (ends.size() == 1 && ends.get(0).id().equals(input.get())) {
            errors.add(LayerError.on(input.get(), "the pipeline has no steps: connect an estimator after the Input"));
        }
    }
}
