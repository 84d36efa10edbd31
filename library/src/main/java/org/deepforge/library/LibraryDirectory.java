package org.deepforge.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.deepforge.model.Json;

/**
 * The files of a library directory (docs/libraries.md): {@code library.json}, {@code operations/},
 * {@code examples/<id>/}, {@code python/}. Symbolic links are not followed: a directory is read as
 * regular files only.
 */
public final class LibraryDirectory {
    private LibraryDirectory() {}

    /** {@code library.json}, checked. */
    public static LibraryManifest manifest(Path directory) throws IOException {
        Path file = directory.resolve("library.json");
        if (!Files.isRegularFile(file)) {
            throw new IOException(directory + " is not a library directory: it has no library.json");
        }
        JsonNode m = Json.MAPPER.readTree(file.toFile());
        try {
            return new LibraryManifest(text(m, "id"), text(m, "name"), text(m, "version"), text(m, "description"),
                    strings(m.path("pythonModules")), strings(m.path("imports")), strings(m.path("requirements")));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode m, String field) {
        return m.hasNonNull(field) ? m.get(field).asText() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** {@code <Name>.py} with an optional {@code <Name>.json} beside it, by name. */
    public static Map<String, ObjectNode> operations(Path directory) {
        Map<String, ObjectNode> out = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return out;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path py : files.filter(p -> p.toString().endsWith(".py") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted().toList()) {
                String name = py.getFileName().toString().replaceFirst("\\.py$", "");
                ObjectNode op = Json.MAPPER.createObjectNode();
                Path meta = py.resolveSibling(name + ".json");
                if (Files.isRegularFile(meta, LinkOption.NOFOLLOW_LINKS)) {
                    Json.MAPPER.readTree(meta.toFile()).fields().forEachRemaining(f -> op.set(f.getKey(), f.getValue()));
                }
                op.put("code", Files.readString(py));
                if (!op.has("requirements")) {
                    op.putArray("requirements");
                }
                out.put(name, op);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read operations from " + directory, e);
        }
        return out;
    }

    /** Every {@code <id>/project.json} directory under {@code directory}, as files by path. */
    public static Map<String, Map<String, byte[]>> examples(Path directory) {
        Map<String, Map<String, byte[]>> out = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(directory)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("project.json"))).sorted().toList()) {
                out.put(dir.getFileName().toString(), files(dir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read examples from " + directory, e);
        }
        return out;
    }

    /** The regular files under {@code directory} (none of {@code __pycache__}), by path relative to it with '/'. */
    public static Map<String, byte[]> files(Path directory) {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path f : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                String rel = directory.relativize(f).toString().replace('\\', '/');
                if (!rel.contains("__pycache__")) {
                    files.put(rel, Files.readAllBytes(f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + directory, e);
        }
        return files;
    }
}
