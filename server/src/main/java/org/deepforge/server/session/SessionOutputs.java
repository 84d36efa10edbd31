package org.deepforge.server.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import org.deepforge.server.http.BadRequest;

/**
 * Reads what a session saved ({@code outputs/<id>/data}) out of its directory, which the session's hostile code may
 * have arranged: every step below the session directory is opened relative to the one before without following links
 * ({@code openat} with {@code O_NOFOLLOW}), only a regular file of at most {@code maxSize} bytes is read, and it is
 * copied into a file of the server's before anything trusts it.
 */
final class SessionOutputs {
    /** What was copied: the hex sha256 and size of the bytes as read. */
    record Copied(String sha256, long size) {}

    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private SessionOutputs() {}

    /** Copies {@code outputs/<output>/data} into {@code into}; 422 (saying why) for anything but a regular file that fits. */
    static Copied copy(Path outputs, String output, long maxSize, Path into) throws IOException {
        Path sessionDir = outputs.getParent();
        try (DirectoryStream<Path> root = Files.newDirectoryStream(sessionDir)) {
            if (!(root instanceof SecureDirectoryStream<Path> dir)) {
                throw new IOException("this platform cannot open files without following links (no SecureDirectoryStream)");
            }
            try (SecureDirectoryStream<Path> out = directory(dir, outputs.getFileName(), "outputs/");
                 SecureDirectoryStream<Path> saved = directory(out, Path.of(output), "outputs/" + output + "/")) {
                Path data = Path.of("data");
                BasicFileAttributes attributes;
                try {
                    attributes = saved.getFileAttributeView(data, BasicFileAttributeView.class, NOFOLLOW).readAttributes();
                } catch (java.nio.file.NoSuchFileException e) {
                    throw refused("outputs/" + output + "/data does not exist");
                }
                if (!attributes.isRegularFile()) {
                    throw refused("outputs/" + output + "/data is " + (attributes.isSymbolicLink() ? "a symbolic link" : "not a regular file")
                            + "; only a regular file written in the session directory can be saved");
                }
                if (attributes.size() > maxSize) {
                    throw refused("outputs/" + output + "/data is " + attributes.size() + " bytes; an artifact saved from a session may have at most " + maxSize);
                }
                SeekableByteChannel channel;
                try {
                    channel = saved.newByteChannel(data, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                } catch (FileSystemException e) {
                    throw refused("outputs/" + output + "/data changed while it was being opened (" + e.getReason() + ")");
                }
                try (channel) {
                    return copy(Channels.newInputStream(channel), maxSize, into, output);
                }
            }
        }
    }

    private static Copied copy(InputStream in, long maxSize, Path into, String output) throws IOException {
        MessageDigest md = SessionInputs.sha256();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(into)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                size += n;
                if (size > maxSize) {
                    throw refused("outputs/" + output + "/data grew beyond " + maxSize + " bytes while it was being read");
                }
                md.update(ByteBuffer.wrap(buffer, 0, n));
                out.write(buffer, 0, n);
            }
        }
        return new Copied(HexFormat.of().formatHex(md.digest()), size);
    }

    private static SecureDirectoryStream<Path> directory(SecureDirectoryStream<Path> parent, Path name, String shown) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = parent.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW).readAttributes();
        } catch (java.nio.file.NoSuchFileException e) {
            throw refused(shown + " does not exist in the session directory");
        }
        if (!attributes.isDirectory()) {
            throw refused(shown + " is " + (attributes.isSymbolicLink() ? "a symbolic link" : "not a directory") + "; refusing to read through it");
        }
        try {
            return parent.newDirectoryStream(name, NOFOLLOW);
        } catch (FileSystemException e) {
            throw refused(shown + " changed while it was being opened; refusing to read through it");
        }
    }

    private static BadRequest refused(String why) {
        return new BadRequest(422, "the session's save cannot be stored: " + why);
    }
}
