package org.deepforge.server.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.server.http.BadRequest;

/**
 * Places an artifact's data in a session's {@code inputs/<name>/} ({@code data} and {@code meta.json}), read from its
 * storage with the sha256 checked while it streams; only complete, verified directories appear (renamed into place).
 */
final class SessionInputs {
    private SessionInputs() {}

    /** The directory name under {@code inputs/}: the artifact and the start of its hash, so new bytes get a new name. */
    static String name(Artifact a) {
        return a.id() + "-" + a.data().sha256().substring(0, Math.min(12, a.data().sha256().length()));
    }

    /** Copies the artifact's data into {@code inputs} (unless an earlier load put it there) and returns its directory name. */
    static String place(Path inputs, Artifact a, StorageAdapter storage) throws IOException {
        String name = name(a);
        Path target = inputs.resolve(name);
        if (Files.isDirectory(target)) {
            return name;
        }
        Files.createDirectories(inputs);
        Path tmp = Files.createTempDirectory(inputs, ".loading-");
        try {
            MessageDigest md = sha256();
            try (InputStream in = new DigestInputStream(storage.get(a.data().key()), md)) {
                Files.copy(in, tmp.resolve("data"));
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!got.equals(a.data().sha256())) {
                throw new BadRequest(409, "the stored data of artifact \"" + a.name() + "\" no longer matches its sha256 ("
                        + got + " instead of " + a.data().sha256() + "); it cannot be loaded");
            }
            Files.write(tmp.resolve("meta.json"), Json.compact(a.inputMeta().put("artifact", a.id()).put("name", a.name()))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (String f : new String[] {"data", "meta.json"}) {
                Files.setPosixFilePermissions(tmp.resolve(f), PosixFilePermissions.fromString("r--r--r--"));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another load of the same bytes won the race: theirs is as good
            }
            return name;
        } finally {
            delete(tmp);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
