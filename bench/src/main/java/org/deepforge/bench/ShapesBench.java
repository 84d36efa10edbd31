package org.deepforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deepforge.model.Json;
import org.deepforge.nn.codegen.PyTorchCode;
import org.deepforge.library.ArchitectureAnalysis;
import org.deepforge.nn.shapes.ShapeInference;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;

/**
 * Shape inference plus validation in Java — in process, and as the editor gets it: {@code POST
 * …/analysis/architecture} to a real server over loopback HTTP — against a warm torch meta-device
 * forward of the same network (its generated code) in the same run; for the 70-layer redshift network
 * and a 500-layer chain; then a 10,000-layer network in process. The editor asks after every edit, so
 * the headline figure is an edit: each request changes one argument (early, middle or late in the
 * network, to a value not sent before); the same architecture sent again is shown beside it.
 */
final class ShapesBench {
    private ShapesBench() {}

    /** At most this many rounds of warm-up edits before the merge patches are measured. */
    private static final int WARMUP_ROUNDS = 4;
    /** Merge patches timed between two blocks of torch forwards (a third as many). */
    private static final int BLOCK = 30;

    /** Latencies (ms) of one way of asking. */
    private record Series(String how, List<Double> ms) {
        double p(double pct) {
            return Bench.pct(ms, pct);
        }
    }

    /** One network's figures. */
    private record Figures(String name, int layers, long parameters, int bodyBytes, List<Series> series, TorchFigures torch) {}

    /** The baseline's median forward (ms), how many forwards it is the median of, and the parameters torch counts. */
    private record TorchFigures(double p50, int forwards, long parameters) {}

    /** An argument the benchmark edits: layer (by name) and argument. */
    private record Edit(String layer, String argument) {}

    static void main(String[] args) throws Exception {
        int layers = Bench.intArg(args, "--layers", 500);
        int runs = Bench.intArg(args, "--runs", 300);
        int warmup = Bench.intArg(args, "--warmup", 2000);
        String python = System.getenv().getOrDefault("DEEPFORGE_PYTHON", "/usr/bin/python3");
        ShapeInference inference = new ShapeInference();
        Path data = Files.createTempDirectory("deepforge-shapes-bench");
        List<Figures> figures = new ArrayList<>();
        try (App app = App.start(ServerConfig.builder(data.resolve("server")).python(python).build())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + app.port();
            String project = Json.MAPPER.readTree(send(http, base + "/api/v1/projects",
                    "{\"name\":\"shapes bench\",\"empty\":true}".getBytes(StandardCharsets.UTF_8))).get("id").asText();
            String route = "/api/v1/projects/" + project + "/analysis/architecture";
            try (LoopbackClient client = new LoopbackClient(app.port())) {
                figures.add(measure("redshift inception", RedshiftNet.build(),
                        List.of(new Edit("conv1", "out_channels"), new Edit("inception3_5x5", "out_channels"), new Edit("fc1", "out_features")),
                        inference, client, http, base + route, route, runs, warmup, python, data, "torch.zeros(2, 5, 64, 64, device=\"meta\")"));
                figures.add(measure(layers + "-layer chain", chain(layers),
                        List.of(new Edit("l0", "out_channels"), new Edit("l" + (layers / 6) * 3, "out_channels"), new Edit("l" + (layers - 2) / 3 * 3, "out_channels")),
                        inference, client, http, base + route, route, runs, warmup, python, data, "torch.zeros(2, 16, 32, 32, device=\"meta\")"));
            }
        }

        System.out.printf("Shape inference — %s, %d cores, Java %s; p50/p95 of %d, after %d warm-up requests%n%n", java.time.Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), runs, warmup);
        for (Figures f : figures) {
            double torch = f.torch().p50();
            System.out.printf("%s (%d layers, %,d parameters, torch counts %,d; request %,d bytes)%n", f.name(), f.layers(), f.parameters(),
                    f.torch().parameters(), f.bodyBytes());
            for (Series s : f.series()) {
                System.out.printf("  %-62s: p50 %7.3f ms  p95 %7.3f ms  (%5.1f× faster than torch)%n", s.how(), s.p(50), s.p(95), torch / s.p(50));
            }
            System.out.printf("  %-62s: p50 %7.3f ms%n", "baseline: warm torch meta-device forward (median of " + f.torch().forwards() + ")", torch);
        }
        Series redshift = figures.get(0).series().get(3);
        Series chain = figures.get(1).series().get(3);
        double redshiftTorch = figures.get(0).torch().p50();
        System.out.printf("%ntargets (an edit over HTTP, as the editor sends it): redshift p50 ≤ 2 ms: %s; ≥ 10× torch: %s (%.1f×); %d layers p50 ≤ 10 ms: %s%n",
                verdict(redshift.p(50) <= 2), verdict(redshiftTorch / redshift.p(50) >= 10), redshiftTorch / redshift.p(50),
                figures.get(1).layers(), verdict(chain.p(50) <= 10));

