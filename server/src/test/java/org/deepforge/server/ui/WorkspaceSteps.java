package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.Browser.testId;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** What the Workspace browser tests share: a local session started, console cells, the explorer, the trainer. */
final class WorkspaceSteps {
    /** A real kernel starting, importing torch and training on a busy 2-core machine. */
    static final Duration SESSION = Duration.ofSeconds(180);

    private WorkspaceSteps() {
    }

    /** From a project page: opens the Workspace and starts a local session; waits until it is idle. */
    static void startLocalSession(Browser ui, String project) {
        ui.click("rail-workspace");
        ui.waitFor("sessions-empty");
        new Select(ui.waitFor("session-adapter")).selectByValue("local");
        ui.click("session-start");
        ui.waitFor("session-view");
        ui.until("the session ready", SESSION, d -> "idle".equals(ui.attributeOf("[data-testid='session-view']", "data-state")));
        assertThat(ui.path()).startsWith("/p/" + project + "/main/workspace/");
    }

    /** Runs {@code code} as a console cell with Shift+Enter. */
    static void run(Browser ui, String code) {
        WebElement input = ui.waitFor("console-input");
        input.sendKeys(code);
        input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
    }

    /** Saves the console variable {@code variable} as the artifact {@code name} with "Save a variable…"; its id. */
    static String saveVariable(Browser ui, String variable, String name) {
        ui.click("console-save-toggle");
        ui.type("console-save-variable", variable);
        ui.type("console-save-name", name);
        ui.click("console-save-submit");
        WebElement saved = ui.until("the variable saved", SESSION, d -> d.findElements(testId("console-save-saved")).stream().findFirst().orElse(null));
        assertThat(ui.waitFor("console-save-link").getText()).isEqualTo(name);
        return saved.getDomAttribute("data-artifact");
    }

    /** Loads the artifact {@code artifact} into the variable {@code variable} with the explorer. */
    static void load(Browser ui, String artifact, String variable) {
        ui.until("the artifact listed", SESSION,
                d -> !d.findElements(By.cssSelector("[data-testid='explorer-artifact'] option[value='" + artifact + "']")).isEmpty());
        new Select(ui.waitFor("explorer-artifact")).selectByValue(artifact);
        ui.type("explorer-variable", variable);
        ui.click("explorer-load");
    }

    /** Explores {@code expression} as an image; waits for the image and returns the shape the explorer describes. */
    static String exploreImage(Browser ui, String expression) {
        ui.type("explorer-expression", expression);
        new Select(ui.waitFor("explorer-plot")).selectByValue("image");
        ui.click("explorer-explore");
        ui.until("the slice as an image", SESSION,
                d -> !d.findElements(By.cssSelector("[data-testid='explorer-result'] [data-testid='explore-image'] img")).isEmpty());
        assertThat(ui.driver.findElements(testId("explorer-error"))).isEmpty();
        return text(ui.driver, "[data-testid='explorer-result'] [data-testid='describe-shape']");
    }

    /** Fills the trainer: {@code data}, {@code architecture}, CrossEntropyLoss, Adam with lr 1e-3, batch size 16. */
    static void setUpTrainer(Browser ui, String data, String architecture, int epochs) {
        ui.type("trainer-data", data);
        new Select(ui.waitFor("trainer-architecture")).selectByVisibleText(architecture);
        new Select(ui.waitFor("trainer-loss")).selectByValue("CrossEntropyLoss");
        new Select(ui.waitFor("trainer-optimizer")).selectByValue("Adam");
        ui.type("trainer-optimizer-arg-lr", "1e-3");
        ui.type("trainer-batch-size", "16");
        ui.type("trainer-epochs", String.valueOf(epochs));
    }

    /** The points of the shown training's loss chart (0 while there is none). */
    static int lossPoints(WebDriver d) {
        return d.findElements(By.cssSelector("[data-testid='training-chart'][data-metric='loss']")).stream()
                .mapToInt(c -> Integer.parseInt(c.getDomAttribute("data-points"))).max().orElse(0);
    }

    /** Saves the shown training's model as the artifact {@code name}; the "saved" link, its artifact in data-artifact. */
    static WebElement saveModel(Browser ui, String name) {
        ui.type("trainer-save-name", name);
        ui.click("trainer-save-submit");
        WebElement saved = ui.until("the saved artifact", SESSION, d -> d.findElements(testId("trainer-save-saved")).stream().findFirst().orElse(null));
        assertThat(saved.getText()).contains(name);
        return saved;
    }

    /** The text of an output of kind {@code testid} of the cell whose code is {@code code} ("" while there is none). */
    static String cellOutput(WebDriver d, String code, String testid) {
        for (WebElement cell : d.findElements(testId("cell"))) {
            if (cell.findElement(By.cssSelector(".cell-code")).getText().equals(code)) {
                return cell.findElements(testId(testid)).stream().map(e -> e.getText().strip()).findFirst().orElse("");
            }
        }
        return "";
    }

    /** The state of the cell whose code starts with {@code code} (null while there is none). */
    static String cellState(WebDriver d, String code) {
        return d.findElements(testId("cell")).stream().filter(c -> c.findElement(By.cssSelector(".cell-code")).getText().startsWith(code))
                .map(c -> c.getDomAttribute("data-state")).findFirst().orElse(null);
    }

    static String text(WebDriver d, String css) {
        return d.findElements(By.cssSelector(css)).stream().map(WebElement::getText).findFirst().orElse(null);
    }
}
