package org.deepforge.ops.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking the Python runtime from a jar, as the server does at every start. */
class PythonRuntimeTest {
    @TempDir
    Path dir;

    @Test
    void aCopyFromTheSameJarIsKeptAndAChangedJarReplacesIt() throws Exception {
        Path jar = dir.resolve("server.jar");
        writeJar(jar, Map.of("python/deepforge/__init__.py", "VERSION = 1\n", "python/builtins/operations/Op.py", "class Op: pass\n"));
        Path target = dir.resolve("data/runtime/python");

        PythonRuntime first = PythonRuntime.unpack(marker(jar), target);
        assertThat(first.root().resolve("deepforge/__init__.py")).hasContent("VERSION = 1");
        assertThat(first.builtinOperations().resolve("Op.py")).exists();
        // what the interpreter leaves beside the sources stays while the jar is the same
        Path cache = Files.createDirectories(target.resolve("deepforge/__pycache__")).resolve("__init__.cpython-311.pyc");
        Files.writeString(cache, "compiled");

        PythonRuntime again = PythonRuntime.unpack(marker(jar), target);
        assertThat(again.root()).isEqualTo(first.root());
        assertThat(cache).exists();

        Files.delete(target.resolve("builtins/operations/Op.py"));
        PythonRuntime repaired = PythonRuntime.unpack(marker(jar), target);
        assertThat(repaired.builtinOperations().resolve("Op.py")).as("an incomplete copy is made again").exists();

        writeJar(jar, Map.of("python/deepforge/__init__.py", "VERSION = 2\n", "python/builtins/operations/Op.py", "class Op: pass\n"));
        PythonRuntime upgraded = PythonRuntime.unpack(marker(jar), target);
        assertThat(upgraded.root().resolve("deepforge/__init__.py")).hasContent("VERSION = 2");
        assertThat(cache).as("a new jar's copy starts clean").doesNotExist();
    }

    private static URL marker(Path jar) throws IOException {
        return new URL("jar:" + jar.toUri() + "!/python/deepforge/__init__.py");
    }

    private static void writeJar(Path jar, Map<String, String> files) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }
}
