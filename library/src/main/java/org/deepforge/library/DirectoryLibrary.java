package org.deepforge.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deepforge.model.Json;

/**
 * A library given to the server as a directory (docs/libraries.md, "Writing a library"): {@code library.json},
 * {@code operations/}, {@code examples/}, {@code python/} and {@code migrations/from-<version>.py} are read from it;
 * its architecture kinds come from the Java library of its {@code lib/*.jar}, when it has one.
 */
public final class DirectoryLibrary implements Library {
    private final LibraryManifest manifest;
    private final Path directory;
    private final Optional<Library> code;
    private final List<String> python;
    private final Map<String, ObjectNode> operations;
    private final Map<String, Map<String, byte[]>> examples;
    private final Map<String, byte[]> pythonFiles;

    /**
     * @param code   the library its jar provided (kinds, and a migration hook where there is no script)
     * @param python the command that runs a migration script ({@code /usr/bin/python3 -u})
     */
    public DirectoryLibrary(LibraryManifest manifest, Path directory, Optional<Library> code, List<String> python) {
        this.manifest = manifest;
        this.directory = directory;
        this.code = code;
        this.python = List.copyOf(python);
        this.operations = Map.copyOf(LibraryDirectory.operations(directory.resolve("operations")));
        this.examples = Map.copyOf(LibraryDirectory.examples(directory.resolve("examples")));
        this.pythonFiles = Map.copyOf(LibraryDirectory.files(directory.resolve("python")));
    }

    public Path directory() {
        return directory;
    }

    @Override
    public LibraryManifest manifest() {
        return manifest;
    }

    @Override
    public List<ArchitectureKind> kinds() {
        return code.map(Library::kinds).orElse(List.of());
    }

    @Override
    public Map<String, ObjectNode> operations() {
        return operations;
    }

    @Override
    public Map<String, Map<String, byte[]>> examples() {
        return examples;
    }

    @Override
    public Map<String, byte[]> pythonFiles() {
        return pythonFiles;
    }

    /**
     * {@code migrations/from-<fromVersion>.py} when there is one; else the jar's hook; else nothing changes (a
     * version that changes no file format needs no script).
     */
    @Override
    public ArrayNode migrate(String fromVersion, JsonNode model) throws MigrationException {
        if (!Versions.valid(fromVersion)) {
            throw new MigrationException("\"" + fromVersion + "\" is not a library version");
        }
        Path script = directory.resolve("migrations").resolve("from-" + fromVersion + ".py");
        if (Files.isRegularFile(script, LinkOption.NOFOLLOW_LINKS)) {
            return MigrationScript.run(python, script, model,
                    manifest.id() + " " + manifest.version() + "'s migrations/from-" + fromVersion + ".py");
        }
        if (code.isPresent()) {
            return code.get().migrate(fromVersion, model);
        }
        return Json.MAPPER.createArrayNode();
    }
}