        // a drawing twenty times bigger, analysed cold (first sight of it), as the editor meets a pasted graph
        JsonNode huge = chain(10_000);
        List<Double> hugeTimes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            new ShapeInference().analyze(huge);
            hugeTimes.add((System.nanoTime() - t0) / 1e6);
        }
        System.out.printf("10,000 layers in process, first analysis: %7.1f ms, median of 5 %7.1f ms   target ≤ 1000 ms%n",
                hugeTimes.get(0), Bench.pct(hugeTimes, 50));
    }

    private static String verdict(boolean met) {
        return met ? "met" : "NOT met";
    }

    /**
     * The editor's round trips: the architecture sent whole once, then each edit as a merge patch of the
     * last analysed one (its id from the answer before); the first patched answer is checked against the
     * whole analysis of the same architecture.
     */
    private static List<Double> patches(JsonNode architecture, List<Edit> edits, LoopbackClient client, String route, byte[] body,
                                        int warmup, int runs, Torch torch, List<Double> torchTimes) throws Exception {
        String id = client.send("POST", route, body).analysisId();
        JsonNode check = Json.MAPPER.readTree(client.post(route, body));
        ObjectNode current = (ObjectNode) architecture.deepCopy();
        LoopbackClient.Answer first = client.send("PATCH", route + "/" + id, patch(current, edits, 0, 100_000));
        JsonNode changes = Json.MAPPER.readTree(first.body()).get("changes");
        ObjectNode applied = (ObjectNode) check.deepCopy();
        for (String part : new String[] {"shapes", "layers"}) {
            ((ObjectNode) applied.get(part)).setAll((ObjectNode) changes.get(part));
        }
        applied.set("parameters", changes.get("parameters"));
        if (!applied.equals(Json.MAPPER.readTree(client.post(route, Json.compact(current).getBytes(StandardCharsets.UTF_8))))) {
            throw new IllegalStateException("the analysis from the changes differs from the whole analysis: " + changes);
        }
        String[] last = {Json.MAPPER.readTree(first.body()).get("id").asText()};
        // rounds of warm-up edits until the JIT is nearly done with this route (it compiles for less than a
        // tenth of a round's wall time), at most WARMUP_ROUNDS: a lab's server has been running for days
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
            long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < warmup; i++) {
                int n = round * warmup + i;
                last[0] = Json.MAPPER.readTree(client.send("PATCH", route + "/" + last[0], patch(current, edits, n, 3000 + n)).body()).get("id").asText();
            }
            double jitShare = (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0) / ((System.nanoTime() - t0) / 1e6);
            System.out.printf("  warm-up round %d of %,d edits as merge patches: JIT compiling %.0f %% of the round%n", round + 1, warmup, 100 * jitShare);
            if (jitShare < 0.1) {
                break;
            }
        }
        List<byte[]> measured = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            measured.add(patch(current, edits, i, 2 + i));
        }
        // in blocks, each followed by a block of torch forwards: a busy moment of the machine weighs on both sides
        List<Double> ms = new ArrayList<>();
        for (int from = 0; from < runs; from += BLOCK) {
            ms.addAll(time(measured.subList(from, Math.min(runs, from + BLOCK)),
                    b -> last[0] = Json.MAPPER.readTree(client.send("PATCH", route + "/" + last[0], b).body()).get("id").asText()));
            torchTimes.addAll(torch.forwards(Math.max(1, Math.min(runs - from, BLOCK) / 3)));
        }
        return ms;
    }

    /** The merge patch of edit {@code n} with {@code value}, also applied to {@code current}. */
    private static byte[] patch(ObjectNode current, List<Edit> edits, int n, int value) {
        Edit edit = edits.get(n % edits.size());
        String id = apply(current, edit, value);
        ObjectNode patch = Json.MAPPER.createObjectNode();
        patch.putObject("layers").putObject(id).putObject("arguments").put(edit.argument(), value);
        return Json.compact(patch).getBytes(StandardCharsets.UTF_8);
    }

    /** The architecture with edit {@code n} applied: edits take turns; value {@code value}. */
    private static ObjectNode edited(JsonNode architecture, List<Edit> edits, int n, int value) {
        ObjectNode copy = (ObjectNode) architecture.deepCopy();
        apply(copy, edits.get(n % edits.size()), value);
        return copy;
    }

    /** Sets the edit's argument to {@code value} in {@code architecture}; the id of the layer (named by id or name). */
    private static String apply(ObjectNode architecture, Edit edit, int value) {
        for (var it = architecture.get("layers").properties().iterator(); it.hasNext(); ) {
            var layer = it.next();
            if (layer.getKey().equals(edit.layer()) || layer.getValue().path("name").asText().equals(edit.layer())) {
                ((ObjectNode) layer.getValue().get("arguments")).put(edit.argument(), value);
                return layer.getKey();
            }
        }
        throw new IllegalArgumentException("no layer " + edit.layer());
    }

    private interface Ask {
        void ask(byte[] body) throws Exception;
    }

    /** {@code count} requests of {@code bodies}, timed one by one. */
    private static List<Double> time(List<byte[]> bodies, Ask ask) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (byte[] body : bodies) {
            long t0 = System.nanoTime();
            ask.ask(body);
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        return ms;
    }

    private static Figures measure(String name, JsonNode architecture, List<Edit> edits, ShapeInference inference, LoopbackClient client,
                                   HttpClient http, String url, String route, int runs, int warmup, String python, Path dir, String example)
            throws Exception {
        ArchitectureAnalysis analysis = inference.analyze(architecture);
        if (!analysis.errors().isEmpty()) {
            throw new IllegalStateException(name + ": " + analysis.errors().get(0).message());
        }
        byte[] body = Json.compact(architecture).getBytes(StandardCharsets.UTF_8);
        String expected = Json.compact(analysis.toJson());
        String first = client.post(route, body);
        if (!Json.compact(Json.MAPPER.readTree(first)).equals(expected)) {
            throw new IllegalStateException(name + ": the server's analysis differs from the in-process one:\n" + first);
        }
        // warm-up values (1000+) are never measured values (2…), so a measured edit is new to the server
        List<byte[]> warm = new ArrayList<>();
        List<byte[]> measured = new ArrayList<>();
        for (int i = 0; i < warmup; i++) {
            warm.add(Json.compact(edited(architecture, edits, i, 1000 + i)).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < runs; i++) {
            measured.add(Json.compact(edited(architecture, edits, i, 2 + i)).getBytes(StandardCharsets.UTF_8));
        }
        List<byte[]> same = java.util.Collections.nCopies(runs, body);
        for (byte[] b : warm) {
            client.post(route, b);
            inference.analyze(Json.MAPPER.readTree(b));
        }
        for (int i = 0; i < warmup / 10; i++) {
            send(http, url, body);
        }
        try (Torch torch = new Torch(python, dir, architecture, analysis, example)) {
            List<Double> torchTimes = new ArrayList<>();
            List<Series> series = new ArrayList<>();
            series.add(new Series("Java in process, an edit (parse + analyse + JSON)",
                    time(measured, b -> inference.analyze(Json.MAPPER.readTree(b)).toJsonBytes())));
            series.add(new Series("Java in process, the same architecture again", time(same, b -> inference.analyze(Json.MAPPER.readTree(b)).toJsonBytes())));
            series.add(new Series("HTTP loopback, an edit (browser's headers, keep-alive)", time(measured, b -> client.post(route, b))));
            series.add(new Series("HTTP loopback, an edit as a merge patch (what the editor sends)",
                    patches(architecture, edits, client, route, body, warmup, runs, torch, torchTimes)));
            series.add(new Series("HTTP loopback, the same architecture again", time(same, b -> client.post(route, b))));
            List<byte[]> more = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                more.add(Json.compact(edited(architecture, edits, i, 2 + runs + i)).getBytes(StandardCharsets.UTF_8));
            }
            series.add(new Series("HTTP loopback, an edit, JDK HttpClient (for reference)", time(more, b -> send(http, url, b))));

            return new Figures(name, architecture.path("layers").size(), analysis.parameters().orElseThrow(), body.length, series,
                    new TorchFigures(Bench.pct(torchTimes, 50), torchTimes.size(), torch.parameters()));
        }
    }

    /**
     * The baseline: the network's generated module in a Python process of its own, on torch's meta
     * device, warmed by 20 forwards; asked for timed forwards in blocks between the Java blocks.
     */
    private static final class Torch implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;
        private final long parameters;

        Torch(String python, Path dir, JsonNode architecture, ArchitectureAnalysis analysis, String example) throws Exception {
            Map<String, Map<String, JsonNode>> inferred = new HashMap<>();
            analysis.layers().forEach((id, info) -> inferred.put(id, info.inferred()));
            Path netDir = Files.createTempDirectory(dir, "net");
            Files.writeString(netDir.resolve("net.py"), new PyTorchCode().generate(architecture, inferred));
            Files.writeString(netDir.resolve("bench.py"), """
                    import json, sys, time
                    import torch
                    sys.path.insert(0, sys.argv[1])
                    import net
                    cls = [c for c in vars(net).values() if isinstance(c, type) and issubclass(c, torch.nn.Module) and c is not torch.nn.Module][0]
                    model = cls().to("meta")
                    x = %s
                    for _ in range(20):
                        model(x)
                    print(json.dumps({"params": sum(p.numel() for p in model.parameters())}), flush=True)
                    for line in sys.stdin:  # a count: that many timed forwards
                        times = []
                        for _ in range(int(line)):
                            t0 = time.perf_counter()
                            model(x)
                            times.append((time.perf_counter() - t0) * 1000)
                        print(json.dumps(times), flush=True)
                    """.formatted(example));
            process = new ProcessBuilder(python, netDir.resolve("bench.py").toString(), netDir.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            parameters = Json.MAPPER.readTree(answer()).path("params").asLong();
        }

        long parameters() {
            return parameters;
        }

        /** {@code count} timed forwards, in ms. */
        List<Double> forwards(int count) throws IOException {
            in.write(count + "\n");
            in.flush();
            List<Double> ms = new ArrayList<>();
            Json.MAPPER.readTree(answer()).forEach(t -> ms.add(t.asDouble()));
            return ms;
        }

        private String answer() throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("the torch side failed (its error output is above)");
            }
            return line;
        }

        @Override
        public void close() throws Exception {
            in.close();
            process.waitFor();
        }
    }

    private static String send(HttpClient http, String url, byte[] body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
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
