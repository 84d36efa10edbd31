package org.deepforge.nn.shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** A tensor shape whose dimensions are sizes or {@link #N}, the symbolic batch (or any unknown) size. */
final class Shape {
    static final int N = -1;

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    static Shape batched(int[] perSample) {
        int[] d = new int[perSample.length + 1];
        d[0] = N;
        System.arraycopy(perSample, 0, d, 1, perSample.length);
        return new Shape(d);
    }

    int rank() {
        return dims.length;
    }

    /** Dimension {@code i}; negative counts from the end as in torch. */
    int dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    int[] dims() {
        return dims.clone();
    }

    Shape with(int i, int size) {
        int[] d = dims.clone();
        d[i < 0 ? d.length + i : i] = size;
        return new Shape(d);
    }

    /** The first {@code n} dimensions followed by {@code tail}. */
    Shape head(int n, int... tail) {
        int[] d = Arrays.copyOf(dims, n + tail.length);
        System.arraycopy(tail, 0, d, n, tail.length);
        return new Shape(d);
    }

    /** The last {@code n} dimensions. */
    int[] tail(int n) {
        return Arrays.copyOfRange(dims, dims.length - n, dims.length);
    }

    /** Product of dimensions {@code from} (inclusive) to {@code to} (exclusive); {@link #N} if any is unknown. */
    long product(int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            if (dims[i] == N) {
                return N;
            }
            p *= dims[i];
        }
        return p;
    }

    /** The shape as the analysis JSON writes it: {@code null} for the batch dimension. */
    List<Integer> toList() {
        List<Integer> out = new ArrayList<>(dims.length);
        for (int d : dims) {
            out.add(d == N ? null : d);
        }
        return Collections.unmodifiableList(out);
    }

    /** Spatial extent as in messages: {@code 1×1}. */
    static String extent(int[] sizes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            b.append(i == 0 ? "" : "×").append(sizes[i] == N ? "N" : String.valueOf(sizes[i]));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code [N, 64, 1, 1]}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            b.append(i == 0 ? "" : ", ").append(dims[i] == N ? "N" : String.valueOf(dims[i]));
        }
        return b.append(']').toString();
    }
}
