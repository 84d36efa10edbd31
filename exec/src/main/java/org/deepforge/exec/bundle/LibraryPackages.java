package org.deepforge.exec.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * The Python code of a project's libraries (docs/libraries.md) that its jobs, sessions and exports get:
 * the entries of each root (packages and modules) go beside {@code deepforge/}, and the runtime imports
 * {@code modules} before anything else (that is where a library registers its serializers).
 */
@FunctionalInterface
public interface LibraryPackages {
    /** {@code roots}: directories whose entries are top-level Python packages or modules. */
    record Packages(List<Path> roots, List<String> modules) {
        public Packages {
            roots = List.copyOf(roots);
            modules = List.copyOf(modules);
        }

        public static final Packages NONE = new Packages(List.of(), List.of());
    }

    /** The packages for a project whose model view is {@code model} (its {@code project.libraries}). */
    Packages of(JsonNode model);

    /** No library code: bundles hold only the runtime. */
    LibraryPackages NONE = model -> Packages.NONE;
}
