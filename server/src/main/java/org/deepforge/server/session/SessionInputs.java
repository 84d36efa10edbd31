package org.deepforge.server.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
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
 * storage with the sha256 checked while it streams. The session may have arranged its directory (its code can write
 * there), so the copy is made in a directory of the server's and renamed into {@code inputs/} relative to directories
 * opened without following links: nothing is ever written through a link the session planted.
 */
final class SessionInputs {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private SessionInputs() {}

    /** The directory name under {@code inputs/}: the artifact and the start of its hash, so new bytes get a new name. */
    static String name(Artifact a) {
        return a.id() + "-" + a.data().sha256().substring(0, Math.min(12, a.data().sha256().length()));
    }

    /**
     * Copies the artifact's data into {@code inputs} (unless something of that name is there already: an earlier load,
     * or what the session put there, which {@code df.load}'s sha256 check then refuses) and returns its directory name.
     * {@code staging}: a directory of the server's on the same file system.
     */
    static String place(Path inputs, Path staging, Artifact a, StorageAdapter storage) throws IOException {
        String name = name(a);
        Path sessionDir = inputs.getParent();
        try {
            Files.createDirectory(inputs); // never follows a link the session left in its place
        } catch (FileAlreadyExistsException e) {
            // the usual case; whether it is a real directory is checked when it is opened
        }
        Files.createDirectories(staging);
        Path tmp = Files.createTempDirectory(staging, "load-");
        try (DirectoryStream<Path> session = Files.newDirectoryStream(sessionDir);
             DirectoryStream<Path> stage = Files.newDirectoryStream(staging)) {
            if (!(session instanceof SecureDirectoryStream<Path> s) || !(stage instanceof SecureDirectoryStream<Path> st)) {
                throw new IOException("this platform cannot move files without following links (no SecureDirectoryStream)");
            }
            SecureDirectoryStream<Path> in;
            try {
                in = s.newDirectoryStream(inputs.getFileName(), NOFOLLOW);
            } catch (FileSystemException e) {
                throw new BadRequest(409, "the session's inputs/ is not a directory (its code replaced it); restart the session");
            }
            try (in) {
                if (exists(in, name)) {
                    return name;
                }
                copy(tmp, a, storage);
                try {
                    st.move(tmp.getFileName(), in, Path.of(name));
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // another load of the same bytes (or the session) was first; df.load checks what is there
                }
                return name;
            }
        } finally {
            delete(tmp);
        }
    }

    private static boolean exists(SecureDirectoryStream<Path> dir, String name) throws IOException {
        try {
            dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static void copy(Path tmp, Artifact a, StorageAdapter storage) throws IOException {
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
                .getBytes(StandardCharsets.UTF_8));
        for (String f : new String[] {"data", "meta.json"}) {
            Files.setPosixFilePermissions(tmp.resolve(f), PosixFilePermissions.fromString("r--r--r--"));
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, NOFOLLOW)) {
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
