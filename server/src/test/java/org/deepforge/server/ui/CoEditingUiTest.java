package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.deepforge.server.ui.Browser.testId;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.deepforge.model.Json;
import org.deepforge.server.security.Agent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Two people typing into one operation at the same time (docs/collaboration.md): every keystroke of both
 * ends up in both browsers and in git, a third window catches up when it joins mid-way, and presence shows
 * one avatar per person.
 */
class CoEditingUiTest extends UiTestBase {
    static final String PW = "correct horse battery";
    static final String CODE = "class Scale:\n    def execute(self, x):\n        a = 1\n        b = 2\n        return x\n";
    /** How long both type. */
    static final Duration TYPING = Duration.ofSeconds(30);
    /** The typing cadence of each person: one key this often. */
    static final long KEY_EVERY_MS = 120;

    /** Shadows UiTestBase's: two people need a server in accounts mode. */
    @BeforeAll
    static void start() throws Exception {
        server = Agent.accountsServer(true, "root", PW);
    }

    static void signIn(Browser ui, String name) {
        ui.waitFor("login-page");
        ui.type("login-name", name);
        ui.type("login-password", PW);
        ui.click("login-submit");
        ui.until("the account bar to name " + name, d -> d.findElements(testId("account-name")).stream()
                .anyMatch(e -> e.getText().equals(name)));
    }

    /** The editor's text as the person sees it, without the name labels of remote cursors. */
    static String text(Browser ui) {
        return (String) ((JavascriptExecutor) ui.driver).executeScript(
                "return [...document.querySelectorAll(\"[data-testid='op-editor'] .cm-line\")].map(l => {"
                        + " const c = l.cloneNode(true); c.querySelectorAll('.cm-remote-caret').forEach(e => e.remove());"
                        + " return c.textContent; }).join('\\n');");
    }

    static void openScale(Browser ui, String project) {
        ui.open("/p/" + project + "/main/operations/Scale");
        ui.waitFor("op-editor");
        // joined: "saved", or "saving" when others are typing and the latest keystrokes are not in git yet
        ui.until("the shared document", d -> Set.of("saved", "saving").contains(ui.attributeOf("[data-testid='op-save-state']", "data-live")));
    }

    /** Puts the cursor at the end of the line that holds {@code fragment}. */
    static void caretAtEndOf(Browser ui, String fragment) {
        WebElement line = ui.until("the line " + fragment, d -> d.findElements(By.cssSelector("[data-testid='op-editor'] .cm-line")).stream()
                .filter(l -> l.getText().contains(fragment)).findFirst().orElse(null));
        line.click();
        new Actions(ui.driver).sendKeys(Keys.END).perform();
    }

    /** Types one key after another into the focused editor until {@code stop}; returns what it typed. */
    static Thread typist(Browser ui, String alphabet, AtomicBoolean stop, StringBuffer typed, AtomicInteger keys,
                         AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    String key = String.valueOf(alphabet.charAt(i % alphabet.length()));
                    new Actions(ui.driver).sendKeys(key).perform();
                    typed.append(key);
                    keys.incrementAndGet();
                    Thread.sleep(KEY_EVERY_MS); // the typing cadence
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        t.start();
        return t;
    }

    @Test
    void twoPeopleTypingOnDifferentLinesForThirtySecondsEndWithEveryKeystrokeInBothBrowsersAndInGit() throws Exception {
        Agent olivia = Agent.session(server, "olivia", PW, true);
        Agent.session(server, "walt", PW, true);
        String project = olivia.post("/api/v1/projects", "{\"name\":\"Together\",\"empty\":true}").json().get("id").asText();
        assertThat(olivia.send("PUT", "/api/v1/projects/" + project + "/members/walt", "{\"role\":\"writer\"}").status()).isLessThan(300);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("patch").addObject().put("op", "add").put("path", "/operations/Scale").putObject("value").put("code", CODE);
        assertThat(olivia.post("/api/v1/projects/" + project + "/branches/main/changes", Json.compact(body)).status()).isEqualTo(200);

        Browser a = browser().open("/");
        signIn(a, "olivia");
        Browser b = browser().open("/");
        signIn(b, "walt");
        openScale(a, project);
        openScale(b, project);
        a.until("two avatars", d -> d.findElements(testId("presence-avatar")).size() == 2);

        caretAtEndOf(a, "a = 1");
        caretAtEndOf(b, "b = 2");
        AtomicBoolean stop = new AtomicBoolean();
        StringBuffer typedA = new StringBuffer();
        StringBuffer typedB = new StringBuffer();
        AtomicInteger keys = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long started = System.nanoTime();
        Thread ta = typist(a, "0123456789", stop, typedA, keys, failure);
        Thread tb = typist(b, "abcdefghij", stop, typedB, keys, failure);

        // each sees the other's cursor while both type
        a.until("walt's cursor in olivia's editor", d -> !d.findElements(By.cssSelector(".cm-remote-caret[data-user='walt']")).isEmpty());

        // half-way, olivia opens a second window: it catches up with everything typed so far and follows
        await().atMost(TYPING).until(() -> System.nanoTime() - started > TYPING.toNanos() / 2);
        String beforeA = typedA.toString();
        String beforeB = typedB.toString();
        Browser c = browser().open("/");
        signIn(c, "olivia");
        openScale(c, project);
        c.until("the third window to have everything typed before it joined", Duration.ofSeconds(30),
                d -> text(c).contains("a = 1" + beforeA) && text(c).contains("b = 2" + beforeB));
        // two people, three windows: two avatars
        assertThat(c.rows("presence-avatar")).hasSize(2);

        await().atMost(TYPING.plusSeconds(5)).until(() -> System.nanoTime() - started > TYPING.toNanos());
        stop.set(true);
        ta.join();
        tb.join();
        assertThat(failure.get()).isNull();
        assertThat(keys.get()).isGreaterThan(50);

        String expected = CODE.replace("a = 1", "a = 1" + typedA).replace("b = 2", "b = 2" + typedB);
        for (Browser ui : new Browser[] {a, b, c}) {
            ui.until("every keystroke of both in this window", Duration.ofSeconds(60), d -> text(ui).equals(expected));
        }
        // and in git, through the ordinary REST read
        await().atMost(Duration.ofSeconds(30)).until(() -> olivia.get("/api/v1/projects/" + project + "/model?ref=main")
                .json().at("/model/operations/Scale/code").asText(), expected::equals);
        a.until("Saved", d -> "saved".equals(a.attributeOf("[data-testid='op-save-state']", "data-live")));
        assertThat(a.errorToasts()).isEmpty();
        assertThat(b.errorToasts()).isEmpty();

        // walt closes his window: olivia's windows show one avatar within seconds
        browsers.remove(b);
        b.close();
        a.until("one avatar after walt left", d -> d.findElements(testId("presence-avatar")).size() == 1);
        assertThat(a.driver.findElement(testId("presence-avatar")).getDomAttribute("title")).startsWith("olivia");
    }
}
