package org.deepforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deepforge.model.Json;
import org.deepforge.nn.codegen.PyTorchCode;
import org.deepforge.nn.shapes.ArchitectureAnalysis;
import org.deepforge.nn.shapes.ShapeInference;

/**
 * Shape inference plus validation of a 500-layer network in Java, against a warm torch meta-device
 * forward of the same network (its generated code) in the same run; then a 10,000-layer network.
 */
final class ShapesBench {
    private ShapesBench() {}

    static void main(String[] args) throws Exception {
        int layers = Bench.intArg(args, "--layers", 500);
        int runs = Bench.intArg(args, "--runs", 300);
        String python = System.getenv().getOrDefault("DEEPFORGE_PYTHON", "/usr/bin/python3");
        JsonNode architecture = chain(layers);
        ShapeInference inference = new ShapeInference();
        ArchitectureAnalysis analysis = inference.analyze(architecture);
        if (!analysis.errors().isEmpty()) {
            throw new IllegalStateException(analysis.errors().get(0).message());
        }
        for (int i = 0; i < 200; i++) {
            inference.analyze(architecture);
        }
        List<Double> javaTimes = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            inference.analyze(architecture);
            javaTimes.add((System.nanoTime() - t0) / 1e6);
        }

        Map<String, Map<String, JsonNode>> inferred = new HashMap<>();
        analysis.layers().forEach((id, info) -> inferred.put(id, info.inferred()));
        String code = new PyTorchCode().generate(architecture, inferred);
        Path dir = Files.createTempDirectory("deepforge-shapes-bench");
        Files.writeString(dir.resolve("net.py"), code);
        Files.writeString(dir.resolve("bench.py"), """
                import json, statistics, sys, time
                import torch
                sys.path.insert(0, sys.argv[1])
                import net
                cls = [c for c in vars(net).values() if isinstance(c, type) and issubclass(c, torch.nn.Module) and c is not torch.nn.Module][0]
                model = cls().to("meta")
                x = torch.zeros(2, 16, 32, 32, device="meta")
                for _ in range(20):
                    model(x)
                times = []
                for _ in range(int(sys.argv[2])):
                    t0 = time.perf_counter()
                    y = model(x)
                    times.append((time.perf_counter() - t0) * 1000)
                print(json.dumps({"p50": statistics.median(times), "shape": list(y.shape), "params": sum(p.numel() for p in model.parameters())}))
                """);
        Process p = new ProcessBuilder(python, dir.resolve("bench.py").toString(), dir.toString(), Integer.toString(Math.min(runs, 100)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the torch side failed: " + out);
        }
        JsonNode torch = Json.MAPPER.readTree(out.substring(out.lastIndexOf('{')));
        double ours = Bench.pct(javaTimes, 50);
        System.out.printf("Shape inference of a %d-layer network — %s, %d cores%n%n", layers, java.time.Instant.now(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("Java shape inference + validation : p50 %7.3f ms  p99 %7.3f ms   target ≤ 5 ms%n", ours, Bench.pct(javaTimes, 99));
        System.out.printf("baseline: warm torch meta forward : p50 %7.3f ms   (Java is %.1f× faster; target ≥ 20×)%n",
                torch.path("p50").asDouble(), torch.path("p50").asDouble() / ours);
        System.out.printf("agreement: parameters Java %d, torch %d%n", analysis.parameters().orElseThrow(), torch.path("params").asLong());

        // a drawing twenty times bigger, analysed cold (first sight of it), as the editor meets a pasted graph
        JsonNode huge = chain(10_000);
        List<Double> hugeTimes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            inference.analyze(huge);
            hugeTimes.add((System.nanoTime() - t0) / 1e6);
        }
        System.out.printf("10,000 layers, first analysis     : %7.1f ms, median of 5 %7.1f ms   target ≤ 1000 ms (%.0f× the %d-layer p50)%n",
                hugeTimes.get(0), Bench.pct(hugeTimes, 50), Bench.pct(hugeTimes, 50) / ours, layers);
    }

    /** Input [16, 32, 32] → (Conv2d 3×3 → BatchNorm2d → ReLU) × n → Output. */
    static JsonNode chain(int layers) {
        ObjectNode arch = Json.MAPPER.createObjectNode().put("name", "deep chain");
        ObjectNode ls = arch.putObject("layers");
        ObjectNode cs = arch.putObject("connections");
        ls.putObject("in").put("type", "Input").putObject("arguments").putArray("shape").add(16).add(32).add(32);
        String previous = "in";
        String[] types = {"Conv2d", "BatchNorm2d", "ReLU"};
        for (int i = 0; i < layers; i++) {
            String id = "l" + i;
            ObjectNode layer = ls.putObject(id).put("type", types[i % 3]);
            ObjectNode a = layer.putObject("arguments");
            if (i % 3 == 0) {
                a.put("out_channels", 16).put("kernel_size", 3).put("padding", 1);
            }
            cs.putObject("k" + i).set("from", Json.MAPPER.createObjectNode().put("layer", previous));
            ((ObjectNode) cs.get("k" + i)).set("to", Json.MAPPER.createObjectNode().put("layer", id));
            previous = id;
        }
        ls.putObject("out").put("type", "Output").putObject("arguments");
        cs.putObject("kout").set("from", Json.MAPPER.createObjectNode().put("layer", previous));
        ((ObjectNode) cs.get("kout")).set("to", Json.MAPPER.createObjectNode().put("layer", "out"));
        return arch;
    }
}
