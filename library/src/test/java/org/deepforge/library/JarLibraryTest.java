package org.deepforge.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A library directory whose lib/*.jar brings an architecture kind, compiled and packed by the test itself. */
class JarLibraryTest {
    static final String SOURCE = """
            package graphlib;

            import com.fasterxml.jackson.databind.JsonNode;
            import com.fasterxml.jackson.databind.node.ArrayNode;
            import com.fasterxml.jackson.databind.node.ObjectNode;
            import java.nio.file.Files;
            import java.util.List;
            import java.util.Map;
            import org.deepforge.library.*;
            import org.deepforge.model.Json;

            public final class GraphLibrary implements Library, LibraryProvider {
                private LibraryContext context;

                public Library create(LibraryContext context) {
                    GraphLibrary library = new GraphLibrary();
                    library.context = context;
                    return library;
                }

                public LibraryManifest manifest() {
                    return new LibraryManifest("graphlib", "Graphs", "%s", "", List.of(), List.of(), List.of());
                }

                public List<ArchitectureKind> kinds() {
                    return List.of(new ArchitectureKind() {
                        public String id() { return "test-graph"; }
                        public String name() { return "Test graph"; }
                        public String description() { return ""; }
                        public byte[] catalog() {
                            try {
                                return Files.readAllBytes(context.libraryDirectory().get().resolve("catalogs/test-graph.json"));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                        public JsonNode template() { return Json.MAPPER.createObjectNode(); }
                        public ArchitectureAnalysis analyze(JsonNode a) { throw new UnsupportedOperationException(); }
                        public GeneratedModule generate(JsonNode a) { return new GeneratedModule("make", "def make():\\n    return 1\\n"); }
                    });
                }

                public Map<String, ObjectNode> operations() { return Map.of(); }
                public Map<String, Map<String, byte[]>> examples() { return Map.of(); }
                public Map<String, byte[]> pythonFiles() { return Map.of(); }
                public ArrayNode migrate(String from, JsonNode model) { return Json.MAPPER.createArrayNode(); }
            }
            """;

    static Path library(Path dir, String manifestVersion, String jarVersion) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/graphlib"));
        Files.writeString(src.resolve("GraphLibrary.java"), SOURCE.formatted(jarVersion));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-cp", System.getProperty("java.class.path"), "-d", classes.toString(),
                src.resolve("GraphLibrary.java").toString());
        assertThat(status).isZero();
        Path library = Files.createDirectories(dir.resolve("graphlib/lib"));
        Files.createDirectories(dir.resolve("graphlib/catalogs"));
        Files.writeString(dir.resolve("graphlib/catalogs/test-graph.json"), "{\"layers\": []}");
        Files.writeString(dir.resolve("graphlib/library.json"), "{\"id\": \"graphlib\", \"version\": \"" + manifestVersion + "\"}");
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(library.resolve("graphlib.jar")));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
            jar.putNextEntry(new JarEntry("META-INF/services/org.deepforge.library.LibraryProvider"));
            jar.write("graphlib.GraphLibrary\n".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return dir.resolve("graphlib");
    }

    @Test
    void aJarInLibBringsItsKindWhichReadsItsCatalogFromTheLibraryDirectory(@TempDir Path dir) throws Exception {
        Path graphlib = library(dir, "1", "1");
        try (Libraries libraries = Libraries.load(LibraryContext.NONE, getClass().getClassLoader(), List.of(graphlib), dir.resolve("unpacked"),
                List.of("/usr/bin/python3", "-u"))) {
            assertThat(libraries.ids()).containsExactly("graphlib");
            ArchitectureKind kind = libraries.kindOf(Json.MAPPER.createObjectNode().put("kind", "test-graph"));
            assertThat(new String(kind.catalog(), StandardCharsets.UTF_8)).isEqualTo("{\"layers\": []}");
            assertThat(kind.generate(Json.MAPPER.createObjectNode()).name()).isEqualTo("make");
            assertThat(libraries.owner("test-graph").orElseThrow().manifest().version()).isEqualTo("1");
        }
    }

    @Test
    void aJarWhoseLibraryIsNotTheOneLibraryJsonNamesIsRefused(@TempDir Path dir) throws Exception {
        Path graphlib = library(dir, "2", "1");
        assertThatThrownBy(() -> Libraries.load(LibraryContext.NONE, getClass().getClassLoader(), List.of(graphlib), dir.resolve("unpacked"),
                List.of("/usr/bin/python3", "-u"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("its jar provides graphlib 1 but library.json says graphlib 2");
    }
}
