package org.deepforge.nn.shapes;

import java.util.List;

/** MultiheadAttention and the transformer layers built on it. */
final class AttentionRules {
    private static final String LAYER = "dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-05,"
            + " batch_first=False, norm_first=False";

    private AttentionRules() {}

    static void register(Rules r) {
        r.add("MultiheadAttention", 1, 3, "dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None,"
                + " vdim=None, batch_first=False", AttentionRules::attention);
        r.add("TransformerEncoderLayer", LAYER, AttentionRules::encoderLayer);
        r.add("TransformerDecoderLayer", 2, 2, LAYER, AttentionRules::decoderLayer);
        r.add("Transformer", 2, 2, "nhead=8, num_encoder_layers=6, num_decoder_layers=6, " + LAYER, AttentionRules::transformer);
    }

    private static Result attention(Call c) {
        Args a = c.args();
        boolean batchFirst = a.flag("batch_first");
        Shape q = c.expectRank(0, batchFirst ? "[N, L, embed_dim]" : "[L, N, embed_dim]", 3, 2);
        int embed = LinearRules.lastDim(c, 0, "embed_dim", "features (embed_dim)");
        heads(a, "num_heads", embed, "embed_dim");
        Shape k = c.inputs().size() > 1 ? c.in(1) : q;
        Shape v = c.inputs().size() > 2 ? c.in(2) : q;
        int kdim = a.isNone("kdim") ? embed : a.integer("kdim", 1);
        int vdim = a.isNone("vdim") ? embed : a.integer("vdim", 1);
        check(k, "key", kdim, "kdim", q);
        check(v, "value", vdim, "vdim", q);
        int batchAxis = batchFirst ? 0 : 1;
        int seqAxis = 1 - batchAxis;
        if (q.rank() == 3 && (q.dim(batchAxis) != k.dim(batchAxis) || q.dim(batchAxis) != v.dim(batchAxis))) {
            throw new ShapeException("needs query, key and value of one batch size (dim " + batchAxis + "), but gets "
                    + Broadcast.list(List.of(q, k, v)));
        }
        int qSeq = q.rank() == 3 ? seqAxis : 0;
        if (k.dim(qSeq) != v.dim(qSeq)) {
            throw new ShapeException("needs key and value of one sequence length, but gets " + k + " and " + v);
        }
        boolean bias = a.flag("bias");
        a.number("dropout");
        long params = (kdim == embed && vdim == embed ? 3L * embed * embed : (long) embed * (embed + kdim + vdim))
                + (bias ? 3L * embed : 0) + (long) embed * embed + (bias ? embed : 0) + (a.flag("add_bias_kv") ? 2L * embed : 0);
        int source = k.dim(qSeq) + (a.flag("add_bias_kv") ? 1 : 0) + (a.flag("add_zero_attn") ? 1 : 0);
        Shape weights = q.rank() == 3 ? Shape.of(q.dim(batchAxis), q.dim(seqAxis), source) : Shape.of(q.dim(0), source);
        return new Result(List.of(q.with(-1, embed), weights), params);
    }

    private static void check(Shape s, String role, int dim, String argument, Shape q) {
        if (s.rank() != q.rank()) {
            throw new ShapeException("needs a " + role + " with as many dimensions as the query " + q + ", but gets " + s);
        }
        if (s.dim(-1) != dim) {
            throw new ShapeException("expects " + role + "s with " + dim + " features but gets " + s
                    + " (set " + argument + " to " + s.dim(-1) + ")");
        }
    }

    private static int heads(Args a, String argument, int embed, String embedName) {
        int heads = a.integer(argument, 1);
        if (embed % heads != 0) {
            throw new ShapeException(argument + " " + heads + " must divide " + embedName + " " + embed
                    + " (each head gets " + embedName + "/" + argument + " features)");
        }
        return heads;
    }

    /** Parameters of MultiheadAttention(d, heads) with bias, as inside the transformer layers. */
    private static long attentionParameters(long d) {
        return 4 * d * d + 4 * d;
    }

    private static long encoderLayerParameters(long d, long ff) {
        return attentionParameters(d) + (d * ff + ff) + (ff * d + d) + 4 * d;
    }

    private static long decoderLayerParameters(long d, long ff) {
        return 2 * attentionParameters(d) + (d * ff + ff) + (ff * d + d) + 6 * d;
    }

    private static int[] layerArguments(Call c, int input) {
        Args a = c.args();
        c.expectRank(input, a.flag("batch_first") ? "[N, L, d_model]" : "[L, N, d_model]", 3, 2);
        int d = LinearRules.lastDim(c, input, "d_model", "features (d_model)");
        heads(a, "nhead", d, "d_model");
        int ff = a.integer("dim_feedforward", 1);
        a.text("activation", "relu", "gelu");
        a.number("dropout");
        a.flag("norm_first");
        return new int[] {d, ff};
    }

    private static Result encoderLayer(Call c) {
        int[] df = layerArguments(c, 0);
        return Result.of(c.in(), encoderLayerParameters(df[0], df[1]));
    }

    private static Result decoderLayer(Call c) {
        int[] df = layerArguments(c, 0);
        memory(c, df[0], "memory");
        return Result.of(c.in(), decoderLayerParameters(df[0], df[1]));
    }

    private static Result transformer(Call c) {
        int[] df = layerArguments(c, 0);
        Shape tgt = memory(c, df[0], "tgt");
        int enc = c.args().integer("num_encoder_layers", 0);
        int dec = c.args().integer("num_decoder_layers", 0);
        long params = enc * encoderLayerParameters(df[0], df[1]) + 2L * df[0] + dec * decoderLayerParameters(df[0], df[1]) + 2L * df[0];
        return Result.of(tgt, params);
    }

    /** Input 1 (the decoder's memory, or the transformer's target) must carry d_model features and the same batch. */
    private static Shape memory(Call c, int d, String role) {
        Shape in = c.in();
        Shape m = c.in(1);
        if (m.rank() != in.rank() || m.dim(-1) != d) {
            throw new ShapeException("needs " + role + " (input 1) shaped like " + in + " with " + d + " features, but gets " + m);
        }
        int batchAxis = c.args().flag("batch_first") ? 0 : 1;
        if (in.rank() == 3 && m.dim(batchAxis) != in.dim(batchAxis)) {
            throw new ShapeException("needs " + role + " (input 1) of the same batch size as input 0, but gets " + in + " and " + m);
        }
        return m;
    }
}
