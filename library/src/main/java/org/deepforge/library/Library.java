package org.deepforge.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * An extension library (docs/libraries.md): one framework's contribution to DeepForge. The server,
 * the REST API and the UI know libraries only through this interface; PyTorch is the first library
 * (nn), scikit-learn the second (sklearn).
 */
public interface Library {
    /** Who it is: id, version, Python modules, the imports that mean "uses this library". */
    LibraryManifest manifest();

    /** The architecture kinds it draws in the graph editor, each with catalog, analysis and code generation. */
    List<ArchitectureKind> kinds();

    /**
     * Built-in operations, by name: {@code {"code": "<python>", "description", "category", "requirements": [...]}},
     * the same fields as a project's {@code operations/<Name>.py} + {@code .json}. A project that adds the library
     * gets them (an operation of the same name already in the project is kept).
     */
    Map<String, ObjectNode> operations();

    /** Example projects by id ({@code [a-z0-9-]{1,40}}): each a project repository's files, path → bytes. */
    Map<String, Map<String, byte[]>> examples();

    /**
     * The library's Python code, path relative to a directory on {@code sys.path} → bytes (e.g.
     * {@code deepforge_sklearn/__init__.py}). Jobs, exports, sessions and previews of a project that uses
     * the library get these files and import {@link LibraryManifest#pythonModules()} before anything else
     * (which registers the library's serializers).
     */
    Map<String, byte[]> pythonFiles();

    /**
     * The migration hook: the change that moves a project's files from {@code fromVersion} of this library
     * to {@link LibraryManifest#version()}, as an RFC 6902 JSON patch of the project's model view (an empty
     * array when nothing changes). Upgrading applies it and the version change as one commit.
     *
     * @throws MigrationException when this version cannot migrate from {@code fromVersion}, saying why
     */
    ArrayNode migrate(String fromVersion, JsonNode model) throws MigrationException;
}
