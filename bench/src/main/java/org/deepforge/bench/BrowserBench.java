package org.deepforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.deepforge.model.Json;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;

/**
 * Big graphs in headless Chromium against a real server: how long an architecture or a pipeline takes
 * from navigation to drawn (nodes laid out on screen) and to interactive (a click made as the graph appeared
 * would have selected a node: the driver's own delay in sending its click is not the page's, see {@link #measure}),
 * and the frames per second while the canvas is panned by a mouse drag and zoomed by the wheel.
 *
 * <p>Times are read in the page ({@code performance.now()}, zero at navigation start) by a probe that
 * Chromium runs before the app's own scripts; it only looks at the DOM, so it measures any build of the
 * UI the same way. The baseline is the same benchmark against another UI build: put a directory holding
 * {@code webapp/} first on the class path ({@code UI_DIR=… bench/run browser}).
 */
final class BrowserBench {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    /** Records when the first laid-out node is on screen and when a node is first selected; counts frames. */
    private static final String PROBE = """
            (() => {
              const p = window.__bench = { drawn: null, selected: null, input: null, handled: null, frames: 0, gaps: [], long: [] };
              // the benchmark's click: when the browser took it in (the event's time stamp), when the page's first
              // listener saw it (the main thread free again), to tell the driver's delay from the page's own
              addEventListener('pointerdown', (e) => {
                if (p.input === null) { p.input = e.timeStamp; p.handled = performance.now(); }
              }, true);
              try {
                new PerformanceObserver((l) => l.getEntries().forEach((e) => p.long.push([Math.round(e.startTime), Math.round(e.duration)])))
                    .observe({ type: 'longtask', buffered: true });
              } catch (e) { /* no long-task timing in this browser */ }
              let last = 0;
              const visible = (n) => n.offsetWidth > 0 && getComputedStyle(n).visibility !== 'hidden';
              const tick = (t) => {
                p.frames++;
                if (last) p.gaps.push(t - last);
                last = t;
                if (p.drawn === null) {
                  // the canvas says every node is placed; only then is a node's box asked for (which makes the browser
                  // lay the page out at once: done each frame from the start, that cost the page 25-45 ms)
                  const canvas = document.querySelector('[data-graph-ready]');
                  const n = canvas && canvas.getAttribute('data-graph-ready') !== 'false' && document.querySelector('.react-flow__node');
                  if (n && visible(n)) p.drawn = performance.now();
                }
                if (p.selected === null && document.querySelector('.react-flow__node.selected')) p.selected = performance.now();
                requestAnimationFrame(tick);
              };
              requestAnimationFrame(tick);
            })();
            """;

    record Case(String name, String path, int nodes) {}

    /**
     * {@code interactive}: when a click made as the graph appeared would have selected a node (see {@link #measure});
     * {@code driverClick}: when the benchmark's own click, sent through the driver after it saw the graph, selected one.
     */
    record Result(Case c, double drawn, double interactive, double driverClick, int rendered, double panFps, double zoomFps,
                  double worstFrame, int overlaps) {}

    private final HttpClient http = HttpClient.newHttpClient();
    private String api;

    private BrowserBench() {}

