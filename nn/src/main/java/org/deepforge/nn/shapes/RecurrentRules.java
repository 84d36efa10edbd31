package org.deepforge.nn.shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * RNN, LSTM, GRU and their cells. Output 0 is the output sequence; output 1 the final hidden state
 * {@code [num_layers·directions, N, hidden]}; LSTM adds output 2, the final cell state.
 */
final class RecurrentRules {
    private static final String RNN = "num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0, bidirectional=False";
    private static final String GRU = "num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False";
    private static final String LSTM = GRU + ", proj_size=0";

    private RecurrentRules() {}

    static void register(Rules r) {
        r.add("RNN", RNN, c -> recurrent(c, 1));
        r.add("GRU", GRU, c -> recurrent(c, 3));
        r.add("LSTM", LSTM, c -> recurrent(c, 4));
        r.add("RNNCell", "bias=True, nonlinearity='tanh'", c -> cell(c, 1));
        r.add("GRUCell", "bias=True", c -> cell(c, 3));
        r.add("LSTMCell", "bias=True", c -> cell(c, 4));
    }

    private static Result recurrent(Call c, int gates) {
        Shape in = c.expectRank(0, c.args().flag("batch_first") ? "[N, L, features]" : "[L, N, features]", 3, 2);
        Args a = c.args();
        int inputSize = LinearRules.lastDim(c, 0, "input_size", "input features");
        int hidden = a.integer("hidden_size", 1);
        int layers = a.integer("num_layers", 1);
        boolean bias = a.flag("bias");
        boolean batchFirst = a.flag("batch_first");
        int directions = a.flag("bidirectional") ? 2 : 1;
        double dropout = a.number("dropout");
        if (dropout < 0 || dropout > 1) {
            throw new ShapeException("dropout is a probability between 0 and 1, not " + dropout);
        }
        if (gates == 1) {
            a.text("nonlinearity", "tanh", "relu");
        }
        int proj = gates == 4 ? a.integer("proj_size", 0) : 0;
        if (proj >= hidden) {
            throw new ShapeException("proj_size " + proj + " must be smaller than hidden_size " + hidden);
        }
        int outSize = proj > 0 ? proj : hidden;
        long params = 0;
        for (int layer = 0; layer < layers; layer++) {
            int layerInput = layer == 0 ? inputSize : directions * outSize;
            long perDirection = (long) gates * hidden * layerInput + (long) gates * hidden * outSize
                    + (bias ? 2L * gates * hidden : 0) + (proj > 0 ? (long) proj * hidden : 0);
            params += directions * perDirection;
        }
        List<Shape> outs = new ArrayList<>();
        outs.add(in.with(-1, directions * outSize));
        boolean batched = in.rank() == 3;
        int batch = batched ? in.dim(batchFirst ? 0 : 1) : 0;
        outs.add(batched ? Shape.of(layers * directions, batch, outSize) : Shape.of(layers * directions, outSize));
        if (gates == 4) {
            outs.add(batched ? Shape.of(layers * directions, batch, hidden) : Shape.of(layers * directions, hidden));
        }
        return new Result(outs, params);
    }

    private static Result cell(Call c, int gates) {
        Shape in = c.expectRank(0, "[N, features]", 2, 1);
        Args a = c.args();
        int inputSize = LinearRules.lastDim(c, 0, "input_size", "input features");
        int hidden = a.integer("hidden_size", 1);
        boolean bias = a.flag("bias");
        if (gates == 1) {
            a.text("nonlinearity", "tanh", "relu");
        }
        long params = (long) gates * hidden * (inputSize + hidden) + (bias ? 2L * gates * hidden : 0);
        Shape out = in.with(-1, hidden);
        return new Result(gates == 4 ? List.of(out, out) : List.of(out), params);
    }
}
