package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.ArchitectureEditorUiTest.addLayer;
import static org.deepforge.server.ui.ArchitectureEditorUiTest.architecture;
import static org.deepforge.server.ui.ArchitectureEditorUiTest.connect;
import static org.deepforge.server.ui.ArchitectureEditorUiTest.layerOfType;
import static org.deepforge.server.ui.ArchitectureEditorUiTest.nodeAttr;
import static org.deepforge.server.ui.ArchitectureEditorUiTest.select;
import static org.deepforge.server.ui.ArchitectureEditorUiTest.setArg;
import static org.deepforge.server.ui.ArchitectureEditorUiTest.shapeOf;
import static org.deepforge.server.ui.Browser.testId;

import java.util.Arrays;
import java.util.List;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The architecture editor on scikit-learn's kind, driven like a user in headless Chromium: an estimator pipeline drawn
 * from the palette with its feature counts, a predictor put before a transformer shown as an error in place, the
 * generated Pipeline, and palettes that offer only the project's libraries. Screenshots in target/screenshots.
 */
class SklearnEditorUiTest extends UiTestBase {
    static final List<String> SKLEARN_CATEGORIES = List.of("Classifiers", "Regressors", "Preprocessing", "Decomposition", "Clustering");
    static final List<String> PYTORCH_CATEGORIES = List.of("Convolution", "Activation", "Pooling", "Recurrent", "Loss");