    static void main(String[] args) throws Exception {
        int runs = Bench.intArg(args, "--runs", 3);
        boolean profiling = java.util.Arrays.asList(args).contains("--profile");
        try {
            new BrowserBench().run(runs, profiling);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    void run(int runs, boolean profiling) throws Exception {
        Path data = Files.createTempDirectory("deepforge-browser-bench");
        App app = App.start(ServerConfig.builder(data).build());
        String base = "http://127.0.0.1:" + app.port();
        api = base + "/api/v1";
        ChromeDriver driver = null;
        Path profile = Files.createTempDirectory("deepforge-bench-chrome");
        ChromeDriverService service = chromeDriverService();
        try {
            System.out.printf("DeepForge browser benchmark — %s, %d cores, Chromium headless 1280×800, UI from %s%n",
                    java.time.Instant.now(), Runtime.getRuntime().availableProcessors(), App.class.getResource("/webapp/index.html"));
            String project = post("/projects", "{\"name\":\"big graphs\"}").get("id").asText();
            List<Case> cases = createGraphs(project);

            driver = chromium(service, profile);
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
            driver.get(base + cases.get(0).path()); // warm-up: scripts cached, the editors' chunks loaded
            waitDrawn(driver);
            driver.get(base + cases.get(2).path());
            waitDrawn(driver);

            List<Result> results = new ArrayList<>();
            for (Case c : cases) {
                List<Result> rs = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    rs.add(measure(driver, base + c.path(), c, i == runs - 1));
                }
                if (profiling) {
                    profileOpening(driver, base, c);
                }
                rs.sort((a, b) -> Double.compare(a.interactive(), b.interactive()));
                Result median = rs.get(rs.size() / 2);
                results.add(median);
                System.out.printf("  %-28s runs (interactive ms): %s%n", c.name(),
                        rs.stream().map(r -> String.format("%.0f", r.interactive())).toList());
            }
            System.out.println();
            System.out.printf("%-28s %6s %10s %15s %14s %9s %9s %12s %9s %9s%n", "graph", "nodes", "drawn ms", "interactive ms",
                    "driver click", "pan fps", "zoom fps", "worst frame", "rendered", "overlaps");
            for (Result r : results) {
                System.out.printf("%-28s %6d %10.0f %15.0f %14.0f %9.1f %9.1f %9.0f ms %9d %9d%n", r.c().name(), r.c().nodes(), r.drawn(),
                        r.interactive(), r.driverClick(), r.panFps(), r.zoomFps(), r.worstFrame(), r.rendered(), r.overlaps());
            }
            System.out.println("(medians of " + runs + " runs by interactive time; target: interactive ≤ 1000 ms, pan/zoom ≥ 30 fps;"
                    + " interactive = when a click made as the graph was drawn is answered (the main thread free, plus what the"
                    + " benchmark's click took from arriving to the selection); driver click = when the benchmark's click, sent"
                    + " through chromedriver after it saw the graph, selected a node; rendered = node elements in the DOM at the"
                    + " end, overlaps = overlapping pairs among them)");
        } finally {
            if (driver != null) {
                driver.quit();
            }
            service.stop();
            app.close();
        }
    }

    /**
     * {@code --profile}: one more opening of the case under the browser's sampling profiler (from the project
     * list, a same-site page, so the renderer process stays), written to bench/target/profile-<case>.cpuprofile
     * (open it in Chromium's DevTools; bench/profile-summary.py lists where the time went).
     */
    private static void profileOpening(ChromeDriver driver, String base, Case c) throws Exception {
        driver.get(base + "/");
        driver.executeCdpCommand("Profiler.enable", Map.of());
        driver.executeCdpCommand("Profiler.setSamplingInterval", Map.of("interval", 200));
        driver.executeCdpCommand("Profiler.start", Map.of());
        driver.get(base + c.path());
        waitDrawn(driver);
        Map<String, Object> result = driver.executeCdpCommand("Profiler.stop", Map.of());
        Path out = Path.of("bench", "target", "profile-" + c.name().replaceAll("[^A-Za-z0-9]+", "-") + ".cpuprofile");
        Files.createDirectories(out.getParent());
        Files.writeString(out, Json.MAPPER.writeValueAsString(result.get("profile")));
        System.out.println("  profile: " + out);
    }

    /** Headless Chromium as the UI tests start it (1280×800), its console kept. */
    static ChromeDriver chromium(ChromeDriverService service, Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + profile);
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        java.util.logging.Logger.getLogger("org.openqa.selenium.devtools").setLevel(Level.SEVERE);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return driver;
    }

    static ChromeDriverService chromeDriverService() {
        return new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    }

