package org.deepforge.ops.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of the long-lived Python analysis process ({@code python -u -m deepforge.analysis}): JSON lines
 * over stdin/stdout, one request at a time. The process is started on first use and started again
 * if it dies or stops answering. Parse results are cached by code.
 */
public final class Analysis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Analysis.class);
    private static final String EOF = "\u0000eof";

    private final String python;
    private final Path pythonPath;
    private final Duration timeout;
    private final Map<String, JsonNode> parses = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JsonNode> eldest) {
            return size() > 2048;
        }
    });
    private Process process;
    private OutputStream stdin;
    private BlockingQueue<String> lines;
    private long nextId;
    private int starts;

    public Analysis(String python, Path pythonPath, Duration timeout) {
        this.python = python;
        this.pythonPath = pythonPath;
        this.timeout = timeout;
    }

    /** The interface of operation code ({@code name}: the class to pick when there are several). */
    public JsonNode parse(String code, String name) {
        String key = digest(name + "\u0000" + code);
        JsonNode cached = parses.get(key);
        if (cached != null) {
            return cached;
        }
        ObjectNode request = Json.MAPPER.createObjectNode().put("type", "parse").put("code", code);
        if (name != null) {
            request.put("name", name);
        }
        JsonNode result = call(request);
        parses.put(key, result);
        return result;
    }

    /** Applies one interface edit to code; returns {@code {"code", "interface"}}. */
    public JsonNode edit(String code, String name, JsonNode edit) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("type", "edit").put("code", code);
        if (name != null) {
            request.put("name", name);
        }
        request.set("edit", edit);
        return call(request);
    }

    /** Which of these Python packages the interpreter can import. */
    public JsonNode requirements(List<String> packages) {
        ObjectNode request = Json.MAPPER.createObjectNode().put("type", "requirements");
        packages.forEach(request.putArray("packages")::add);
        return call(request);
    }

    /** Any request the analysis process understands (e.g. {@code import_model}, {@code layer_shapes}). */
    public JsonNode request(ObjectNode request) {
        return call(request.deepCopy());
    }

    public JsonNode ping() {
        return call(Json.MAPPER.createObjectNode().put("type", "ping"));
    }

    /** How many times the process was (re)started. */
    public synchronized int starts() {
        return starts;
    }

    /** Sends one request; restarts the process and retries once if it died or hung. */
    synchronized JsonNode call(ObjectNode request) {
        try {
            return attempt(request);
        } catch (ProcessFailure first) {
            LOG.warn("analysis process failed ({}); restarting it", first.getMessage());
            stop();
            try {
                return attempt(request);
            } catch (ProcessFailure second) {
                stop();
                throw new AnalysisException("the Python analysis process is not working: " + second.getMessage()
                        + " (interpreter " + python + ")", false);
            }
        }
    }

    private JsonNode attempt(ObjectNode request) {
        ensureStarted();
        long id = ++nextId;
        request.put("id", id);
        try {
            stdin.write((Json.compact(request) + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new ProcessFailure("could not write to it: " + e.getMessage());
        }
        while (true) {
            String line;
            try {
                line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProcessFailure("interrupted");
            }
            if (line == null) {
                throw new ProcessFailure("no answer within " + timeout.toSeconds() + " s");
            }
            if (line.equals(EOF)) {
                throw new ProcessFailure("it exited");
            }
            JsonNode response;
            try {
                response = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                LOG.warn("analysis process printed a non-JSON line: {}", line);
                continue;
            }
            if (response.path("id").asLong(-1) != id) {
                continue; // a late answer to a request that timed out
            }
            if (!response.path("ok").asBoolean(false)) {
                throw new AnalysisException(response.path("error").asText("the analysis failed"), true);
            }
            return response.path("result");
        }
    }

    private void ensureStarted() {
        if (process != null && process.isAlive()) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(python, "-u", "-m", "deepforge.analysis");
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> !List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR").contains(k));
        env.put("PYTHONPATH", pythonPath.toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("PYTHONIOENCODING", "utf-8");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ProcessFailure("cannot start " + python + ": " + e.getMessage());
        }
        starts++;
        stdin = process.getOutputStream();
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        lines = queue;
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    queue.add(line);
                }
            } catch (IOException e) {
                LOG.debug("analysis stdout closed: {}", e.toString());
            }
            queue.add(EOF);
        }, "analysis-stdout");
        reader.setDaemon(true);
        reader.start();
        Thread errors = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    LOG.warn("analysis: {}", line);
                }
            } catch (IOException e) {
                LOG.debug("analysis stderr closed: {}", e.toString());
            }
        }, "analysis-stderr");
        errors.setDaemon(true);
        errors.start();
    }

    private void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** For tests: the running process, if any. */
    synchronized Process process() {
        return process;
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            try {
                stdin.close();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
            process = null;
        }
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The process died, hung or could not be started. */
    private static final class ProcessFailure extends RuntimeException {
        ProcessFailure(String message) {
            super(message);
        }
    }
}
