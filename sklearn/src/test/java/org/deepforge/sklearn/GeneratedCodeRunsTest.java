package org.deepforge.sklearn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deepforge.library.ArchitectureAnalysis;
import org.deepforge.library.GeneratedModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated code in plain /usr/bin/python3 with scikit-learn: the same score as a hand-written Pipeline, and merges that fit. */
class GeneratedCodeRunsTest {
    private final SklearnKind kind = new SklearnKind(EstimatorCatalog.bundled());

    @TempDir
    Path dir;

    @Test
    void theGeneratedDigitsPipelineScoresExactlyAsTheHandWrittenOne() throws Exception {
        Drawing digits = new Drawing("digits").layer("in", "Input", "{\"features\": 64}").layer("scale", "StandardScaler")
                .layer("pca", "PCA", "{\"n_components\": 20, \"random_state\": 0}")
                .layer("clf", "LogisticRegression", "{\"max_iter\": 1000}").chain("in", "scale", "pca", "clf");
        List<String> generated = fit(digits);
        List<String> handwritten = python(script("handwritten_digits.py"));
        assertThat(Double.parseDouble(generated.get(0))).isGreaterThan(0.9);
        assertThat(generated.get(0)).isEqualTo(handwritten.get(0));
        assertThat(generated.get(1)).isEqualTo("20");
    }

    @Test
    void aFeatureUnionDrawingFitsAndPutsOutTheFeaturesTheAnalysisCounted() throws Exception {
        Drawing union = PipelineCodeTest.union();
        assertThat(kind.analyze(union.json()).layers().get("union").output().get(1)).isEqualTo(10 + 5 + 64);
        List<String> out = fit(union);
        assertThat(Double.parseDouble(out.get(0))).isGreaterThan(0.8);
        assertThat(out.get(1)).isEqualTo("79");
    }

    @Test
    void aColumnTransformerDrawingFitsAndPutsOutTheFeaturesTheAnalysisCounted() throws Exception {
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            left.add(i);
        }
        Drawing columns = new Drawing("by columns").layer("in", "Input", "{\"features\": 64}")
                .layer("top", "Columns", "{\"columns\": " + left + "}").layer("scale", "StandardScaler")
                .layer("pca", "PCA", "{\"n_components\": 5, \"random_state\": 0}")
                .layer("rows", "Columns", "{\"columns\": [32, 33, 34, 35, 36, 37, 38, 39]}").layer("mm", "MinMaxScaler")
                .layer("ct", "ColumnTransformer", "{\"remainder\": \"passthrough\"}").layer("clf", "RandomForestClassifier",
                        "{\"n_estimators\": 20, \"random_state\": 0}")
                .chain("in", "top", "scale", "pca").connect("pca", "ct", 0).chain("in", "rows", "mm").connect("mm", "ct", 1)
                .connect("ct", "clf");
        ArchitectureAnalysis analysis = kind.analyze(columns.json());
        assertThat(analysis.errors()).isEmpty();
        assertThat(analysis.layers().get("ct").output().get(1)).isEqualTo(5 + 8 + 24);
        List<String> out = fit(columns);
        assertThat(Double.parseDouble(out.get(0))).isGreaterThan(0.8);
        assertThat(out.get(1)).isEqualTo("37");
    }

    private List<String> fit(Drawing drawing) throws Exception {
        GeneratedModule module = kind.generate(drawing.json());
        Files.writeString(dir.resolve("generated.py"), module.code());
        return python(script("fit_generated.py"), dir.toString(), module.name());
    }

    private Path script(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = GeneratedCodeRunsTest.class.getResourceAsStream(name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private List<String> python(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-B", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("stderr.txt"))).isZero();
        return out.lines().toList();
    }
}
