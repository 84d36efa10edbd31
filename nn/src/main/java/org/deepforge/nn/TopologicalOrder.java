package org.deepforge.nn;

import java.util.List;

/**
 * Layers in an order where every layer comes after the layers feeding it; layers on a cycle, or fed
 * from one, are left out of {@code order} and each cycle is listed as the layers along it.
 */
public record TopologicalOrder(List<String> order, List<List<String>> cycles) {
    public TopologicalOrder {
        order = List.copyOf(order);
        cycles = cycles.stream().map(List::copyOf).toList();
    }
}
