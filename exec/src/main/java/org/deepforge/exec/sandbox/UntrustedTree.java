package org.deepforge.exec.sandbox;

import java.io.IOException;
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
import java.util.Set;

/** Files that users' code wrote, which the server must handle without trusting their links or modes. */
public final class UntrustedTree {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private UntrustedTree() {}

    /**
     * Deletes a directory that users' code wrote (a session directory, a run folder) once nothing of it runs. It is hostile: links
     * (to files or directories anywhere) are deleted, never followed, and directories it made unreadable or unwritable
     * are made its owner's again first. Iterative, so any depth of directories is fine. Nothing there: nothing to do.
     */
    public static void delete(Path dir) throws IOException {
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
