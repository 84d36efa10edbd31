package org.deepforge.server.crash;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.deepforge.model.Json;

/**
 * Crash trials against a real server in its own JVM: writers post edits over HTTP to several branches,
 * the JVM is killed ({@code kill -9}: {@link Process#destroyForcibly()}), and the server is started again
 * on the same data directory; some trials also leave a {@code refs/heads/<branch>.lock} behind on purpose
 * while the server is down. After each restart every acknowledged (2xx) edit must be in its branch, every
 * branch must accept a new edit, and {@code git fsck --full} must be clean. Used by CrashRecoveryTest (a
 * few trials) and by {@code bench/run crash} (all of them). No JUnit here, so the bench can run it.
 */
public final class CrashTrials {
    public static final List<String> BRANCHES = List.of("main", "b1", "b2", "b3");
    public static final int WRITERS = 8;
    /** A trial's server is killed after 1 to this many acknowledged edits of the trial. */
    static final int KILL_AFTER_EDITS = 120;

    /** What the trials found; {@link #ok()} when nothing was lost, no branch stayed stuck and fsck was clean. */
    public record Report(int trials, long acknowledged, long lost, int locksPlanted, int locksFoundAfterKill,
                         int locksLeftAfterRestart, int fsckClean, List<String> problems) {
        public boolean ok() {
            return lost == 0 && locksLeftAfterRestart == 0 && fsckClean == trials && problems.isEmpty();
        }
    }

    private final Path dataDir;
    private final String classpath;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    /** Every acknowledged pipeline id, by branch. */
    private final Map<String, Set<String>> acknowledged = new ConcurrentHashMap<>();
    private Process server;
    private int port;
    private String project;

    public CrashTrials(Path dataDir, String classpath, PrintStream log) {
        this.dataDir = dataDir;
        this.classpath = classpath;
        this.log = log;
    }

    /** The classpath of this JVM, as surefire or a plain {@code java -cp/-jar} gave it. */
    public static String ownClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    public Report run(int trials, long seed) throws Exception {
        Random random = new Random(seed);
        log.printf("crash trials: %d, seed %d, %d writers on %d branches, data in %s%n", trials, seed, WRITERS, BRANCHES.size(), dataDir);
        int planted = 0;
        int found = 0;
        int left = 0;
        int clean = 0;
        start();
        project = created(post("/api/v1/projects", "{\"name\":\"Crash\",\"empty\":true}")).get("id").asText();
        for (String b : BRANCHES.subList(1, BRANCHES.size())) {
            created(post("/api/v1/projects/" + project + "/branches", "{\"name\":\"" + b + "\",\"from\":\"main\"}"));
        }
        BRANCHES.forEach(b -> acknowledged.put(b, ConcurrentHashMap.newKeySet()));
        try {
            for (int trial = 0; trial < trials; trial++) {
                long before = total();
                writeThenKill(trial, 1 + random.nextInt(KILL_AFTER_EDITS));
                // odd trials (and a single trial) leave a branch's lock behind, as a crash inside a ref update does
                if (trial % 2 == 1 || trials == 1) {
                    String branch = BRANCHES.get(random.nextInt(BRANCHES.size()));
                    Path lock = repo().resolve("refs/heads/" + branch + ".lock");
                    Files.createDirectories(lock.getParent());
                    Files.writeString(lock, "left behind by crash trial " + trial + "\n");
                    planted++;
                }
                int locks = locks().size();
                found += locks;
                start();
                long lostNow = verify(trial);
                int stillThere = locks().size();
                left += stillThere;
                String fsck = fsckWhenIdle(repo());
                if (fsck.isEmpty()) {
                    clean++;
                } else {
                    problems.add("trial " + trial + ": git fsck --full: " + fsck);
                }
                log.printf("trial %2d: %4d edits acknowledged (%d in all), %d lost, %d lock file(s) after the kill, %d after restart, fsck %s%n",
                        trial, total() - before, total(), lostNow, locks, stillThere, fsck.isEmpty() ? "clean" : "NOT CLEAN");
            }
        } finally {
            stop();
        }
        long lost = lostTotal;
        Report report = new Report(trials, total(), lost, planted, found, left, clean, List.copyOf(problems));
        log.printf("crash: %d trials, %d acknowledged edits, %d lost, %d lock file(s) planted, %d found after kills and recovered "
                        + "(%d left), fsck clean %d/%d, problems: %s%n", trials, report.acknowledged(), lost, planted, found, left,
                clean, trials, problems.isEmpty() ? "none" : problems);
        return report;
    }

    private long lostTotal;
    private int starts;

    private long total() {
        return acknowledged.values().stream().mapToLong(Set::size).sum();
    }