    static String createProject(String name, String... libraries) throws Exception {
        String list = String.join(",", Arrays.stream(libraries).map(l -> "\"" + l + "\"").toList());
        TestServer.Reply r = server.post("/api/v1/projects", "{\"name\":\"" + name + "\",\"libraries\":[" + list + "]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** Creates an architecture with "New architecture" (of {@code kind} when the form offers kinds); its id, once open. */
    static String newArchitecture(Browser ui, String name, String kind) {
        ui.waitFor("place-architectures");
        ui.click("new-entry");
        if (kind != null) {
            new Select(ui.waitFor("new-arch-kind")).selectByValue(kind);
        }
        ui.type("new-arch-name", name);
        ui.click("new-arch-create");
        String arch = ui.until("the editor of the new architecture", d -> {
            String p = ui.path();
            int at = p.indexOf("/architectures/");
            return at >= 0 && p.length() > at + 15 ? p.substring(at + 15) : null;
        });
        ui.waitFor("arch-canvas");
        return arch;
    }

    static List<String> paletteCategories(Browser ui) {
        ui.until("the palette filled", d -> !d.findElements(By.cssSelector("[data-testid='layer-palette'] .palette-category")).isEmpty());
        return ui.driver.findElements(By.cssSelector("[data-testid='layer-palette'] .palette-category")).stream()
                .map(e -> e.getDomAttribute("data-category")).toList();
    }

    @Test
    void drawAnEstimatorPipelineWithFeatureCountsAnErrorInPlaceAndItsCode() throws Exception {
        String project = createProject("Digits pipeline", "pytorch", "sklearn");
        Browser ui = browser().open("/p/" + project + "/main/architectures");
        String arch = newArchitecture(ui, "digits", "sklearn-pipeline");
        assertThat(architecture(project, arch).path("kind").asText()).isEqualTo("sklearn-pipeline");
        assertThat(ui.attributeOf("[data-testid='arch-editor']", "data-kind")).isEqualTo("sklearn-pipeline");
        ui.waitForRow("arch-row", "digits");
        assertThat(ui.attributeOf("[data-testid='arch-row'][data-arch-id='" + arch + "'] [data-testid='arch-kind']", "data-kind"))
                .isEqualTo("sklearn-pipeline");

        // the template's Input: 64 features (8×8 digits)
        ui.until("the Input of the template", d -> ui.rows("layer-node").size() == 1);
        String input = layerOfType(project, arch, "Input");
        select(ui, input);
        setArg(ui, "features", "64");
        ui.until("features saved", d -> architecture(project, arch).at("/layers/" + input + "/arguments/features").asInt() == 64);

        String scaler = addLayer(ui, project, arch, "StandardScaler");
        String pca = addLayer(ui, project, arch, "PCA");
        setArg(ui, "n_components", "20");
        ui.until("n_components saved", d -> architecture(project, arch).at("/layers/" + pca + "/arguments/n_components").asInt() == 20);
        // the inspector knows the estimator: its module, and the solver's choices as a select
        assertThat(ui.waitFor("layer-origin").getText()).contains("sklearn.decomposition");
        WebElement solver = ui.driver.findElement(By.cssSelector("[data-testid='layer-inspector'] select[data-arg='svd_solver']"));
        assertThat(new Select(solver).getOptions().stream().map(WebElement::getText).toList()).contains("auto", "full", "arpack", "randomized");
        String logistic = addLayer(ui, project, arch, "LogisticRegression");

        String[] chain = {input, scaler, pca, logistic};
        for (int i = 0; i + 1 < chain.length; i++) {
            connect(ui, project, arch, chain[i], chain[i + 1], i + 1);
        }
        ui.clickSelector(".react-flow__controls-fitview");
        ui.until("20 features after PCA", d -> shapeOf(ui, pca).equals("[N, 20]"));
        assertThat(shapeOf(ui, scaler)).isEqualTo("[N, 64]");
        ui.until("the feature counts on the connections", d -> Browser.texts(d, "edge-shape").containsAll(List.of("[N, 64]", "[N, 20]")));
        ui.until("no problems", d -> "0".equals(d.findElement(testId("arch-problem-count")).getText()));
        assertThat(ui.rows("arch-total-params")).as("estimators have no trainable parameters to count").isEmpty();
        ui.screenshot(SCREENSHOTS.resolve(testName + "-pipeline.png"));

        // the generated code: a Pipeline with the arguments set
        ui.click("view-code");
        String code = ui.until("the generated code", d -> {
            List<WebElement> cm = d.findElements(By.cssSelector("[data-testid='code-panel'] .cm-content"));
            String text = cm.isEmpty() ? "" : cm.get(0).getText();
            return text.contains("Pipeline(") ? text : null;
        });
        assertThat(code).contains("PCA(n_components=20)", "StandardScaler()", "LogisticRegression(");
        assertThat(ui.waitFor("code-title").getText()).isEqualTo("Generated scikit-learn code");
        ui.screenshot(SCREENSHOTS.resolve(testName + "-code.png"));
        ui.click("code-close");

        // a predictor put before a transformer (inserted on the connection into PCA): the error on it, in place
        WebElement edge = ui.until("the connection into PCA", d -> d.findElements(By.cssSelector("[data-testid='arch-edge']")).stream()
                .filter(e -> {
                    String id = e.getDomAttribute("data-connection-id");
                    return architecture(project, arch).at("/connections/" + id + "/to/layer").asText().equals(pca);
                }).findFirst().orElse(null));
        ui.until("the connection selected", d -> {
            new Actions(d).moveToElement(edge.findElement(By.cssSelector("path.react-flow__edge-interaction"))).click().perform();
            return ui.driver.findElement(testId("insert-layer")).isEnabled();
        });
        ui.click("insert-layer");
        ui.waitFor("insert-mode");
        String knn = addLayer(ui, project, arch, "KNeighborsClassifier");
        ui.until("the predictor in error", d -> "true".equals(nodeAttr(ui, knn, "data-error")));
        String message = ui.until("the error under the node", d -> {
            List<WebElement> errs = d.findElements(By.cssSelector("[data-testid='layer-node'][data-layer-id='" + knn + "'] [data-testid='layer-error']"));
            return errs.isEmpty() ? null : errs.get(0).getText();
        });
        assertThat(message).contains("KNeighborsClassifier is a predictor: it must be the last step");
        assertThat(String.join("\n", ui.texts("arch-problem"))).contains("is a predictor");
        ui.screenshot(SCREENSHOTS.resolve(testName + "-error.png"));
        screenshotTaken = true;
    }

    @Test
    void aProjectOfScikitLearnAloneOffersNoPyTorchLayersAndTheOtherWayRound() throws Exception {
        String sklearnOnly = createProject("Estimators only", "sklearn");
        Browser ui = browser().open("/p/" + sklearnOnly + "/main/architectures");
        ui.waitFor("place-architectures");
        assertThat(ui.rows("arch-import-open")).as("importing a PyTorch model needs PyTorch").isEmpty();
        // one kind: no choice to make, the new architecture is an estimator pipeline
        ui.click("new-entry");
        ui.waitFor("new-arch-name");
        assertThat(ui.rows("new-arch-kind")).isEmpty();
        ui.click("new-entry-cancel");
        String arch = newArchitecture(ui, "trees", null);
        assertThat(architecture(sklearnOnly, arch).path("kind").asText()).isEqualTo("sklearn-pipeline");
        List<String> categories = paletteCategories(ui);
        assertThat(categories).containsAll(SKLEARN_CATEGORIES).doesNotContainAnyElementsOf(PYTORCH_CATEGORIES);
        ui.screenshot(SCREENSHOTS.resolve(testName + "-sklearn.png"));

        String torchOnly = server.createProject("Networks only");
        ui.open("/p/" + torchOnly + "/main/architectures");
        ui.waitFor("arch-import-open");
        String net = newArchitecture(ui, "net", null);
        assertThat(architecture(torchOnly, net).has("kind")).as("PyTorch architectures are written as before").isFalse();
        ui.until("an Input and an Output", d -> ui.rows("layer-node").size() == 2);
        assertThat(paletteCategories(ui)).containsAll(PYTORCH_CATEGORIES).doesNotContainAnyElementsOf(SKLEARN_CATEGORIES);
    }
}
