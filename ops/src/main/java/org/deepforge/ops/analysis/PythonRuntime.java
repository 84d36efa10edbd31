package org.deepforge.ops.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** The Python side of DeepForge ({@code deepforge} package, built-in operations), unpacked from the classpath. */
public final class PythonRuntime {
    private final Path root;

    private PythonRuntime(Path root) {
        this.root = root;
    }

    /** Copies {@code python/} from the classpath into {@code dir} (replacing an older copy) and returns it. */
    public static PythonRuntime unpack(Path dir) {
        try {
            URL marker = PythonRuntime.class.getResource("/python/deepforge/__init__.py");
            if (marker == null) {
                throw new IllegalStateException("the Python runtime is not on the classpath (build the ops module)");
            }
            Path target = dir.toAbsolutePath();
            Path fresh = Files.createDirectories(target.getParent()).resolve(target.getFileName() + ".new");
            if (Files.exists(fresh)) {
                delete(fresh);
            }
            Files.createDirectories(fresh);
            if (marker.getProtocol().equals("jar")) {
                String uri = marker.toString();
                try (FileSystem jar = FileSystems.newFileSystem(URI.create(uri.substring(0, uri.indexOf("!/"))), Map.of())) {
                    copy(jar.getPath("/python"), fresh);
                }
            } else {
                copy(Path.of(marker.toURI()).getParent().getParent(), fresh);
            }
            if (Files.exists(target)) {
                delete(target);
            }
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            return new PythonRuntime(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the Python runtime into " + dir, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The directory to put on PYTHONPATH. */
    public Path root() {
        return root;
    }

    /** Built-in operations: {@code builtins/operations/<Name>.py} and {@code .json}. */
    public Path builtinOperations() {
        return root.resolve("builtins").resolve("operations");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                String rel = from.relativize(p).toString();
                if (rel.contains("__pycache__")) {
                    continue;
                }
                Path dest = to.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    try (InputStream in = Files.newInputStream(p)) {
                        Files.createDirectories(dest.getParent());
                        Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
