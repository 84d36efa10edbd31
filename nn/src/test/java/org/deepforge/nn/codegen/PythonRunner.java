package org.deepforge.nn.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Imports generated code in the system Python with torch, runs forward on zeros and reports what came out. */
final class PythonRunner {
    static final String PYTHON = "/usr/bin/python3";

    /** One forward input: its per-sample shape and whether it holds token ids rather than floats. */
    record Input(List<Integer> shape, boolean tokens) {
        static Input of(Integer... shape) {
            return new Input(List.of(shape), false);
        }

        static Input tokens(Integer... shape) {
            return new Input(List.of(shape), true);
        }
    }

    /** The shapes of what forward returned (one entry per returned tensor) and the parameter count. */
    record Result(List<List<Integer>> shapes, long parameters) {}

    private static final String DRIVER = """
            import json
            import sys

            import torch

            from architecture import %s

            model = %s()
            model.eval()
            inputs = [
            %s
            ]
            with torch.no_grad():
                out = model(*inputs)
            outs = out if isinstance(out, tuple) else (out,)
            print(json.dumps({
                "single": not isinstance(out, tuple),
                "shapes": [list(o.shape) for o in outs],
                "parameters": sum(p.numel() for p in model.parameters()),
            }))
            """;

    private PythonRunner() {}

    /** Runs the code; fails with Python's output when it does not exit 0. */
    static Result run(Path dir, String code, String className, List<Input> inputs, boolean expectSingle)
            throws IOException, InterruptedException {
        List<String> tensors = new ArrayList<>();
        for (Input in : inputs) {
            String shape = "2" + in.shape().stream().map(d -> ", " + d).reduce("", String::concat);
            tensors.add("    torch.zeros(" + shape + (in.tokens() ? ", dtype=torch.long" : "") + "),");
        }
        Files.writeString(dir.resolve("architecture.py"), code, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("driver.py"),
                DRIVER.formatted(className, className, String.join("\n", tensors)), StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(PYTHON, "driver.py").directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python did not finish in 120 s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("python exited " + p.exitValue() + ":\n" + text + "\n--- code ---\n" + code);
        }
        String[] lines = text.strip().split("\n");
        JsonNode json = ArchitectureBuilder.JSON.readTree(lines[lines.length - 1]);
        if (json.get("single").asBoolean() != expectSingle) {
            throw new AssertionError("forward returned " + (expectSingle ? "a tuple" : "a single tensor")
                    + "\n--- code ---\n" + code);
        }
        List<List<Integer>> shapes = new ArrayList<>();
        json.get("shapes").forEach(s -> {
            List<Integer> shape = new ArrayList<>();
            s.forEach(d -> shape.add(d.asInt()));
            shapes.add(shape);
        });
        return new Result(shapes, json.get("parameters").asLong());
    }
}
