package org.deepforge.library;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A library given as a {@code .zip} of its directory ({@code library.json} at the top, or inside one top-level
 * folder), unpacked into {@code <root>/<id>-<version>/}. Refused whole, with nothing left behind, when an entry would
 * land outside that folder, is a symbolic link, or the archive is larger than the limits.
 */
final class LibraryArchive {
    static final int MAX_ENTRIES = 20_000;
    static final long MAX_BYTES = 512L << 20;

    private LibraryArchive() {}

    /** Unpacks {@code zip} (replacing an earlier unpacking of the same id and version); returns the library directory. */
    static Path unpack(Path zip, Path root) throws IOException {
        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, ".unpacking-");
        try {
            String prefix = extract(zip, staging);
            Path unpacked = prefix.isEmpty() ? staging : staging.resolve(prefix);
            LibraryManifest manifest = LibraryDirectory.manifest(unpacked);
            Path target = root.resolve(manifest.id() + "-" + manifest.version());
            delete(target);
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            delete(staging);
        }
    }

    /** Writes the entries under {@code into}; returns the one top-level folder that holds library.json ("" for none). */
    private static String extract(Path zip, Path into) throws IOException {
        Set<String> links = symbolicLinks(zip);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            if (file.size() > MAX_ENTRIES) {
                throw refused(zip, "it has " + file.size() + " entries; a library archive may have at most " + MAX_ENTRIES);
            }
            String prefix = file.getEntry("library.json") != null ? "" : topFolder(file, zip);
            long total = 0;
            byte[] buffer = new byte[65536];
            for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (links.contains(name)) {
                    throw refused(zip, "its entry \"" + name + "\" is a symbolic link; a library archive holds regular files only");
                }
                Path target = into.resolve(name).normalize();
                if (name.startsWith("/") || name.contains("\\") || name.contains(":") || !target.startsWith(into)
                        || List.of(name.split("/")).contains("..")) {
                    throw refused(zip, "its entry \"" + name + "\" points outside the library's folder");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry);
                     OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        total += n;
                        if (total > MAX_BYTES) {
                            throw refused(zip, "it unpacks to more than " + (MAX_BYTES >> 20) + " MiB");
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
            return prefix;
        }
    }

    private static String topFolder(ZipFile file, Path zip) throws IOException {
        Set<String> tops = new HashSet<>();
        file.stream().forEach(e -> tops.add(e.getName().split("/", 2)[0]));
        if (tops.size() == 1) {
            String top = tops.iterator().next();
            if (file.getEntry(top + "/library.json") != null && !top.equals("..") && !top.equals(".")) {
                return top;
            }
        }
        throw refused(zip, "it has no library.json at its top (or in its one top-level folder)");
    }

    private static IOException refused(Path zip, String why) {
        return new IOException("the library archive " + zip + " is refused: " + why);
    }

    /**
     * The entries whose Unix mode (the high half of the central directory's external attributes, which
     * java.util.zip does not expose) says symbolic link.
     */
    static Set<String> symbolicLinks(Path zip) throws IOException {
        Set<String> links = new HashSet<>();
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
            long size = channel.size();
            int tail = (int) Math.min(size, 65_557);
            ByteBuffer end = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(end, size - tail);
            int at = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (end.getInt(i) == 0x06054b50) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                throw refused(zip, "it is not a zip file");
            }
            long directorySize = Integer.toUnsignedLong(end.getInt(at + 12));
            long directoryOffset = Integer.toUnsignedLong(end.getInt(at + 16));
            if (directorySize > 64L << 20 || directoryOffset + directorySize > size) {
                throw refused(zip, "its central directory is damaged or too large");
            }
            ByteBuffer dir = ByteBuffer.allocate((int) directorySize).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(dir, directoryOffset);
            for (int p = 0; p + 46 <= directorySize && dir.getInt(p) == 0x02014b50; ) {
                int madeBy = Short.toUnsignedInt(dir.getShort(p + 4)) >> 8;
                int nameLength = Short.toUnsignedInt(dir.getShort(p + 28));
                int extraLength = Short.toUnsignedInt(dir.getShort(p + 30));
                int commentLength = Short.toUnsignedInt(dir.getShort(p + 32));
                int mode = dir.getInt(p + 38) >>> 16;
                if (p + 46 + nameLength > directorySize) {
                    break;
                }
                if (madeBy == 3 && (mode & 0170000) == 0120000) {
                    byte[] name = new byte[nameLength];
                    dir.get(p + 46, name);
                    links.add(new String(name, StandardCharsets.UTF_8));
                }
                p += 46 + nameLength + extraLength + commentLength;
            }
        }
        return links;
    }

    /** Removes a tree without following links. */
    static void delete(Path tree) throws IOException {
        if (!Files.exists(tree, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
