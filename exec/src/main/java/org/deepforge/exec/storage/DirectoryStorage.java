package org.deepforge.exec.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.deepforge.exec.adapter.AdapterKind;
import org.deepforge.model.Json;

/**
 * A directory on a shared file system as storage (e.g. a cluster's /scratch or a lab's NFS share): content-addressed
 * exactly like this server's disk ({@link LocalStorage}), so jobs on the same file system get artifacts hard-linked.
 * The directory must exist and be writable by the server; it is never created. Objects are only ever addressed by
 * their SHA-256 under it, so no key reaches outside it. The server's own data directory is refused.
 */
public final class DirectoryStorage {
    private DirectoryStorage() {}

    /** The declaration; {@code serverData} is the server's data directory, which no choice may point into. */
    public static AdapterKind<StorageAdapter> kind(Path serverData) {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object").put("title", "Directory on a shared file system");
        schema.putArray("required").add("path");
        schema.putObject("properties").putObject("path").put("type", "string").put("title", "Directory").put("minLength", 1)
                .put("pattern", "^/").put("description", "absolute path of an existing directory the server can write, "
                        + "e.g. /scratch/lab/deepforge; seen by the server (and, for hard links, by the jobs) at this path");
        return AdapterKind.storage("directory", "Directory on a shared file system", schema, (options, credentials) -> {
            Path dir = directory(options.path("path").asText(""), serverData);
            ObjectNode location = Json.MAPPER.createObjectNode().put("path", dir.toString());
            return new LocalStorage(dir, "directory", location);
        });
    }

    /** The directory a choice names, checked: absolute, no "..", existing, writable, outside the server's data. */
    static Path directory(String text, Path serverData) throws IOException {
        Path dir;
        try {
            dir = Path.of(text.strip());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("\"path\" is not a path: " + e.getMessage());
        }
        if (!dir.isAbsolute()) {
            throw new IllegalArgumentException("\"path\" must be an absolute path (starting with /), not \"" + text + "\"");
        }
        for (Path part : dir) {
            if (part.toString().equals("..")) {
                throw new IllegalArgumentException("\"path\" must not contain \"..\"; write the directory's own path, not \"" + text + "\"");
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("\"path\": " + dir + " is not an existing directory on the server; create it "
                    + "(on the shared file system) or correct the path");
        }
        if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new IllegalArgumentException("\"path\": the server cannot write into " + dir + "; give the server's user write "
                    + "permission on it or choose another directory");
        }
        Path real = dir.toRealPath();
        Path data = Files.exists(serverData) ? serverData.toRealPath() : serverData.toAbsolutePath().normalize();
        if (real.startsWith(data) || data.startsWith(real)) {
            throw new IllegalArgumentException("\"path\": " + dir + (real.startsWith(data) ? " is inside" : " holds")
                    + " the server's own data directory; choose a directory of its own");
        }
        return dir.normalize();
    }
}
