package org.deepforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Files to and from the server, streamed (never whole in memory) and reported to a {@link Progress}: a download lands
 * in a temporary file beside its target and is moved into place only when complete and matching the server's
 * {@code X-Content-SHA256}.
 */
final class Transfers {
    private final DeepForgeClient api;

    Transfers(DeepForgeClient api) {
        this.api = api;
    }

    DeepForgeClient.Download download(String path, Path to, String what, long expectedSize, Progress progress) {
        HttpResponse<InputStream> r = api.send(api.request(path).GET(), HttpResponse.BodyHandlers.ofInputStream());
        Path part = null;
        try (InputStream body = r.body()) {
            if (r.statusCode() >= 400) {
                api.check(r.statusCode(), new String(body.readNBytes(1 << 16), StandardCharsets.UTF_8));
            }
            Optional<String> expected = r.headers().firstValue("X-Content-SHA256");
            Path dir = to.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            part = Files.createTempFile(dir, "." + to.getFileName(), ".part");
            MessageDigest sha = sha256();
            progress.start(to.getFileName().toString(), r.headers().firstValueAsLong("Content-Length").orElse(expectedSize));
            long size;
            try (InputStream in = new DigestInputStream(new CountingInputStream(body, progress), sha);
                    OutputStream out = Files.newOutputStream(part)) {
                size = in.transferTo(out);
            } finally {
                progress.done();
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (expected.isPresent() && !expected.get().equalsIgnoreCase(actual)) {
                throw new ApiException(r.statusCode(), "the downloaded " + what + " is damaged: its sha256 is " + actual
                        + " but the server says " + expected.get() + "; nothing was saved (a flaky connection: try again; the same "
                        + "mismatch again: the server's copy is damaged, tell its administrator)");
            }
            Files.move(part, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            part = null;
            return new DeepForgeClient.Download(to, size, actual, expected.isPresent());
        } catch (IOException e) {
            throw new ApiException(0, "the download from " + api.server() + " broke off: " + e.getMessage());
        } finally {
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // the temporary file stays; nothing else to do about it
                }
            }
        }
    }

    JsonNode upload(String path, Path file, Progress progress) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return new CountingInputStream(Files.newInputStream(file), progress);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), size);
        progress.start(file.getFileName().toString(), size);
        HttpResponse<String> r;
        try {
            r = api.send(api.request(path).header("Content-Type", "application/octet-stream").POST(publisher),
                    HttpResponse.BodyHandlers.ofString());
        } finally {
            progress.done();
        }
        api.check(r.statusCode(), r.body());
        return api.parse(r.body());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
