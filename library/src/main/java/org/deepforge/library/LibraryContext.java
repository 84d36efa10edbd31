package org.deepforge.library;

import java.nio.file.Path;
import java.util.Optional;
import org.deepforge.ops.analysis.Analysis;

/** What the server gives a library when it starts it. */
public interface LibraryContext {
    /**
     * The server's long-lived Python analysis process (trusted code only: never users' code), for rules
     * that are impractical in Java; empty in tests and tools that run without Python.
     */
    Optional<Analysis> analysis();

    /** The unpacked Python runtime root (holding {@code deepforge/}, {@code builtins/}, {@code examples/}), when there is one. */
    Optional<Path> pythonRuntime();

    /**
     * The library directory whose {@code lib/*.jar} provided the library ({@code catalogs/}, {@code operations/} … beside
     * it); empty for a library found on the server's own class path.
     */
    default Optional<Path> libraryDirectory() {
        return Optional.empty();
    }

    /** This context for the library in {@code directory}. */
    default LibraryContext in(Path directory) {
        LibraryContext outer = this;
        return new LibraryContext() {
            @Override
            public Optional<Analysis> analysis() {
                return outer.analysis();
            }

            @Override
            public Optional<Path> pythonRuntime() {
                return outer.pythonRuntime();
            }

            @Override
            public Optional<Path> libraryDirectory() {
                return Optional.of(directory);
            }
        };
    }

    /** No analysis process, no runtime. */
    LibraryContext NONE = of(Optional.empty(), Optional.empty());

    static LibraryContext of(Optional<Analysis> analysis, Optional<Path> runtime) {
        return new LibraryContext() {
            @Override
            public Optional<Analysis> analysis() {
                return analysis;
            }

            @Override
            public Optional<Path> pythonRuntime() {
                return runtime;
            }
        };
    }
}
