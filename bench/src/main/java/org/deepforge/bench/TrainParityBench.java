package org.deepforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deepforge.model.Json;
import org.deepforge.nn.codegen.PyTorchCode;
import org.deepforge.library.ArchitectureAnalysis;
import org.deepforge.nn.shapes.ShapeInference;

/**
 * Does generated code train as fast as hand-written? The redshift network's module as DeepForge generates
 * it (shape inference, then the code generator: what {@code GET …/code} answers) against the same network
 * written by hand, trained on CPU from the same weights on the same batches (train_parity.py).
 */
final class TrainParityBench {
    private TrainParityBench() {}

    static void main(String[] args) throws Exception {
        String python = System.getenv().getOrDefault("DEEPFORGE_PYTHON", "/usr/bin/python3");
        JsonNode architecture = RedshiftNet.build();
        ArchitectureAnalysis analysis = new ShapeInference().analyze(architecture);
        if (!analysis.errors().isEmpty()) {
            throw new IllegalStateException(analysis.errors().get(0).message());
        }
        Map<String, Map<String, JsonNode>> inferred = new HashMap<>();
        analysis.layers().forEach((id, info) -> inferred.put(id, info.inferred()));
        Path dir = Files.createTempDirectory("deepforge-train-parity");
        Files.writeString(dir.resolve("generated.py"), new PyTorchCode().generate(architecture, inferred));
        try (InputStream script = TrainParityBench.class.getResourceAsStream("train_parity.py")) {
            Files.write(dir.resolve("train_parity.py"), script.readAllBytes());
        }
        List<String> command = new ArrayList<>(List.of(python, dir.resolve("train_parity.py").toString(),
                "--generated", dir.resolve("generated.py").toString(),
                "--batch", Integer.toString(Bench.intArg(args, "--batch", 8)),
                "--rounds", Integer.toString(Bench.intArg(args, "--rounds", 41)),
                "--steps", Integer.toString(Bench.intArg(args, "--steps", 3))));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the training run failed: " + out);
        }
        JsonNode r = Json.MAPPER.readTree(out.substring(out.lastIndexOf('{')));
        System.out.printf("Training parity, redshift network (%d layers, %,d parameters) — %s, %d cores, torch %s, %d thread(s), CPU%n",
                architecture.path("layers").size(), r.path("parameters").asLong(), Instant.now(),
                Runtime.getRuntime().availableProcessors(), r.path("torch").asText(), r.path("threads").asInt());
        System.out.printf("batch %d, %d rounds × %d SGD steps each, alternating (round 0 untimed); generated code in %s%n%n",
                r.path("batch").asInt(), r.path("rounds").asInt(), r.path("steps_per_round").asInt(), dir.resolve("generated.py"));
        System.out.printf("generated module : %6.3f steps/s%n", r.path("generated_steps_per_s").asDouble());
        System.out.printf("hand-written     : %6.3f steps/s%n", r.path("hand_steps_per_s").asDouble());
        List<String> rounds = new ArrayList<>();
        r.path("round_ratios").forEach(x -> rounds.add(String.format("%.3f", x.asDouble())));
        System.out.printf("throughput ratio generated / hand-written: %.3f (median of round pairs %s; ratio of medians %.3f)   target ≥ 0.98: %s%n",
                r.path("ratio").asDouble(), rounds, r.path("ratio_of_medians").asDouble(), r.path("ratio").asDouble() >= 0.98 ? "met" : "NOT met");
        System.out.printf("losses identical at every step: %s (largest difference %s; loss %.4f → %.4f)%n",
                r.path("losses_identical").asBoolean() ? "yes" : "NO", r.path("max_loss_difference").asText(),
                r.path("first_loss").asDouble(), r.path("last_loss").asDouble());
        System.out.println("GPU: this machine has none; the ratio on a GPU is not measured here");
    }
}
