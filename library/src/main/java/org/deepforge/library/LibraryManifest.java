package org.deepforge.library;

import java.util.List;
import java.util.Objects;

/**
 * A library's identity ({@code library.json} for a library directory, docs/libraries.md).
 *
 * @param id            {@code [a-z][a-z0-9-]{0,39}}: what project.json's {@code libraries} map is keyed by
 * @param name          for people ("scikit-learn")
 * @param version       dotted numbers ("1.0.0"), compared part by part
 * @param description   one paragraph for the Libraries page
 * @param pythonModules modules of {@link Library#pythonFiles()} that jobs, sessions and previews import first
 * @param imports       top-level Python modules whose import in an operation means it uses this library
 *                      ("sklearn", "joblib"): removing the library is refused while one does
 * @param requirements  Debian/pip package names the library needs on compute ("python3-sklearn")
 */
public record LibraryManifest(String id, String name, String version, String description, List<String> pythonModules,
        List<String> imports, List<String> requirements) {
    public LibraryManifest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        if (!id.matches("[a-z][a-z0-9-]{0,39}")) {
            throw new IllegalArgumentException("a library id is 1 to 40 of a-z, 0-9 and '-', starting with a letter; got \"" + id + "\"");
        }
        if (!Versions.valid(version)) {
            throw new IllegalArgumentException("a library version is dotted numbers such as 1.0.0; got \"" + version + "\"");
        }
        name = name == null || name.isBlank() ? id : name;
        description = description == null ? "" : description;
        pythonModules = List.copyOf(pythonModules == null ? List.of() : pythonModules);
        imports = List.copyOf(imports == null ? List.of() : imports);
        requirements = List.copyOf(requirements == null ? List.of() : requirements);
    }
}
