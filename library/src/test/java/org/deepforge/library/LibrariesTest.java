package org.deepforge.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibrariesTest {
    /** Each version appends its own version to /log, and records which version it was asked to migrate from. */
    record Step(String id, String version, List<String> asked, List<ArchitectureKind> kinds) implements Library {
        @Override
        public LibraryManifest manifest() {
            return new LibraryManifest(id, id, version, "", List.of(), List.of(), List.of());
        }

        @Override
        public Map<String, ObjectNode> operations() {
            return Map.of();
        }

        @Override
        public Map<String, Map<String, byte[]>> examples() {
            return Map.of();
        }

        @Override
        public Map<String, byte[]> pythonFiles() {
            return Map.of();
        }

        @Override
        public ArrayNode migrate(String fromVersion, JsonNode model) throws MigrationException {
            asked.add(fromVersion + "->" + version + " saw " + model.path("log"));
            ArrayNode patch = Json.MAPPER.createArrayNode();
            patch.addObject().put("op", "add").put("path", "/log/-").put("value", version);
            return patch;
        }
    }

    static ArchitectureKind kind(String id) {
        return new ArchitectureKind() {
            public String id() {
                return id;
            }

            public String name() {
                return id;
            }

            public String description() {
                return "";
            }

            public byte[] catalog() {
                return new byte[0];
            }

            public JsonNode template() {
                return Json.MAPPER.createObjectNode();
            }

            public ArchitectureAnalysis analyze(JsonNode architecture) {
                throw new UnsupportedOperationException();
            }

            public GeneratedModule generate(JsonNode architecture) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void migratingAcrossSeveralVersionsChainsEachNewerVersionsHookInOrder() throws Exception {
        List<String> asked = new ArrayList<>();
        Libraries libraries = Libraries.of(List.of(new Step("lib", "3", asked, List.of()), new Step("lib", "1", asked, List.of()),
                new Step("lib", "2", asked, List.of()), new Step("lib", "10", asked, List.of())));
        assertThat(libraries.versions("lib")).containsExactly("1", "2", "3", "10");
        assertThat(libraries.latest("lib").orElseThrow().manifest().version()).isEqualTo("10");
        ArrayNode patch = libraries.migrate("lib", "1", "3", Json.MAPPER.readTree("{\"log\": []}"));
        assertThat(asked).containsExactly("1->2 saw []", "2->3 saw [\"2\"]");
        assertThat(patch.findValuesAsText("value")).containsExactly("2", "3");
        assertThatThrownBy(() -> libraries.migrate("lib", "1", "4", Json.MAPPER.createObjectNode())).isInstanceOf(MigrationException.class)
                .hasMessageContaining("lib 4 is not installed");
    }

    @Test
    void kindsAreFoundByIdAnArchitectureWithoutKindIsPyTorchAndAnUnknownKindIsNamed() {
        Libraries libraries = Libraries.of(List.of(new Step("pytorch", "1.0.0", new ArrayList<>(), List.of(kind("pytorch"))),
                new Step("other", "1", new ArrayList<>(), List.of(kind("other-graph")))));
        assertThat(libraries.kindOf(Json.MAPPER.createObjectNode()).id()).isEqualTo("pytorch");
        assertThat(libraries.owner("other-graph").orElseThrow().manifest().id()).isEqualTo("other");
        assertThatThrownBy(() -> libraries.kindOf(Json.MAPPER.createObjectNode().put("kind", "keras")))
                .isInstanceOf(UnknownKindException.class).hasMessageContaining("\"keras\"").hasMessageContaining("other-graph, pytorch");
    }

    @Test
    void aKindIdProvidedByTwoLibrariesOrAVersionGivenTwiceIsRefused() {
        assertThatThrownBy(() -> Libraries.of(List.of(new Step("a", "1", new ArrayList<>(), List.of(kind("graph"))),
                new Step("b", "1", new ArrayList<>(), List.of(kind("graph"))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"graph\" is provided by both a and b");
        assertThatThrownBy(() -> Libraries.of(List.of(new Step("a", "1", new ArrayList<>(), List.of()),
                new Step("a", "1.0", new ArrayList<>(), List.of()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("installed twice");
    }

    @Test
    void aFailingMigrationScriptIsAMigrationExceptionWithTheEndOfItsStderr(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(dir.resolve("library.json"), "{\"id\": \"broken\", \"version\": \"2\"}");
        Files.writeString(dir.resolve("migrations/from-1.py"), "import sys\nsys.stdin.read()\nraise SystemExit('the model has no widgets')\n");
        Files.writeString(dir.resolve("migrations/from-0.py"), "print('not json')\n");
        DirectoryLibrary library = new DirectoryLibrary(LibraryDirectory.manifest(dir), dir, Optional.empty(), List.of("/usr/bin/python3", "-u"));
        assertThatThrownBy(() -> library.migrate("1", Json.MAPPER.createObjectNode())).isInstanceOf(MigrationException.class)
                .hasMessageContaining("from-1.py failed (exit status 1)").hasMessageContaining("the model has no widgets");
        assertThatThrownBy(() -> library.migrate("0", Json.MAPPER.createObjectNode())).isInstanceOf(MigrationException.class)
                .hasMessageContaining("did not print a JSON patch");
        assertThat(library.migrate("1.5", Json.MAPPER.createObjectNode())).isEmpty();
    }
}
