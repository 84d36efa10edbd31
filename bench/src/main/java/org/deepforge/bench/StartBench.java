package org.deepforge.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/run start}: how long the server takes from {@code java -jar deepforge.jar serve} to a healthy
 * {@code /health}, on a data directory that already holds projects (the start of every day, not the first
 * one). Each jar gets a data directory of its own, made by a first start of that jar plus a few projects;
 * then rounds alternate between the jars (so a busy moment of the machine hits both alike), and the median
 * of each is reported.
 *
 * <pre>bench/run start [--jar PATH]... [--rounds N] [--projects N] [--cds] [-- JVM-OPTIONS...]</pre>
 * Without {@code --jar}: {@code cli/target/deepforge.jar}. Another build to compare with is a second {@code --jar}
 * (e.g. the landed main's, built in a worktree of its own). {@code --cds} also measures each jar as the
 * {@code deepforge} launcher starts it: with a class-data-sharing archive of the classes a start loads, written
 * by one start with {@code -XX:ArchiveClassesAtExit} beforehand. Beside the wall time, the CPU time the server's
 * JVM used until then (all its threads), which a busy machine disturbs less.
 */
final class StartBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A way to start the server: a jar, and the JVM options it gets. */
    private record Variant(String name, Path jar, List<String> jvm, Path data) {}

    /** One start: wall seconds to a healthy /health, and the JVM's CPU seconds by then. */
    private record Start(double seconds, double cpu) {}

    private StartBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> jars = new ArrayList<>();
        List<String> jvm = new ArrayList<>();
        int rounds = 5;
        int projects = 5;
        boolean cds = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jars.add(Path.of(args[++i]).toAbsolutePath());
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--projects" -> projects = Integer.parseInt(args[++i]);
                case "--cds" -> cds = true;
                case "--" -> {
                    jvm.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --jar PATH (repeatable), --rounds N, --projects N, --cds, -- JVM-OPTIONS");
            }
        }
        if (jars.isEmpty()) {
            jars.add(Path.of("cli/target/deepforge.jar").toAbsolutePath());
        }
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException(jar + " is not there; build it first (mvn -B -q package -DskipTests)");
            }
        }
        Path work = Files.createTempDirectory("deepforge-start-bench");
        System.out.printf("Server start to a healthy /health on an existing data directory (%d projects) — %s, %d cores, "
                + "java %s%n", projects, Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        if (!jvm.isEmpty()) {
            System.out.println("JVM options: " + String.join(" ", jvm));
        }
        List<Variant> variants = new ArrayList<>();
        for (int j = 0; j < jars.size(); j++) {
            Path data = work.resolve("data-" + j);
            prepare(jars.get(j), jvm, data, projects, work.resolve("prepare-" + j + ".log"));
            variants.add(new Variant(jars.get(j).toString(), jars.get(j), jvm, data));
            if (cds) {
                Path archive = work.resolve("classes-" + j + ".jsa");
                List<String> dump = new ArrayList<>(jvm);
                dump.add("-XX:ArchiveClassesAtExit=" + archive);
                startOnce(jars.get(j), dump, data, work.resolve("archive-" + j + ".log"));
                if (!Files.isRegularFile(archive)) {
                    throw new IllegalStateException("no CDS archive written: " + Files.readString(work.resolve("archive-" + j + ".log")));
                }
                List<String> use = new ArrayList<>(jvm);
                use.add("-XX:SharedArchiveFile=" + archive);
                variants.add(new Variant(jars.get(j) + " +CDS", jars.get(j), use, data));
            }
        }
        Map<Variant, List<Start>> times = new LinkedHashMap<>();
        variants.forEach(v -> times.put(v, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (Variant v : variants) {
                Start start = startOnce(v.jar(), v.jvm(), v.data(), work.resolve("round-" + r + "-" + variants.indexOf(v) + ".log"));
                times.get(v).add(start);
                System.out.printf("round %d  %-66s %6.2f s  (CPU %5.2f s)%n", r + 1, v.name(), start.seconds(), start.cpu());
            }
        }
        System.out.println();
        System.out.printf("%-66s %8s %8s %8s %10s%n", "server", "median", "min", "max", "CPU median");
        for (Map.Entry<Variant, List<Start>> e : times.entrySet()) {
            double[] t = e.getValue().stream().mapToDouble(Start::seconds).toArray();
            double[] cpu = e.getValue().stream().mapToDouble(Start::cpu).toArray();
            System.out.printf("%-66s %7.2fs %7.2fs %7.2fs %9.2fs%n", e.getKey().name(), DagBench.median(t),
                    Arrays.stream(t).min().orElse(0), Arrays.stream(t).max().orElse(0), DagBench.median(cpu));
        }
        System.out.println("target: a median of at most 2 s (issue 17); logs of every start in " + work);
    }

    /** A first start (unpacks the runtime, creates the database and the examples), then {@code projects} more projects. */
    private static void prepare(Path jar, List<String> jvm, Path data, int projects, Path log) throws Exception {
        int port = freePort();
        Process server = start(jar, jvm, data, port, log);
        try {
            awaitHealthy(server, port, log, Duration.ofMinutes(3));
            for (int i = 0; i < projects; i++) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/projects"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Start bench " + i + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 != 2) {
                    throw new IllegalStateException("creating a project failed: " + r.statusCode() + " " + r.body());
                }
            }
        } finally {
            stop(server);
        }
    }

    /** From starting the process to the first 200 of {@code /health}. */
    private static Start startOnce(Path jar, List<String> jvm, Path data, Path log) throws Exception {
        int port = freePort();
        long t0 = System.nanoTime();
        Process server = start(jar, jvm, data, port, log);
        try {
            awaitHealthy(server, port, log, Duration.ofMinutes(2));
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = server.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
            return new Start(seconds, cpu);
        } finally {
            stop(server);
        }
    }

    private static Process start(Path jar, List<String> jvm, Path data, int port, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--data-dir=" + data, "--port=" + port));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until the server answers /health (throws with its log if it exits or {@code limit} passes). */
    static void awaitHealthy(Process server, int port, Path log, Duration limit) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10); // the poll period bounds the measurement's resolution
        }
        throw new IllegalStateException("no healthy /health within " + limit + ":\n" + Files.readString(log));
    }

    private static void stop(Process server) throws InterruptedException {
        server.destroy(); // SIGTERM: the shutdown hook closes the store and the database as a user's Ctrl-C does
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
