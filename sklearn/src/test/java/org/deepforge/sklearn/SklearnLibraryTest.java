package org.deepforge.sklearn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.library.Library;
import org.deepforge.library.LibraryContext;
import org.deepforge.library.LibraryProvider;
import org.deepforge.library.MigrationException;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SklearnLibraryTest {
    private static final Path SOURCE = Path.of("..", "python", "libraries", "sklearn");

    @Test
    void theServiceLoaderFindsItAndWithoutARuntimeTheManifestComesFromTheClassPath() {
        Library library = ServiceLoader.load(LibraryProvider.class).stream().map(p -> p.get().create(LibraryContext.NONE))
                .filter(l -> l.manifest().id().equals("sklearn")).findFirst().orElseThrow();
        assertThat(library.manifest().name()).isEqualTo("scikit-learn");
        assertThat(library.manifest().version()).isEqualTo("1.0.0");
        assertThat(library.manifest().pythonModules()).containsExactly("deepforge_sklearn");
        assertThat(library.manifest().imports()).containsExactly("sklearn", "joblib");
        assertThat(library.manifest().requirements()).containsExactly("python3-sklearn");
        assertThat(library.operations()).isEmpty();
        assertThat(library.examples()).isEmpty();
        assertThat(library.pythonFiles()).isEmpty();
    }

    @Test
    void itsKindServesTheGeneratedCatalogAndAnInputAsTemplate() throws Exception {
        ArchitectureKind kind = new SklearnLibrary(LibraryContext.NONE).kinds().get(0);
        assertThat(kind.id()).isEqualTo("sklearn-pipeline");
        assertThat(kind.name()).isEqualTo("Estimator pipeline (scikit-learn)");
        JsonNode catalog = Json.MAPPER.readTree(kind.catalog());
        assertThat(catalog.path("sklearn").asText()).isEqualTo("1.2.1");
        assertThat(catalog.path("layers").findValuesAsText("name")).contains("PCA", "LogisticRegression", "StandardScaler");
        assertThat(catalog.path("language").findValuesAsText("name")).contains("Input", "Columns", "ColumnTransformer", "FeatureUnion");
        assertThat(kind.template().path("layers").path("input").path("type").asText()).isEqualTo("Input");
        assertThat(kind.analyze(kind.template()).errors()).hasSize(1);
    }

    @Test
    void withARuntimeItReadsTheLibraryDirectory(@TempDir Path runtime) throws Exception {
        Path dir = runtime.resolve("libraries").resolve("sklearn");
        Files.createDirectories(dir.resolve("operations"));
        Files.createDirectories(dir.resolve("python").resolve("deepforge_sklearn"));
        Files.createDirectories(dir.resolve("examples").resolve("demo"));
        Files.copy(SOURCE.resolve("library.json"), dir.resolve("library.json"));
        Files.writeString(dir.resolve("operations").resolve("FitEstimator.py"), "class FitEstimator:\n    pass\n");
        Files.writeString(dir.resolve("operations").resolve("FitEstimator.json"), "{\"library\": \"sklearn\", \"category\": \"Models\"}");
        Files.writeString(dir.resolve("python").resolve("deepforge_sklearn").resolve("__init__.py"), "# serializer\n");
        Files.writeString(dir.resolve("examples").resolve("demo").resolve("project.json"), "{\"name\": \"Demo\"}");
        Library library = new SklearnLibrary(LibraryContext.of(Optional.empty(), Optional.of(runtime)));
        assertThat(library.manifest().id()).isEqualTo("sklearn");
        assertThat(library.operations().get("FitEstimator").path("category").asText()).isEqualTo("Models");
        assertThat(library.operations().get("FitEstimator").path("code").asText()).startsWith("class FitEstimator");
        assertThat(new String(library.pythonFiles().get("deepforge_sklearn/__init__.py"), StandardCharsets.UTF_8)).isEqualTo("# serializer\n");
        assertThat(library.examples().get("demo")).containsKey("project.json");
    }

    @Test
    void version100MigratesOnlyFromItselfWithAnEmptyPatch() throws Exception {
        Library library = new SklearnLibrary(LibraryContext.NONE);
        assertThat(library.migrate("1.0.0", Json.MAPPER.createObjectNode())).isEmpty();
        assertThatThrownBy(() -> library.migrate("0.9", Json.MAPPER.createObjectNode())).isInstanceOf(MigrationException.class)
                .hasMessage("scikit-learn library 1.0.0 has no migration from version 0.9");
    }
}
