package org.deepforge.ops.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The Python side of DeepForge ({@code deepforge} package, built-in operations), unpacked from the classpath. */
public final class PythonRuntime {
    /** The file in an unpacked copy that says what it was copied from. */
    static final String STAMP = ".unpacked";

    private final Path root;

    private PythonRuntime(Path root) {
        this.root = root;
    }

    /**
     * Copies {@code python/} from the classpath into {@code dir} (replacing an older copy) and returns it. From a jar,
     * a copy that is already there is kept when it came from the same files (their names, sizes and CRCs, in
     * {@value #STAMP}): a server's every start on the same data directory does not copy it again (nor drop the
     * interpreter's {@code __pycache__} with it).
     */
    public static PythonRuntime unpack(Path dir) {
        return unpack(PythonRuntime.class.getResource("/python/deepforge/__init__.py"), dir);
    }

    /** {@link #unpack(Path)} of the runtime whose {@code python/deepforge/__init__.py} is {@code marker}. */
    static PythonRuntime unpack(URL marker, Path dir) {
        try {
            if (marker == null) {
                throw new IllegalStateException("the Python runtime is not on the classpath (build the ops module)");
            }
            Path target = dir.toAbsolutePath();
            Optional<Stamp> stamp = marker.getProtocol().equals("jar") ? Optional.of(stamp(marker)) : Optional.empty();
            if (stamp.isPresent() && stamp.get().matches(target)) {
                return new PythonRuntime(target);
            }
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
                Files.writeString(fresh.resolve(STAMP), stamp.orElseThrow().text());
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

    /** What a copy from a jar was made of: a digest of the names, sizes and CRCs of {@code python/**}, and the files. */
    private record Stamp(String digest, List<String> files) {
        String text() {
            return digest + "\n" + String.join("\n", files) + "\n";
        }

        /** Whether {@code target} is a complete copy of these files. */
        boolean matches(Path target) throws IOException {
            Path file = target.resolve(STAMP);
            if (!Files.isRegularFile(file) || !Files.readString(file).equals(text())) {
                return false;
            }
            return files.stream().allMatch(f -> Files.isRegularFile(target.resolve(f)));
        }
    }

    private static Stamp stamp(URL marker) throws IOException, URISyntaxException {
        String uri = marker.toString();
        Path jar = Path.of(new URI(uri.substring("jar:".length(), uri.indexOf("!/"))));
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<String> files = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<? extends ZipEntry> entries = zip.stream()
                    .filter(e -> !e.isDirectory() && e.getName().startsWith("python/") && !e.getName().contains("__pycache__"))
                    .sorted(Comparator.comparing(ZipEntry::getName)).toList();
            for (ZipEntry e : entries) {
                sha.update((e.getName() + "\0" + e.getSize() + "\0" + e.getCrc() + "\n").getBytes(StandardCharsets.UTF_8));
                files.add(e.getName().substring("python/".length()));
            }
        }
        return new Stamp(HexFormat.of().formatHex(sha.digest()), files);
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
