package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.model.Json;

/**
 * Writes a session directory (docs/sessions.md): a job bundle in shape whose {@code main.py} runs the agent, with the
 * project's code at the session's commit, {@code session.json}, the {@code secret} (mode 600) and {@code home/}.
 * The runtime is linked for sessions on this machine and copied for those that run elsewhere; {@link #remove} deletes
 * one once nothing of its session runs.
 */
final class SessionDirectory {
    static final String MAIN_PY = "from deepforge.session.agent import main\n\nmain()\n";

    /** What session.json says besides the architectures. */
    record Spec(String session, String project, String branch, String commit, String connect, long idleTimeoutSeconds, long seed) {}

    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final BundleWriter linked;
    private final BundleWriter copied;

    SessionDirectory(Path runtime, ArchitectureModules architectures) {
        this.linked = new BundleWriter(runtime, true, architectures);
        this.copied = new BundleWriter(runtime, false, architectures);
    }

    /** Writes everything into {@code dir} (which must not exist yet) and the secret; {@code link}: link the runtime. */
    void write(Path dir, Spec spec, JsonNode model, String secret, boolean link) throws IOException {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(dir.resolve("home"));
        Map<String, ArchitectureModules.Module> modules = (link ? linked : copied).writeProject(model, dir);
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("session", spec.session()).put("project", spec.project()).put("branch", spec.branch()).put("commit", spec.commit())
                .put("connect", spec.connect()).put("idleTimeoutSeconds", spec.idleTimeoutSeconds()).put("seed", spec.seed());
        ObjectNode architectures = json.putObject("architectures");
        modules.forEach((id, module) -> architectures.putObject(id)
                .put("name", model.path("architectures").path(id).path("name").asText(id))
                .put("module", "architectures." + id).put("class", module.className()));
        Files.write(dir.resolve("session.json"), Json.fileBytes(json));
        Path file = Files.createFile(dir.resolve("secret"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret, StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("main.py"), MAIN_PY);
    }

    /**
     * Deletes a session directory whose session's processes are gone. Its session wrote it, so it is hostile: links
     * (to files or directories anywhere) are deleted, never followed, and directories it made unreadable or unwritable
     * are made its owner's again first. Iterative, so any depth of directories is fine. Nothing there: nothing to do.
     */
    static void remove(Path dir) throws IOException {
        try {
            if (!Files.readAttributes(dir, BasicFileAttributes.class, NOFOLLOW).isDirectory()) {
                Files.delete(dir);
                return;
            }
        } catch (NoSuchFileException e) {
            return;
        }
        ownerOnly(dir);
        Files.walkFileTree(dir, new SimpleFileVisitor<>() { // follows no link
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                // the walk opens each directory before it visits it: make the ones below openable now
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
                    for (Path entry : entries) {
                        if (Files.readAttributes(entry, BasicFileAttributes.class, NOFOLLOW).isDirectory()) {
                            ownerOnly(entry);
                        }
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file); // a link itself, never its target
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * rwx for the owner only. {@code dir} is a directory, checked without following links, and nothing of the session
     * runs to swap it for a link meanwhile (a no-follow chmod would need to open it, which its mode may forbid).
     */
    private static void ownerOnly(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
    }
}