    /** One fresh navigation: drawn, click → selected, then a drag pan and a wheel zoom with frames counted. */
    Result measure(ChromeDriver driver, String url, Case c, boolean screenshot) throws Exception {
        driver.get("about:blank");
        driver.get(url);
        JavascriptExecutor js = driver;
        double drawn = waitDrawn(driver);
        // click the node nearest the canvas centre, as soon as something is drawn: near its left edge, half way
        // down (its body, away from its ports at top and bottom and from edge labels); a node drawn tiny in its middle.
        // A click that did not select is tried again.
        @SuppressWarnings("unchecked")
        List<Number> point = (List<Number>) js.executeScript("""
                const pane = document.querySelector('.react-flow').getBoundingClientRect();
                const cx = pane.left + pane.width / 2, cy = pane.top + pane.height / 2;
                let best = null, bd = Infinity;
                for (const n of document.querySelectorAll('.react-flow__node')) {
                  const r = n.getBoundingClientRect();
                  if (r.width === 0 || r.top < pane.top || r.bottom > pane.bottom || r.left < pane.left || r.right > pane.right) continue;
                  const x = r.width < 40 ? r.left + r.width / 2 : r.left + 10, y = r.top + r.height / 2;
                  const hit = document.elementFromPoint(x, y);
                  if (!hit || !n.contains(hit)) continue;
                  const d = Math.hypot(r.left + r.width / 2 - cx, r.top + r.height / 2 - cy);
                  if (d < bd) { bd = d; best = [Math.round(x), Math.round(y)]; }
                }
                return best;""");
        if (point == null) {
            throw new IllegalStateException(c.name() + ": no node on screen to click");
        }
        Number selected = null;
        for (int attempt = 0; attempt < 3 && selected == null; attempt++) {
            new Actions(driver).moveToLocation(point.get(0).intValue(), point.get(1).intValue()).click().perform();
            selected = (Number) js.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const until = performance.now() + 15000;
                    const wait = () => window.__bench.selected !== null ? done(window.__bench.selected)
                        : performance.now() > until ? done(null) : requestAnimationFrame(wait);
                    wait();""");
        }
        if (selected == null) {
            Path png = Path.of("bench", "target", "browser-failed.png");
            Files.createDirectories(png.getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("clicked at " + point + "; viewport " + js.executeScript("return document.querySelector('.react-flow__viewport').style.transform"));
            throw new IllegalStateException(c.name() + ": three clicks on a node did not select it");
        }
        // The driver's click reaches the page 300-400 ms after the graph is drawn (the script that saw it returns, the
        // point is looked up, the click goes through chromedriver), and the page answers it in a few ms: that delay is
        // the driver's, not the page's. So: when would a click made the moment the graph appeared have been answered?
        // The page takes input in between tasks; the main thread is free from the end of the last long task (over
        // 50 ms, the Long Tasks API; shorter ones delay input by less) that was running after the graph was drawn and
        // before the click came, or from the drawing itself. Then the click takes what the real one took, from
        // arriving to the selection drawn.
        @SuppressWarnings("unchecked")
        List<Number> click = (List<Number>) js.executeScript("""
                const p = window.__bench;
                let free = p.drawn;
                for (const [start, duration] of p.long) {
                  if (start < p.input && start + duration > free) free = start + duration;
                }
                return [p.input, p.handled, free];""");
        double input = click.get(0).doubleValue();
        double free = click.get(2).doubleValue();
        double driverClick = selected.doubleValue();
        double interactive = free + (driverClick - input);
        System.out.printf("    %s: drawn %.0f, main thread free %.0f; the driver's click arrived %.0f, first listener %.0f, selected %.0f"
                + " → interactive %.0f%n", c.name(), drawn, free, input, click.get(1).doubleValue(), driverClick, interactive);

        // pan: drag the empty pane 600 px in 40 steps; zoom: 20 ctrl-wheel notches out and in
        List<Number> spot = findPaneSpot(js);
        double panFps = frames(js, () -> {
            int x = spot.get(0).intValue();
            int y = spot.get(1).intValue();
            int dx = x < 640 ? 15 : -15; // towards the middle of the window, so the drag stays inside it
            int dy = y < 400 ? 12 : -12;
            Actions a = new Actions(driver).moveToLocation(x, y).clickAndHold();
            for (int i = 0; i < 40; i++) {
                a.moveByOffset(i < 20 ? dx : -dx, i < 20 ? dy : -dy).pause(Duration.ofMillis(16));
            }
            a.release().perform();
        });
        double[] worst = {0};
        double zoomFps = frames(js, () -> {
            WheelInput.ScrollOrigin at = WheelInput.ScrollOrigin.fromViewport(640, 400);
            Actions a = new Actions(driver).keyDown(Keys.CONTROL);
            for (int i = 0; i < 20; i++) {
                a.scrollFromOrigin(at, 0, i < 10 ? 60 : -60).pause(Duration.ofMillis(16));
            }
            a.keyUp(Keys.CONTROL).perform();
        });
        worst[0] = ((Number) js.executeScript("return Math.max(0, ...window.__bench.gaps);")).doubleValue();
        @SuppressWarnings("unchecked")
        List<Number> counts = (List<Number>) js.executeScript("""
                const boxes = [...document.querySelectorAll('.react-flow__node')].map(n => n.getBoundingClientRect()).filter(r => r.width > 0);
                let overlaps = 0;
                for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                  const a = boxes[i], b = boxes[j];
                  if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps++;
                }
                return [document.querySelectorAll('.react-flow__node').length, overlaps];""");
        if (screenshot) {
            // where the time went (the last run): page, the model's arrival, the layout worker (marks the UI sets, if any)
            System.out.println("  " + c.name() + ": " + js.executeScript("""
                    const nav = performance.getEntriesByType('navigation')[0];
                    const at = (t) => t === undefined ? '–' : Math.round(t) + ' ms';
                    const res = (part) => performance.getEntriesByType('resource').find(r => r.name.includes(part));
                    const mark = (name) => performance.getEntriesByName(name)[0];
                    const model = res('/model'), layoutStart = mark('graph-layout-start'), layoutEnd = mark('graph-layout-end');
                    const me = res('/api/v1/me'), chunk = res('Editor-'), catalog = res('/catalog/layers');
                    const mounted = mark('editor-render');
                    const long = window.__bench.long.filter(([t]) => t < (window.__bench.drawn ?? Infinity));
                    const analysis = res('/analysis'), problems = res('/problems');
                    return `DOMContentLoaded ${at(nav.domContentLoadedEventEnd)}, /me ${at(me && me.responseEnd)},`
                      + ` model asked ${at(model && model.startTime)} received ${at(model && model.responseEnd)}`
                      + ` (${model ? Math.round(model.decodedBodySize / 1024) : '–'} KiB), editor code ${at(chunk && chunk.responseEnd)},`
                      + ` catalog ${at(catalog && catalog.responseEnd)}, editor renders ${at(mounted && mounted.startTime)},`
                      + ` layout asked ${at(layoutStart && layoutStart.startTime)} done ${at(layoutEnd && layoutEnd.startTime)};`
                      + ` analysis/problems received ${at(analysis && analysis.responseEnd)}/${at(problems && problems.responseEnd)},`
                      + ` drawn ${at(window.__bench.drawn ?? undefined)}; long tasks until drawn (start+ms):`
                      + ` ${long.map(([t, d]) => t + '+' + d).join(' ') || 'none'}`;"""));
            Path png = Path.of("bench", "target", "browser-" + c.name().replaceAll("[^A-Za-z0-9]+", "-") + ".png");
            Files.createDirectories(png.getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Result(c, drawn, interactive, driverClick, counts.get(0).intValue(), panFps, zoomFps, worst[0], counts.get(1).intValue());
    }

    static double waitDrawn(ChromeDriver driver) throws Exception {
        try {
            return drawn(driver);
        } catch (org.openqa.selenium.ScriptTimeoutException e) {
            Path png = Path.of("bench", "target", "browser-failed.png");
            Files.createDirectories(png.getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), png, StandardCopyOption.REPLACE_EXISTING);
            driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().forEach(l -> System.out.println("console: " + l.getMessage()));
            throw new IllegalStateException("nothing drawn at " + driver.getCurrentUrl() + "; screenshot " + png, e);
        }
    }

    static double drawn(ChromeDriver driver) {
        return ((Number) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const wait = () => window.__bench && window.__bench.drawn !== null ? done(window.__bench.drawn) : setTimeout(wait, 5);
                wait();""")).doubleValue();
    }

    /** A point of the canvas where a press lands on the empty pane (so a drag pans instead of moving a node). */
    @SuppressWarnings("unchecked")
    static List<Number> findPaneSpot(JavascriptExecutor js) {
        List<Number> spot = (List<Number>) js.executeScript("""
                const r = document.querySelector('.react-flow').getBoundingClientRect();
                for (let y = r.top + 40; y < r.bottom - 40; y += 17)
                  for (let x = r.left + 40; x < r.right - 120; x += 23) {
                    const e = document.elementFromPoint(x, y);
                    if (e && e.classList.contains('react-flow__pane')) return [Math.round(x), Math.round(y)];
                  }
                return [Math.round(r.left + 20), Math.round(r.top + 20)];""");
        return spot;
    }

    /** Frames per second drawn while {@code action} runs (requestAnimationFrame callbacks / wall time). */
    static double frames(JavascriptExecutor js, Runnable action) {
        js.executeScript("window.__bench.frames = 0; window.__bench.gaps = []; window.__bench.t0 = performance.now();");
        action.run();
        // let the frame that shows the last event come
        js.executeAsyncScript("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));");
        return ((Number) js.executeScript("return window.__bench.frames * 1000 / (performance.now() - window.__bench.t0);")).doubleValue();
    }

    // ---------------------------------------------------------------- the graphs, created over REST

    List<Case> createGraphs(String project) throws Exception {
        ArrayNode patch = Json.MAPPER.createArrayNode();
        patch.add(add("/architectures/inception", inception()));
        patch.add(add("/architectures/resnet1000", residual(1000)));
        for (String op : List.of("Load", "Step", "Merge")) {
            patch.add(add("/operations/" + op, Json.MAPPER.createObjectNode().put("code", operationCode(op))));
        }
        patch.add(add("/pipelines/big", pipeline(2000)));
        ObjectNode body = Json.MAPPER.createObjectNode().put("message", "big graphs");
        body.set("patch", patch);
        post("/projects/" + project + "/branches/main/changes", body.toString());
        String p = "/p/" + project + "/main/";
        return List.of(new Case("inception, 47 layers", p + "architectures/inception", 47),
                new Case("residual, 1,000 layers", p + "architectures/resnet1000", 1000),
                new Case("pipeline, 2,000 nodes", p + "pipelines/big", 2000));
    }

    static ObjectNode add(String path, JsonNode value) {
        ObjectNode op = Json.MAPPER.createObjectNode().put("op", "add").put("path", path);
        op.set("value", value);
        return op;
    }

    /** Builds layers and connections; {@link #layer} returns the new layer's id. */
    static final class ArchBuilder {
        final ObjectNode arch = Json.MAPPER.createObjectNode();
        final ObjectNode layers = arch.putObject("layers");
        final ObjectNode connections = arch.putObject("connections");
        int n;
        int k;

        ArchBuilder(String name) {
            arch.put("name", name);
        }

        String layer(String type, String name, Map<String, Object> args, String... inputs) {
            String id = "l" + (++n);
            ObjectNode l = layers.putObject(id).put("type", type).put("name", name);
            l.set("arguments", Json.MAPPER.valueToTree(args));
            for (int i = 0; i < inputs.length; i++) {
                ObjectNode c = connections.putObject("k" + (++k));
                c.putObject("from").put("layer", inputs[i]).put("output", 0);
                c.putObject("to").put("layer", id).put("input", i);
            }
            return id;
        }
    }

    /** An inception network of 47 layers: a stem, three inception modules of four branches, a head. */
    static ObjectNode inception() {
        ArchBuilder b = new ArchBuilder("inception");
        String x = b.layer("Input", "cube", Map.of("shape", List.of(5, 64, 64)));
        x = b.layer("Conv2d", "stem", Map.of("out_channels", 32, "kernel_size", 3, "padding", 1), x);
        x = b.layer("ReLU", "stem_relu", Map.of(), x);
        for (int m = 1; m <= 3; m++) {
            String p = "inception" + m + "_";
            String b1 = b.layer("ReLU", p + "1x1_relu", Map.of(), b.layer("Conv2d", p + "1x1", Map.of("out_channels", 16, "kernel_size", 1), x));
            String r3 = b.layer("ReLU", p + "3x3_reduce_relu", Map.of(), b.layer("Conv2d", p + "3x3_reduce", Map.of("out_channels", 16, "kernel_size", 1), x));
            String b2 = b.layer("ReLU", p + "3x3_relu", Map.of(), b.layer("Conv2d", p + "3x3", Map.of("out_channels", 16, "kernel_size", 3, "padding", 1), r3));
            String r5 = b.layer("ReLU", p + "5x5_reduce_relu", Map.of(), b.layer("Conv2d", p + "5x5_reduce", Map.of("out_channels", 8, "kernel_size", 1), x));
            String b3 = b.layer("ReLU", p + "5x5_relu", Map.of(), b.layer("Conv2d", p + "5x5", Map.of("out_channels", 8, "kernel_size", 5, "padding", 2), r5));
            String pool = b.layer("MaxPool2d", p + "pool", Map.of("kernel_size", 3, "stride", 1, "padding", 1), x);
            String b4 = b.layer("ReLU", p + "pool_proj_relu", Map.of(), b.layer("Conv2d", p + "pool_proj", Map.of("out_channels", 8, "kernel_size", 1), pool));
            x = b.layer("Concatenate", p + "concat", Map.of("dim", 1), b1, b2, b3, b4);
        }
        x = b.layer("Flatten", "flatten", Map.of(), x);
        b.layer("Output", "out", Map.of(), x);
        return b.arch;
    }

    /** A residual network of exactly {@code total} layers: blocks of conv-bn-relu-conv-bn-add-relu. */
    static ObjectNode residual(int total) {
        ArchBuilder b = new ArchBuilder("resnet" + total);
        String x = b.layer("Input", "image", Map.of("shape", List.of(3, 32, 32)));
        x = b.layer("Conv2d", "stem", Map.of("out_channels", 16, "kernel_size", 3, "padding", 1), x);
        int block = 0;
        while (b.n + 7 + 1 <= total) {
            String p = "block" + (++block) + "_";
            String y = b.layer("Conv2d", p + "conv1", Map.of("out_channels", 16, "kernel_size", 3, "padding", 1), x);
            y = b.layer("BatchNorm2d", p + "bn1", Map.of(), y);
            y = b.layer("ReLU", p + "relu1", Map.of(), y);
            y = b.layer("Conv2d", p + "conv2", Map.of("out_channels", 16, "kernel_size", 3, "padding", 1), y);
            y = b.layer("BatchNorm2d", p + "bn2", Map.of(), y);
            y = b.layer("Add", p + "add", Map.of(), y, x);
            x = b.layer("ReLU", p + "relu2", Map.of(), y);
        }
        while (b.n + 1 < total) {
            x = b.layer("ReLU", "tail" + b.n, Map.of(), x);
        }
        b.layer("Output", "out", Map.of(), x);
        return b.arch;
    }

    static String operationCode(String op) {
        return switch (op) {
            case "Load" -> "class Load:\n    def __init__(self, size: int = 10):\n        self.size = size\n\n"
                    + "    def execute(self):\n        data = list(range(self.size))\n        return data\n";
            case "Step" -> "class Step:\n    def __init__(self, factor: float = 1.0):\n        self.factor = factor\n\n"
                    + "    def execute(self, data):\n        data = [x * self.factor for x in data]\n        return data\n";
            default -> "class Merge:\n    def execute(self, a, b):\n        data = a + b\n        return data\n";
        };
    }

    /**
     * A pipeline of {@code total} nodes as a script would create it (no positions): one Load feeding 20
     * chains of Steps, merged pairwise at their ends.
     */
    static ObjectNode pipeline(int total) {
        ObjectNode p = Json.MAPPER.createObjectNode().put("name", "big");
        ObjectNode nodes = p.putObject("nodes");
        ObjectNode conns = p.putObject("connections");
        int[] k = {0};
        java.util.function.BiConsumer<String[], String[]> connect = (from, to) -> {
            ObjectNode c = conns.putObject("c" + (++k[0]));
            c.putObject("from").put("node", from[0]).put("port", from[1]);
            c.putObject("to").put("node", to[0]).put("port", to[1]);
        };
        nodes.putObject("n0").put("operation", "Load");
        int chains = 20;
        int merges = chains - 1;
        int perChain = (total - 1 - merges) / chains;
        int made = 1;
        List<String> ends = new ArrayList<>();
        for (int c = 0; c < chains; c++) {
            String prev = "n0";
            int length = perChain + (c < (total - 1 - merges) % chains ? 1 : 0);
            for (int i = 0; i < length; i++) {
                String id = "n" + (made++);
                nodes.putObject(id).put("operation", "Step").putObject("attributes").put("factor", 1.0 + i % 7);
                connect.accept(new String[] {prev, "data"}, new String[] {id, "data"});
                prev = id;
            }
            ends.add(prev);
        }
        while (ends.size() > 1) {
            List<String> next = new ArrayList<>();
            for (int i = 0; i + 1 < ends.size(); i += 2) {
                String id = "n" + (made++);
                nodes.putObject(id).put("operation", "Merge");
                connect.accept(new String[] {ends.get(i), "data"}, new String[] {id, "a"});
                connect.accept(new String[] {ends.get(i + 1), "data"}, new String[] {id, "b"});
                next.add(id);
            }
            if (ends.size() % 2 == 1) {
                next.add(ends.get(ends.size() - 1));
            }
            ends = next;
        }
        if (made != total) {
            throw new IllegalStateException("built " + made + " nodes, not " + total);
        }
        return p;
    }

    JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }
}
