package org.deepforge.exec.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The top-level packages and modules of a project's libraries ({@link LibraryPackages.Packages}), checked: each root's
 * Python entries (a package directory or a {@code .py} module) go beside {@code deepforge/} in a bundle, a session
 * directory, an export or a preview. Nothing in a root may link out of it, and no entry may take the name of a
 * bundle's own directories ({@link #RESERVED}) or of another library's entry.
 */
public final class LibraryFiles {
    /** Module names a bundle, a session directory or an export already uses. */
    public static final Set<String> RESERVED = Set.of("deepforge", "operations", "utils", "inputs", "outputs", "architectures",
            "pipelines", "home", "main");

    /** One top-level package or module: its name in the bundle and its file or directory (a real path inside its root). */
    private record Entry(String name, Path source, Path root) {}

    private final List<Entry> entries;
    private final List<String> modules;

    private LibraryFiles(List<Entry> entries, List<String> modules) {
        this.entries = List.copyOf(entries);
        this.modules = List.copyOf(modules);
    }

    /** The checked entries of {@code packages}; an {@link IllegalArgumentException} says what is wrong with a root. */
    public static LibraryFiles of(LibraryPackages.Packages packages) throws IOException {
        Map<String, Entry> byName = new TreeMap<>();
        for (Path given : packages.roots()) {
            if (!Files.isDirectory(given)) {
                throw new IllegalArgumentException("the library directory " + given + " does not exist; reinstall the library");
            }
            Path root = given.toRealPath();
            List<Path> children;
            try (Stream<Path> list = Files.list(root)) {
                children = list.sorted().toList();
            }
            for (Path child : children) {
                String file = child.getFileName().toString();
                if (file.startsWith(".") || file.equals("__pycache__")) {
                    continue;
                }
                Path real = inside(root, child);
                boolean module = file.endsWith(".py") && Files.isRegularFile(real);
                if (!module && !Files.isDirectory(real)) {
                    continue; // not Python: a README, data files of the root itself
                }
                String name = module ? file.substring(0, file.length() - 3) : file;
                if (RESERVED.contains(name)) {
                    throw new IllegalArgumentException("the library package \"" + file + "\" in " + root + " has the name of a bundle's own "
                            + name + (name.equals("main") ? ".py" : "/") + "; rename it (reserved: " + String.join(", ", new TreeSet<>(RESERVED)) + ")");
                }
                Entry other = byName.get(name);
                if (other != null) {
                    throw new IllegalArgumentException("two libraries bring a package \"" + name + "\": " + other.root() + " and " + root
                            + "; a project can use only one of them");
                }
                if (!module) {
                    checkTree(root, real);
                }
                byName.put(name, new Entry(module ? file : name, real, root));
            }
        }
        for (String m : packages.modules()) {
            if (!m.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) {
                throw new IllegalArgumentException("\"" + m + "\" is not a Python module name; fix the library's pythonModules");
            }
        }
        return new LibraryFiles(new ArrayList<>(byName.values()), packages.modules());
    }

    /** The modules to import before anything else. */
    public List<String> modules() {
        return modules;
    }

    /** Links each entry into {@code dir} (for jobs and sessions on this machine). */
    public void link(Path dir) throws IOException {
        for (Entry e : entries) {
            Files.createSymbolicLink(dir.resolve(e.name()), e.source());
        }
    }

    /** Copies each entry into {@code dir} (byte caches left out). */
    public void copy(Path dir) throws IOException {
        for (Entry e : entries) {
            for (Map.Entry<String, Path> f : files(e).entrySet()) {
                Path dest = dir.resolve(f.getKey());
                Files.createDirectories(dest.getParent());
                Files.copy(f.getValue(), dest, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Writes each entry into {@code zip} at its top level. */
    public void zip(ZipOutputStream zip) throws IOException {
        for (Entry e : entries) {
            for (Map.Entry<String, Path> f : files(e).entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                Files.copy(f.getValue(), zip);
                zip.closeEntry();
            }
        }
    }

    /** The entry's files by their path in a bundle ({@code fakelib/__init__.py}); a linked file by its content. */
    private static Map<String, Path> files(Entry e) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        if (!Files.isDirectory(e.source())) {
            files.put(e.name(), e.source());
            return files;
        }
        try (Stream<Path> walk = Files.walk(e.source())) {
            for (Path p : walk.toList()) {
                Path rel = e.source().relativize(p);
                if (rel.toString().contains("__pycache__") || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                files.put(e.name() + "/" + rel.toString().replace('\\', '/'), p);
            }
        }
        return files;
    }

    /** Every link under {@code dir} stays in {@code root} and names a file. */
    private static void checkTree(Path root, Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                if (Files.isSymbolicLink(p) && Files.isDirectory(inside(root, p))) {
                    throw new IllegalArgumentException(root.relativize(p) + " in the library directory " + root
                            + " links to a directory; a library may link files only");
                }
            }
        }
    }

    /** The real path of {@code p}, which must lie inside {@code root}: a library never reaches out of its directory. */
    private static Path inside(Path root, Path p) throws IOException {
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(root.relativize(p) + " in the library directory " + root + " is a broken link");
        }
        if (!real.startsWith(root)) {
            throw new IllegalArgumentException(root.relativize(p) + " in the library directory " + root + " links to " + real
                    + ", outside that directory; a library may not link out of its directory");
        }
        return real;
    }
}
