package org.deepforge.nn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Kahn's algorithm (iterative, so deep networks cannot overflow the stack) plus the cycles that stop it. */
final class TopologicalSort {
    private TopologicalSort() {}

    static TopologicalOrder of(Collection<String> ids, Map<String, List<Connection>> outgoing) {
        Map<String, Integer> indegree = new HashMap<>();
        ids.forEach(id -> indegree.put(id, 0));
        outgoing.values().forEach(cs -> cs.forEach(c -> indegree.merge(c.to(), 1, Integer::sum)));
        ArrayDeque<String> ready = new ArrayDeque<>();
        ids.stream().filter(id -> indegree.get(id) == 0).forEach(ready::add);
        List<String> order = new ArrayList<>(ids.size());
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(id);
            for (Connection c : outgoing.getOrDefault(id, List.of())) {
                if (indegree.merge(c.to(), -1, Integer::sum) == 0) {
                    ready.add(c.to());
                }
            }
        }
        if (order.size() == ids.size()) {
            return new TopologicalOrder(order, List.of());
        }
        Set<String> left = new HashSet<>(ids);
        order.forEach(left::remove);
        return new TopologicalOrder(order, cycles(ids, left, outgoing));
    }

    /**
     * Cycles among the layers Kahn could not order. Every such layer is on a cycle or downstream of one;
     * walking backwards from it (against the wires, staying among the left-overs) must close a loop.
     */
    private static List<List<String>> cycles(Collection<String> ids, Set<String> left, Map<String, List<Connection>> outgoing) {
        Map<String, List<String>> feeders = new HashMap<>();
        for (String id : left) {
            for (Connection c : outgoing.getOrDefault(id, List.of())) {
                if (left.contains(c.to())) {
                    feeders.computeIfAbsent(c.to(), k -> new ArrayList<>()).add(id);
                }
            }
        }
        Set<String> done = new HashSet<>();
        List<List<String>> cycles = new ArrayList<>();
        for (String start : ids) {
            if (!left.contains(start) || done.contains(start)) {
                continue;
            }
            Map<String, Integer> position = new HashMap<>();
            List<String> walk = new ArrayList<>();
            String at = start;
            while (!position.containsKey(at) && !done.contains(at)) {
                position.put(at, walk.size());
                walk.add(at);
                at = feeders.get(at).get(0);
            }
            if (position.containsKey(at)) {
                List<String> loop = new ArrayList<>(walk.subList(position.get(at), walk.size()));
                Collections.reverse(loop);
                cycles.add(rotateToFirst(loop, ids));
            }
            done.addAll(walk);
        }
        return cycles;
    }

    /** Starts the loop at whichever of its layers comes first in the architecture, for stable messages. */
    private static List<String> rotateToFirst(List<String> loop, Collection<String> ids) {
        Set<String> members = new HashSet<>(loop);
        String first = ids.stream().filter(members::contains).findFirst().orElseThrow();
        int i = loop.indexOf(first);
        List<String> out = new ArrayList<>(loop.subList(i, loop.size()));
        out.addAll(loop.subList(0, i));
        return out;
    }
}
