package org.deepforge.server.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium driven through the system chromedriver (never Selenium Manager), with helpers
 * that find elements by {@code data-testid} and wait for them explicitly.
 */
public final class Browser implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    /** Kept so the setting sticks: Selenium's "no CDP implementation matching <version>" warning is noise here. */
    private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    static {
        CDP_LOG.setLevel(Level.SEVERE);
    }

    private final String baseUrl;
    private final Path profile;
    private final ChromeDriverService service;
    public final ChromeDriver driver;

    public Browser(String baseUrl) throws IOException {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.profile = Files.createTempDirectory("deepforge-chrome");
        // the explicit driver executable and browser binary keep Selenium Manager from running at all
        this.service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver d;
        try {
            d = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteProfile();
            throw e;
        }
        this.driver = d;
    }

    /** Loads {@code path} (e.g. "/" or "/p/x/main/pipelines") from the server, like typing it in the address bar. */
    public Browser open(String path) {
        driver.get(baseUrl + path);
        return this;
    }

    /** The path (and query) the browser shows now. */
    public String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
    }

    public static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    /** Waits until {@code condition} returns something other than null/false; stale elements are retried. */
    public <T> T until(String what, Function<WebDriver, T> condition) {
        WebDriverWait wait = new WebDriverWait(driver, TIMEOUT);
        wait.ignoring(StaleElementReferenceException.class);
        wait.withMessage(() -> what + " (at " + path() + "; toasts: " + toastTexts() + ")");
        return wait.until(condition);
    }

    /** Like {@link #until(String, Function)} with a longer limit (jobs that run real Python, say). */
    public <T> T until(String what, Duration timeout, Function<WebDriver, T> condition) {
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.ignoring(StaleElementReferenceException.class);
        wait.withMessage(() -> what + " (at " + path() + "; toasts: " + toastTexts() + ")");
        return wait.until(condition);
    }

    /**
     * Waits until the elements stand still (the same place in two looks half a second apart): a layout running in a worker
     * may still be placing nodes, and a drag aimed at a moving handle misses, as a person's would.
     */
    public void untilStill(WebElement... elements) {
        String[] last = {""};
        until("the canvas to settle", Duration.ofSeconds(30), d -> {
            StringBuilder now = new StringBuilder();
            for (WebElement e : elements) {
                now.append(e.getRect().getPoint()).append(' ');
            }
            boolean still = now.toString().equals(last[0]); // the wait looks again every 500 ms
            last[0] = now.toString();
            return still ? Boolean.TRUE : null;
        });
    }

    /** The value of {@code attribute} of the first element matching {@code css}, or null when there is none. */
    public String attributeOf(String css, String attribute) {
        try {
            List<WebElement> found = driver.findElements(By.cssSelector(css));
            return found.isEmpty() ? null : found.get(0).getDomAttribute(attribute);
        } catch (StaleElementReferenceException e) {
            return null;
        }
    }

    /** Waits for a visible element with this test id. */
    public WebElement waitFor(String testid) {
        return until("visible [data-testid=" + testid + "]", d -> d.findElements(testId(testid)).stream()
                .filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** Waits until no element with this test id is on the page. */
    public void waitGone(String testid) {
        until("no [data-testid=" + testid + "]", d -> d.findElements(testId(testid)).isEmpty());
    }

    /** Clicks the first visible, enabled element with this test id. */
    public void click(String testid) {
        clickWhere("[data-testid=" + testid + "]", d -> d.findElements(testId(testid)));
    }

    /** Clicks {@code child} inside the first element matching {@code row}. */
    public void clickIn(By row, String child) {
        clickWhere(child + " in " + row, d -> {
            List<WebElement> rows = d.findElements(row);
            return rows.isEmpty() ? List.of() : rows.get(0).findElements(testId(child));
        });
    }

    /** Clicks {@code child} inside the {@code rowTestId} element whose text contains {@code rowText}. */
    public void clickIn(String rowTestId, String rowText, String child) {
        clickWhere(child + " in " + rowTestId + " '" + rowText + "'", d -> {
            WebElement row = findRow(rowTestId, rowText);
            return row == null ? List.of() : row.findElements(testId(child));
        });
    }

    /** Clicks the first visible, enabled element matching a CSS selector. */
    public void clickSelector(String css) {
        clickWhere(css, d -> d.findElements(By.cssSelector(css)));
    }

    private void clickWhere(String what, Function<WebDriver, List<WebElement>> candidates) {
        until("clickable " + what, d -> {
            for (WebElement e : candidates.apply(d)) {
                if (e.isDisplayed() && e.isEnabled()) {
                    try {
                        e.click();
                        return true;
                    } catch (ElementClickInterceptedException covered) {
                        dismissToasts(); // a toast sits over the element; clear them and try again
                        return false;
                    }
                }
            }
            return false;
        });
    }

    /** Replaces the text of the input with this test id by {@code text}, as a user would (select all, type). */
    public void type(String testid, String text) {
        WebElement input = until("enabled input [data-testid=" + testid + "]", d -> d.findElements(testId(testid)).stream()
                .filter(e -> e.isDisplayed() && e.isEnabled()).findFirst().orElse(null));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
        until("input [data-testid=" + testid + "] to read '" + text + "'",
                d -> text.equals(d.findElement(testId(testid)).getDomProperty("value")));
    }

    /** Like {@link #type(String, String)} for the first visible, enabled element {@code by} finds. */
    public void typeInto(By by, String text) {
        WebElement input = until("enabled input " + by, d -> d.findElements(by).stream()
                .filter(e -> e.isDisplayed() && e.isEnabled()).findFirst().orElse(null));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
        until("input " + by + " to read '" + text + "'", d -> text.equals(d.findElement(by).getDomProperty("value")));
    }

    /** Every element with this test id now (no waiting). */
    public List<WebElement> rows(String testid) {
        return driver.findElements(testId(testid));
    }

    /** The texts of every element with this test id now; empty when an element went stale meanwhile. */
    public List<String> texts(String testid) {
        return texts(driver, testid);
    }

    public static List<String> texts(SearchContext scope, String testid) {
        try {
            return scope.findElements(testId(testid)).stream().map(WebElement::getText).toList();
        } catch (StaleElementReferenceException e) {
            return List.of();
        }
    }

    /** The first {@code rowTestId} element whose text contains {@code text}, or null. */
    public WebElement findRow(String rowTestId, String text) {
        for (WebElement row : driver.findElements(testId(rowTestId))) {
            if (row.getText().contains(text)) {
                return row;
            }
        }
        return null;
    }

    /** Waits for a {@code rowTestId} element whose text contains {@code text}. */
    public WebElement waitForRow(String rowTestId, String text) {
        return until(rowTestId + " containing '" + text + "'", d -> findRow(rowTestId, text));
    }

    /** Waits until no {@code rowTestId} element contains {@code text}. */
    public void waitNoRow(String rowTestId, String text) {
        until("no " + rowTestId + " containing '" + text + "'", d -> findRow(rowTestId, text) == null);
    }

    /** Waits for a toast whose text contains {@code text}; returns its text. */
    public String waitForToast(String text) {
        return until("a toast containing '" + text + "'", d -> toastTexts().stream().filter(t -> t.contains(text))
                .findFirst().orElse(null));
    }

    public List<String> toastTexts() {
        return texts("toast");
    }

    /** Messages of the error toasts showing now. */
    public List<String> errorToasts() {
        try {
            return driver.findElements(By.cssSelector("[data-testid='toast'][data-kind='error']")).stream()
                    .map(WebElement::getText).toList();
        } catch (StaleElementReferenceException e) {
            return List.of();
        }
    }

    /** Clicks every toast away (a click dismisses one). */
    public void dismissToasts() {
        ((JavascriptExecutor) driver).executeScript(
                "document.querySelectorAll(\"[data-testid='toast']\").forEach(t => t.click());");
    }

    /** Browser console messages at SEVERE level since the last call. */
    public List<String> consoleErrors() {
        try {
            return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
        } catch (RuntimeException e) {
            return List.of("(console log unavailable: " + e + ")");
        }
    }

    public void back() {
        driver.navigate().back();
    }

    public void reload() {
        driver.navigate().refresh();
    }

    /** Saves a PNG of the viewport; never throws (a failed screenshot must not hide a test's own failure). */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            File png = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(png.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("screenshot " + file + " failed: " + e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } catch (RuntimeException e) {
            // already gone
        } finally {
            service.stop();
            deleteProfile();
        }
    }

    private void deleteProfile() {
        try {
            Files.walkFileTree(profile, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Chromium may still hold a file for a moment; a temp dir left behind is harmless
        }
    }
}
