package org.deepforge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;

/**
 * Interface parse round trip, server → analysis process → server, for a 300-line operation, against
 * a bare round trip (ping) over the same pipe in the same run. Each parse gets fresh code (a changed
 * comment), so the server's parse cache never answers.
 */
final class ParseBench {
    private ParseBench() {}

    static void main(String[] args) throws Exception {
        int n = Bench.intArg(args, "--n", 2000);
        String python = System.getenv().getOrDefault("DEEPFORGE_PYTHON", "/usr/bin/python3");
        PythonRuntime runtime = PythonRuntime.unpack(Files.createTempDirectory("deepforge-parse-bench").resolve("python"));
        String code = operation(300);
        System.out.printf("Interface parse round trip — %s, %d cores, %s, operation of %d lines%n%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), python, code.split("\n").length);
        try (Analysis analysis = new Analysis(python, runtime.root(), Duration.ofSeconds(30))) {
            for (int i = 0; i < 300; i++) { // warm-up: JIT, Python imports
                analysis.parse(code + "# warm " + i + "\n", "Big");
                analysis.ping();
            }
            List<Double> ping = new ArrayList<>();
            List<Double> parse = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                analysis.ping();
                long t1 = System.nanoTime();
                analysis.parse(code + "# run " + i + "\n", "Big");
                long t2 = System.nanoTime();
                ping.add((t1 - t0) / 1e6);
                parse.add((t2 - t1) / 1e6);
            }
            System.out.printf("parse 300-line operation : p50 %6.2f ms   p99 %6.2f ms   (%d runs)   target p50 ≤ 10 ms%n",
                    Bench.pct(parse, 50), Bench.pct(parse, 99), n);
            System.out.printf("baseline: ping round trip : p50 %6.2f ms   p99 %6.2f ms%n", Bench.pct(ping, 50), Bench.pct(ping, 99));
            System.out.printf("parse work beyond the pipe: p50 %6.2f ms%n", Bench.pct(parse, 50) - Bench.pct(ping, 50));
        }
    }

    /** A realistic operation: attributes, a reference, helper methods, several returns. */
    static String operation(int lines) {
        StringBuilder b = new StringBuilder();
        b.append("import numpy as np\nfrom typing import Annotated, Literal\nfrom deepforge import Architecture, Range\n\n\n");
        b.append("class Big:\n    \"\"\"A long operation for the benchmark.\"\"\"\n\n");
        b.append("    def __init__(self, model: Architecture, epochs: Annotated[int, Range(1, 100)] = 10,\n");
        b.append("                 optimizer: Literal['adam', 'sgd'] = 'adam', rate=0.001, layers=[64, 32]):\n");
        b.append("        self.model = model\n        self.epochs = epochs\n        self.optimizer = optimizer\n");
        b.append("        self.rate = rate\n        self.layers = layers\n\n");
        int helper = 0;
        while (b.toString().split("\n").length < lines - 12) {
            b.append("    def helper_").append(helper).append("(self, x, y=None):\n");
            b.append("        total = 0\n        for i in range(len(x)):\n            total += x[i] * (i + ").append(helper).append(")\n");
            b.append("        if y is not None:\n            total -= np.sum(y)\n        return total\n\n");
            helper++;
        }
        b.append("    def execute(self, data, labels: 'numpy.ndarray'):\n");
        b.append("        if data is None:\n            return None, None\n");
        b.append("        score = self.helper_0(data, labels)\n");
        b.append("        history = {'score': score}\n");
        b.append("        return self.model, history\n");
        return b.toString();
    }
}
