package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.bundle.LibraryPackages;
import org.deepforge.exec.sandbox.UntrustedTree;
import org.deepforge.model.Json;

/**
 * Writes a session directory (docs/sessions.md): a job bundle in shape whose {@code main.py} runs the agent, with the
 * project's code at the session's commit, its libraries' packages, {@code session.json}, the {@code secret} (mode 600) and {@code home/}.
 * The runtime is linked for sessions on this machine and copied for those that run elsewhere; {@link UntrustedTree#delete}
 * deletes one once nothing of its session runs.
 */
final class SessionDirectory {
    static final String MAIN_PY = "from deepforge.session.agent import main\n\nmain()\n";

    /** What session.json says besides the architectures. */
    record Spec(String session, String project, String branch, String commit, String connect, long idleTimeoutSeconds, long seed) {}

    private final BundleWriter linked;
    private final BundleWriter copied;
    private final LibraryPackages libraries;

    SessionDirectory(Path runtime, ArchitectureModules architectures, LibraryPackages libraries) {
        this.linked = new BundleWriter(runtime, true, architectures, libraries);
        this.copied = new BundleWriter(runtime, false, architectures, libraries);
        this.libraries = libraries;
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
        libraries.of(model).modules().forEach(json.putArray("libraries")::add);
        ObjectNode architectures = json.putObject("architectures");
        modules.forEach((id, module) -> architectures.putObject(id)
                .put("name", model.path("architectures").path(id).path("name").asText(id))
                .put("module", "architectures." + id).put("class", module.className()));
        Files.write(dir.resolve("session.json"), Json.fileBytes(json));
        Path file = Files.createFile(dir.resolve("secret"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret, StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("main.py"), MAIN_PY);
    }
}
