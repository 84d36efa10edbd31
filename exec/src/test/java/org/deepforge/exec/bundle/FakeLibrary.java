package org.deepforge.exec.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A tiny library's Python code for tests: package {@code fakelib} with class {@code Thing} and its serializer "fakelib.Thing". */
public final class FakeLibrary {
    public static final String INIT = """
            \"\"\"A fake library: registers the serializer "fakelib.Thing".\"\"\"
            from deepforge.serialization import register


            class Thing:
                def __init__(self, value):
                    self.value = value


            def _save(thing, path):
                with open(path, "w", encoding="utf-8") as f:
                    f.write("thing:%d" % thing.value)


            def _load(path):
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                if not text.startswith("thing:"):
                    raise ValueError("not a Thing: %r" % text[:20])
                return Thing(int(text[len("thing:"):]))


            register("fakelib.Thing", Thing, _save, _load)
            """;

    private FakeLibrary() {}

    /** Writes the library's root ({@code root/fakelib/__init__.py}, {@code root/fakelib/util.py}) and returns its packages. */
    public static LibraryPackages.Packages write(Path root) throws IOException {
        Files.createDirectories(root.resolve("fakelib"));
        Files.writeString(root.resolve("fakelib/__init__.py"), INIT);
        Files.writeString(root.resolve("fakelib/util.py"), "def double(thing):\n    return thing.value * 2\n");
        Files.writeString(root.resolve("README.md"), "not Python: not placed in bundles\n");
        return new LibraryPackages.Packages(List.of(root), List.of("fakelib"));
    }

    /** Every project gets {@code packages}. */
    public static LibraryPackages always(LibraryPackages.Packages packages) {
        return model -> packages;
    }
}
