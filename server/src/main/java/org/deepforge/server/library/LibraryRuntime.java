package org.deepforge.server.library;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.exec.bundle.LibraryPackages;
import org.deepforge.library.Libraries;
import org.deepforge.library.Library;

/**
 * The libraries' Python code on this server's disk: each installed library's {@link Library#pythonFiles()} written to
 * {@code <root>/<id>-<version>/python/} at start (fresh each start), and the {@link LibraryPackages} of a project, from
 * its {@code project.libraries}.
 */
public final class LibraryRuntime implements LibraryPackages {
    private final Path root;
    private final ProjectLibraries projects;

    private LibraryRuntime(Path root, ProjectLibraries projects) {
        this.root = root;
        this.projects = projects;
    }

    /** Writes every installed library's Python files under {@code root} (what was there before is removed first). */
    public static LibraryRuntime write(Libraries libraries, Path root, ProjectLibraries projects) throws IOException {
        delete(root);
        for (String id : libraries.ids()) {
            for (String version : libraries.versions(id)) {
                Library library = libraries.version(id, version).orElseThrow();
                Path python = root.resolve(id + "-" + version).resolve("python");
                for (Map.Entry<String, byte[]> file : library.pythonFiles().entrySet()) {
                    Path target = python.resolve(file.getKey()).normalize();
                    if (!target.startsWith(python)) {
                        throw new IOException("library " + id + " " + version + " names a Python file outside its folder: " + file.getKey());
                    }
                    Files.createDirectories(target.getParent());
                    Files.write(target, file.getValue());
                }
            }
        }
        return new LibraryRuntime(root, projects);
    }

    /** The project's libraries' package roots and modules to import first (those with Python files). */
    @Override
    public Packages of(JsonNode model) {
        List<Path> roots = new ArrayList<>();
        List<String> modules = new ArrayList<>();
        projects.of(model).forEach((id, version) -> {
            Optional<Library> library = projects.installed(id, version);
            if (library.isPresent() && !library.get().pythonFiles().isEmpty()) {
                roots.add(root.resolve(id + "-" + library.get().manifest().version()).resolve("python"));
                modules.addAll(library.get().manifest().pythonModules());
            }
        });
        return new Packages(roots, modules);
    }

    private static void delete(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