    /**
     * Writers edit until the server has acknowledged {@code killAfterEdits} edits of this trial, then it is killed: a
     * point in the stream of writes drawn at random, independent of how fast the machine is.
     */
    private void writeThenKill(int trial, int killAfterEdits) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acks = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String branch = BRANCHES.get(w % BRANCHES.size());
            String prefix = "t" + trial + "w" + w + "n";
            Thread writer = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String id = prefix + n;
                    String body = "{\"message\":\"" + id + "\",\"patch\":[{\"op\":\"add\",\"path\":\"/pipelines/" + id
                            + "\",\"value\":{\"name\":\"" + id + "\",\"nodes\":{},\"connections\":{}}}]}";
                    try {
                        HttpResponse<String> r = send("POST", "/api/v1/projects/" + project + "/branches/" + branch + "/changes", body);
                        if (r.statusCode() / 100 == 2) {
                            acknowledged.get(branch).add(id);
                            acks.incrementAndGet();
                        } else {
                            problems.add("trial " + trial + ": an edit to " + branch + " got " + r.statusCode() + ": " + r.body()
                                    + " (server log " + starts + ")");
                            return;
                        }
                    } catch (IOException e) {
                        return; // the server is gone: this edit was never acknowledged
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "crash-writer-" + w);
            writer.start();
            writers.add(writer);
        }
        try {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> acks.get() >= killAfterEdits || writers.stream().noneMatch(Thread::isAlive));
        } catch (ConditionTimeoutException e) {
            problems.add("trial " + trial + ": " + acks.get() + " of " + killAfterEdits + " edits acknowledged within 120 s");
        }
        server.destroyForcibly();
        server.waitFor(60, TimeUnit.SECONDS);
        stop.set(true);
        for (Thread t : writers) {
            t.join(120_000);
        }
    }

    /** Checks every branch after a restart; returns how many acknowledged edits are missing. */
    private long verify(int trial) throws Exception {
        long lost = 0;
        for (String branch : BRANCHES) {
            HttpResponse<String> r = send("GET", "/api/v1/projects/" + project + "/model?ref=" + branch, null);
            if (r.statusCode() != 200) {
                problems.add("trial " + trial + ": reading " + branch + " after the restart got " + r.statusCode() + ": " + r.body());
                continue;
            }
            JsonNode pipelines = Json.MAPPER.readTree(r.body()).path("model").path("pipelines");
            for (String id : acknowledged.get(branch)) {
                if (!pipelines.has(id)) {
                    lost++;
                    problems.add("trial " + trial + ": acknowledged edit " + id + " is missing from " + branch);
                }
            }
            String id = "t" + trial + "check" + branch.replace("/", "_");
            HttpResponse<String> edit = send("POST", "/api/v1/projects/" + project + "/branches/" + branch + "/changes",
                    "{\"message\":\"after restart\",\"patch\":[{\"op\":\"add\",\"path\":\"/pipelines/" + id
                            + "\",\"value\":{\"name\":\"check\",\"nodes\":{},\"connections\":{}}}]}");
            if (edit.statusCode() / 100 == 2) {
                acknowledged.get(branch).add(id);
            } else {
                problems.add("trial " + trial + ": " + branch + " refused an edit after the restart: " + edit.statusCode() + " " + edit.body());
            }
        }
        lostTotal += lost;
        return lost;
    }

    private void start() throws Exception {
        Path out = dataDir.resolveSibling(dataDir.getFileName() + "-server-" + (++starts) + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", classpath, CrashServer.class.getName(), dataDir.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        server = pb.start();
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                    .until(() -> portIn(out).isPresent() || !server.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("the server did not start within 180 s:\n" + Files.readString(out));
        }
        Optional<Integer> announced = portIn(out);
        if (announced.isEmpty()) {
            throw new IllegalStateException("the server exited with " + server.exitValue() + ":\n" + Files.readString(out));
        }
        port = announced.get();
    }

    /** The port the server's log announces ({@code PORT n}), once it does. */
    private static Optional<Integer> portIn(Path log) throws IOException {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("PORT "))
                .map(l -> Integer.parseInt(l.substring(5).trim())).findFirst();
    }

    private void stop() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            server.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private Path repo() {
        return dataDir.resolve("projects").resolve(project + ".git");
    }

    /** Lock files in the repository (outside objects/). */
    private List<Path> locks() throws IOException {
        Path repo = repo();
        try (Stream<Path> files = Files.walk(repo)) {
            return files.filter(p -> !p.startsWith(repo.resolve("objects")) && p.getFileName().toString().endsWith(".lock")).toList();
        }
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode created(HttpResponse<String> r) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("setup request failed: " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    /**
     * fsck of the repository of a running server: it folds small packs in the background after edits, and a fsck
     * that lists a pack the fold then deletes reports it ("index not opened"). So a complaint is looked at again,
     * every 2 s for up to 10 s, until fsck is clean; damage stays, a fold in flight does not.
     */
    static String fsckWhenIdle(Path gitDir) throws IOException, InterruptedException {
        AtomicReference<String> complaint = new AtomicReference<>(fsck(gitDir));
        if (!complaint.get().isEmpty()) {
            try {
                await().pollDelay(Duration.ofSeconds(2)).pollInterval(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                        .until(() -> {
                            complaint.set(fsck(gitDir));
                            return complaint.get().isEmpty();
                        });
            } catch (ConditionTimeoutException e) {
                // the complaint stays: damage, not a fold in flight
            }
        }
        return complaint.get();
    }

    /** {@code git fsck --full}'s complaints (empty: clean; dangling objects of unacknowledged edits are fine). */
    public static String fsck(Path gitDir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("git", "--git-dir=" + gitDir, "fsck", "--full", "--no-progress"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "git fsck did not finish within 300 s";
        }
        if (p.exitValue() != 0) {
            return "exit " + p.exitValue() + ": " + out.strip();
        }
        return out.lines().filter(l -> !l.startsWith("dangling") && !l.startsWith("Checking")).reduce("", String::concat);
    }
}
