package org.deepforge.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The bundled catalog of losses and optimizers, and trainer configurations checked against it. */
class TrainingCatalogTest {
    static final TrainingCatalog CATALOG = TrainingCatalog.bundled();

    static ObjectNode config() throws Exception {
        return (ObjectNode) Json.MAPPER.readTree("""
                {"training": "t1", "data": "xy", "architecture": "a1",
                 "loss": {"name": "CrossEntropyLoss", "arguments": {"label_smoothing": 0.1, "weight": [1, 2.5]}},
                 "optimizer": {"name": "Adam", "arguments": {"lr": 0.001, "betas": [0.9, 0.99]}},
                 "batchSize": 32, "epochs": 1, "validationSplit": 0.1, "device": "cpu", "seed": 0}""");
    }

    static void refused(ObjectNode config, String message) {
        assertThatThrownBy(() -> CATALOG.validate(config)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void theBundledCatalogListsTheUsableLossesAndOptimizersWithTheirArguments() {
        JsonNode json = CATALOG.toJson();
        assertThat(json.path("losses").findValuesAsText("name")).contains("CrossEntropyLoss", "MSELoss", "NLLLoss", "BCEWithLogitsLoss")
                .doesNotContain("CTCLoss", "TripletMarginLoss", "_Loss");
        assertThat(CATALOG.optimizers().stream().map(TrainingCatalog.Entry::name)).contains("Adam", "SGD", "RMSprop")
                .doesNotContain("Optimizer", "LBFGS", "SparseAdam");
        TrainingCatalog.Entry adam = CATALOG.optimizer("Adam").orElseThrow();
        assertThat(adam.doc()).isNotBlank();
        assertThat(adam.argument("params")).isEmpty();
        assertThat(adam.argument("lr").orElseThrow().defaultValue().asDouble()).isEqualTo(0.001);
        assertThat(adam.argument("betas").orElseThrow().type()).isEqualTo("tuple");
        TrainingCatalog.Entry ce = CATALOG.loss("CrossEntropyLoss").orElseThrow();
        assertThat(ce.kind()).contains("classification");
        assertThat(ce.labels()).contains("int64");
        assertThat(ce.argument("weight").orElseThrow().type()).isEqualTo("tensor");
        assertThat(CATALOG.loss("MSELoss").orElseThrow().kind()).contains("regression");
        JsonNode entry = json.path("optimizers").get(0);
        assertThat(entry.has("name") && entry.has("doc") && entry.path("arguments").get(0).has("default")
                && entry.path("arguments").get(0).has("type")).isTrue();
    }

    @Test
    void aCompleteConfigurationAndOneWithOnlyTheRequiredFieldsAreAccepted() throws Exception {
        assertThatCode(() -> CATALOG.validate(config())).doesNotThrowAnyException();
        ObjectNode minimal = (ObjectNode) Json.MAPPER.readTree("""
                {"data": "xy", "architecture": "a1", "loss": {"name": "MSELoss"}, "optimizer": {"name": "SGD", "arguments": {"lr": 1}}}""");
        assertThatCode(() -> CATALOG.validate(minimal)).doesNotThrowAnyException();
    }

    @Test
    void unknownLossesOptimizersArgumentsAndFieldsAreRefusedByName() throws Exception {
        ObjectNode c = config();
        ((ObjectNode) c.get("loss")).put("name", "SquaredLoss");
        refused(c, "unknown loss \"SquaredLoss\"; choose one of");
        c = config();
        ((ObjectNode) c.get("optimizer")).put("name", "LBFGS");
        refused(c, "unknown optimizer \"LBFGS\"");
        c = config();
        ((ObjectNode) c.at("/optimizer/arguments")).put("learning_rate", 0.1);
        refused(c, "unknown optimizer Adam: argument \"learning_rate\"; Adam takes lr, betas");
        c = config();
        ((ObjectNode) c.at("/optimizer/arguments")).put("params", "x");
        refused(c, "argument \"params\"");
        refused(config().put("learningRate", 1), "unknown field \"learningRate\"");
        c = config();
        ((ObjectNode) c.get("loss")).put("weights", 1);
        refused(c, "unknown field \"loss.weights\"");
        c = config();
        c.putObject("optimizer").put("name", "SGD");
        refused(c, "optimizer SGD needs argument \"lr\"");
        refused((ObjectNode) config().put("loss", "CrossEntropyLoss"), "\"loss\" must be an object");
    }

    @Test
    void argumentsOfTheWrongTypeAreRefusedSayingWhatTheyMustBe() throws Exception {
        ObjectNode c = config();
        ((ObjectNode) c.at("/optimizer/arguments")).put("lr", "fast");
        refused(c, "optimizer Adam: argument \"lr\" must be a number, not \"fast\"");
        c = config();
        ((ObjectNode) c.at("/loss/arguments")).put("ignore_index", 1.5);
        refused(c, "argument \"ignore_index\" must be a whole number");
        c = config();
        ((ObjectNode) c.at("/loss/arguments")).putArray("weight").add("heavy");
        refused(c, "argument \"weight\" must be a JSON array of numbers");
        c = config();
        ((ObjectNode) c.at("/loss/arguments")).putNull("weight");
        ObjectNode nullWeight = c;
        assertThatCode(() -> CATALOG.validate(nullWeight)).doesNotThrowAnyException();
        c = config();
        ((ObjectNode) c.at("/optimizer/arguments")).putNull("lr");
        refused(c, "argument \"lr\" must be a number, not null");
        c = config();
        ((ObjectNode) c.at("/loss/arguments")).put("reduction", "x".repeat(1000));
        refused(c, "argument \"reduction\" must be a string (at most 200 characters)");
    }

    @Test
    void theTrainingsOwnFieldsAreCheckedForRange() throws Exception {
        refused(config().put("batchSize", 0), "\"batchSize\" must be a whole number from 1 to 65536, not 0");
        refused(config().put("batchSize", 3.5), "\"batchSize\" must be a whole number");
        refused(config().put("epochs", 1_000_000), "\"epochs\" must be a whole number from 1 to 100000");
        refused(config().put("epochs", "2"), "\"epochs\" must be a whole number");
        refused(config().put("validationSplit", 1), "\"validationSplit\" must be a number from 0");
        refused(config().put("validationSplit", -0.1), "\"validationSplit\"");
        refused(config().put("device", "tpu"), "\"device\" must be \"cpu\" or \"cuda\", not \"tpu\"");
        refused(config().put("seed", -1), "\"seed\" must be a whole number from 0 to 4294967295");
        refused(config().put("seed", 1L << 40), "\"seed\"");
        refused(config().put("data", "x; import os"), "\"data\" must name a variable");
        refused(config().put("data", "class"), "\"data\" must name a variable");
        refused((ObjectNode) config().without("data"), "\"data\" must name a variable of the session (a Python identifier such as \"xy\"), not nothing");
        refused(config().put("architecture", "../a1"), "\"architecture\" must be the id");
        refused(config().put("training", ""), "\"training\" must be an id");
        assertThatThrownBy(() -> CATALOG.validate(Json.MAPPER.readTree("[1]"))).hasMessageContaining("must be a JSON object");
    }

    @Test
    void theCommittedCatalogIsWhatTheGeneratorMakesWithTheInstalledTorch() throws Exception {
        Path committed = Path.of("src/main/resources/org/deepforge/nn/training-catalog.json");
        Path generated = Path.of("target/training-catalog-test/training-catalog.json").toAbsolutePath();
        Files.createDirectories(generated.getParent());
        ProcessBuilder generator = new ProcessBuilder("/usr/bin/python3", "../python/tools/generate_training_catalog.py", "--no-date",
                "--out", generated.toString()).redirectErrorStream(true);
        generator.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // nothing written beside the tools
        Process python = generator.start();
        String output = new String(python.getInputStream().readAllBytes());
        assertThat(python.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        String torch = Json.MAPPER.readTree(generated.toFile()).path("torch").asText();
        Assumptions.assumeTrue(torch.equals(Json.MAPPER.readTree(committed.toFile()).path("torch").asText()),
                "the catalog was generated with another torch than " + torch);
        assertThat(Files.readString(generated)).as("regenerate it: /usr/bin/python3 python/tools/generate_training_catalog.py --no-date")
                .isEqualTo(Files.readString(committed));
    }
}
