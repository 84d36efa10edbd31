package org.deepforge.nn.shapes;

/** Linear, Bilinear, Identity, embeddings, dropouts and the two-input distances. */
final class LinearRules {
    private LinearRules() {}

    static void register(Rules r) {
        r.add("Linear", "bias=True", LinearRules::linear);
        r.add("LazyLinear", "bias=True", LinearRules::linear);
        r.add("Bilinear", 2, 2, "bias=True", LinearRules::bilinear);
        r.add("Identity", "", c -> Result.of(c.in()));
        r.add("Embedding", "padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False",
                LinearRules::embedding);
        r.add("EmbeddingBag", 1, 3, "max_norm=None, norm_type=2.0, scale_grad_by_freq=False, mode='mean', sparse=False,"
                + " include_last_offset=False, padding_idx=None", LinearRules::embeddingBag);
        for (String dropout : new String[] {"Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"}) {
            r.add(dropout, "p=0.5, inplace=False", LinearRules::dropout);
        }
        r.add("CosineSimilarity", 2, 2, "dim=1, eps=1e-08", LinearRules::cosine);
        r.add("PairwiseDistance", 2, 2, "p=2.0, eps=1e-06, keepdim=False", LinearRules::pairwise);
    }

    /** The size of the last dimension, checked against the argument that declares it (inferred when left out). */
    static int lastDim(Call c, int input, String argument, String what) {
        Shape in = c.in(input);
        int actual = in.dim(-1);
        if (actual == Shape.N) {
            throw new ShapeException("needs the " + what + " in the last dimension, but the input " + in + " has the batch there");
        }
        int declared = c.args().infer(argument, actual);
        if (declared != actual) {
            throw new ShapeException("expects " + declared + " " + what + " but gets " + in
                    + " (set " + argument + " to " + actual + " or leave it out to infer it)");
        }
        return actual;
    }

    private static Result linear(Call c) {
        int in = lastDim(c, 0, "in_features", "input features");
        int out = c.args().integer("out_features", 1);
        return Result.of(c.in().with(-1, out), (long) in * out + (c.args().flag("bias") ? out : 0));
    }

    private static Result bilinear(Call c) {
        int in1 = lastDim(c, 0, "in1_features", "features on input 0");
        int in2 = lastDim(c, 1, "in2_features", "features on input 1");
        Shape a = c.in(0);
        Shape b = c.in(1);
        if (!a.head(a.rank() - 1).equals(b.head(b.rank() - 1))) {
            throw new ShapeException("needs inputs that differ only in the last dimension, but gets " + a + " and " + b);
        }
        int out = c.args().integer("out_features", 1);
        return Result.of(a.with(-1, out), (long) in1 * in2 * out + (c.args().flag("bias") ? out : 0));
    }

    private static Result embedding(Call c) {
        Args a = c.args();
        int num = a.integer("num_embeddings", 1);
        int dim = a.integer("embedding_dim", 1);
        if (!a.isNone("padding_idx")) {
            int p = a.integer("padding_idx");
            if (p < -num || p >= num) {
                throw new ShapeException("padding_idx " + p + " must lie within num_embeddings " + num);
            }
        }
        Shape in = c.in();
        return Result.of(in.head(in.rank(), dim), (long) num * dim);
    }

    private static Result embeddingBag(Call c) {
        Args a = c.args();
        int num = a.integer("num_embeddings", 1);
        int dim = a.integer("embedding_dim", 1);
        a.text("mode", "sum", "mean", "max");
        Shape in = c.in();
        Shape out;
        if (in.rank() == 2) {
            out = Shape.of(in.dim(0), dim);
        } else if (in.rank() == 1 && c.inputs().size() > 1) {
            int bags = c.in(1).dim(0);
            out = Shape.of(bags == Shape.N || !a.flag("include_last_offset") ? bags : bags - 1, dim);
        } else {
            throw new ShapeException("expects bags of indices shaped [N, L] (or flat indices with offsets on input 1), but gets " + in);
        }
        return Result.of(out, (long) num * dim);
    }

    private static Result dropout(Call c) {
        double p = c.args().number("p");
        if (p < 0 || p > 1) {
            throw new ShapeException("p is a probability between 0 and 1, not " + p);
        }
        return Result.of(c.in());
    }

    private static Result cosine(Call c) {
        Shape b = Broadcast.require(c.inputs(), "compared");
        int dim = Call.dimIndex("dim", c.args().integer("dim"), b.rank());
        return Result.of(remove(b, dim));
    }

    private static Result pairwise(Call c) {
        Shape b = Broadcast.require(c.inputs(), "compared");
        c.args().number("p");
        return Result.of(c.args().flag("keepdim") ? b.with(-1, 1) : remove(b, b.rank() - 1));
    }

    static Shape remove(Shape s, int dim) {
        int[] d = s.dims();
        int[] out = new int[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) {
            if (i != dim) {
                out[j++] = d[i];
            }
        }
        return Shape.of(out);
    }
}
