package org.deepforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;

/**
 * {@code bench/run preview}: the preview of a large numpy array over loopback HTTP — the first request (a sandboxed
 * Python maps the file and streams over it for min/max/mean) and the cached ones (read from {@code <data>/previews}),
 * the first and cached 2-D slice, and the server's resident memory before and after (the server must not read the
 * array: the sandboxed process does, through {@code np.load(mmap_mode="r")}).
 *
 * <pre>bench/run preview [--mib N] [--rounds N]</pre>
 * Baseline in the same run: plain {@code /usr/bin/python3} loading the whole array with {@code np.load} and computing
 * the same statistics (no sandbox, no HTTP, no cache).
 */
final class PreviewBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PreviewBench() {
    }

    static void main(String[] args) throws Exception {
        int mib = 100;
        int rounds = 5;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --mib N, --rounds N");
            }
        }
        Path data = Files.createTempDirectory("deepforge-preview-bench");
        Path npy = data.resolve("big.npy");
        int planes = mib / 4; // float32 planes of 1024 × 1024 = 4 MiB each
        python("import numpy as np\n"
                + "a = np.lib.format.open_memmap('" + npy + "', mode='w+', dtype=np.float32, shape=(" + planes + ", 1024, 1024))\n"
                + "for i in range(" + planes + "): a[i] = np.random.default_rng(i).standard_normal((1024, 1024), dtype=np.float32)\n"
                + "a.flush()\n");
        System.out.printf("Preview of a %.0f MiB numpy array (float32, %d × 1024 × 1024) over loopback HTTP — %s, %d cores, java %s%n",
                Files.size(npy) / 1048576.0, planes, Instant.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));

        App app = App.start(ServerConfig.builder(data.resolve("server")).python("/usr/bin/python3").examples(false).build());
        try {
            String base = "http://127.0.0.1:" + app.port() + "/api/v1";
            String p = Json.MAPPER.readTree(send(HttpRequest.newBuilder(URI.create(base + "/projects"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Bench\",\"empty\":true}")))).get("id").asText();
            String a = Json.MAPPER.readTree(send(HttpRequest.newBuilder(URI.create(base + "/projects/" + p
                    + "/branches/main/artifacts?name=big&type=numpy.ndarray")).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(npy)))).get("id").asText();
            String preview = base + "/projects/" + p + "/artifacts/" + a + "/preview";
            String slice = preview + "/slice?index=" + (planes / 2);

            System.gc();
            long rssBefore = status("VmRSS");
            long hwmBefore = status("VmHWM");
            long t0 = System.nanoTime();
            JsonNode first = Json.MAPPER.readTree(get(preview));
            double firstMs = (System.nanoTime() - t0) / 1e6;
            List<Double> cached = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                long t = System.nanoTime();
                get(preview);
                cached.add((System.nanoTime() - t) / 1e6);
            }
            t0 = System.nanoTime();
            JsonNode s = Json.MAPPER.readTree(get(slice));
            double sliceMs = (System.nanoTime() - t0) / 1e6;
            List<Double> sliceCached = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                long t = System.nanoTime();
                get(slice);
                sliceCached.add((System.nanoTime() - t) / 1e6);
            }
            long rssAfter = status("VmRSS");
            long hwmAfter = status("VmHWM");

            long b0 = System.nanoTime();
            String baseline = python("import numpy as np\na = np.load('" + npy + "')\nprint(float(a.min()), float(a.max()), float(a.mean(dtype=np.float64)))\n");
            double baselineMs = (System.nanoTime() - b0) / 1e6;

            JsonNode stats = first.path("preview").path("stats");
            System.out.printf("shape %s, dtype %s, min %.4f max %.4f mean %.6f (plain numpy: %s)%n", first.path("preview").path("shape"),
                    first.path("preview").path("dtype").asText(), stats.path("min").asDouble(), stats.path("max").asDouble(),
                    stats.path("mean").asDouble(), baseline.strip());
            System.out.printf("preview, first request (sandboxed Python, mmap)   : %8.0f ms   target ≤ 2000 ms after the first request%n", firstMs);
            System.out.printf("preview, cached (median of %d)                     : %8.1f ms   target ≤ 2000 ms%n", rounds, median(cached));
            System.out.printf("slice [%d, :, :] first (256 × 256 of 1024 × 1024)  : %8.0f ms%n", planes / 2, sliceMs);
            System.out.printf("slice, cached (median of %d)                       : %8.1f ms  (%d × %d values)%n", rounds, median(sliceCached),
                    s.path("rows").size(), s.path("rows").path(0).size());
            System.out.printf("baseline: plain python3, np.load + min/max/mean   : %8.0f ms%n", baselineMs);
            System.out.printf("server RSS before %d MiB, after %d MiB (growth %+d MiB); peak RSS before %d MiB, after %d MiB "
                    + "(the array is %d MiB)%n", rssBefore >> 10, rssAfter >> 10, (rssAfter - rssBefore) >> 10, hwmBefore >> 10,
                    hwmAfter >> 10, Files.size(npy) >> 20);
        } finally {
            app.close();
        }
    }

    private static String send(HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private static String get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)));
    }

    /** A field of /proc/self/status in KiB (this JVM is the server). */
    private static long status(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static String python(String code) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", code).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("python failed: " + out);
        }
        return out;
    }
}
