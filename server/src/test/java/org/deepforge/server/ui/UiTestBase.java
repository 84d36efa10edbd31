package org.deepforge.server.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What every browser test class shares: one real server for the class, the browsers a test opens (the
 * first is screenshotted into target/screenshots/&lt;test&gt;.png, all are closed, console errors reported).
 */
abstract class UiTestBase {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static TestServer server;

    /** The browsers this test opened; the first one is screenshotted, all are closed afterwards. */
    final List<Browser> browsers = new ArrayList<>();
    String testName;
    /** Set by a test that took its screenshot itself at a better moment than the end. */
    boolean screenshotTaken;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void name(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeBrowsers() {
        if (!browsers.isEmpty() && !screenshotTaken) {
            browsers.get(0).screenshot(SCREENSHOTS.resolve(testName + ".png"));
        }
        for (Browser b : browsers) {
            List<String> console = b.consoleErrors();
            if (!console.isEmpty()) {
                System.err.println(testName + ": browser console errors: " + console);
            }
            b.close();
        }
    }

    Browser browser() throws Exception {
        Browser b = new Browser(server.url("/"));
        browsers.add(b);
        return b;
    }
}
