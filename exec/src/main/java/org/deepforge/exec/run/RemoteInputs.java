package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.deepforge.exec.storage.LocalStorage;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;

/**
 * How artifact data reaches a job. Data on this server's disk is hard-linked into the job's inputs. Data in
 * remote storage (S3) is not copied through the server: the Input node records where it is
 * ({@code meta.json: remote}), and each job that reads it gets a short-lived presigned link for exactly that
 * object ({@code fetch.json}), which the job's runtime downloads and checks against the recorded sha256.
 * No credential is written into a bundle.
 */
final class RemoteInputs {
    private RemoteInputs() {}

    /** An Input node: places the artifact's data (or where to fetch it) in {@code out}, adding to its {@code meta}. */
    static void place(Placement placement, Artifact artifact, Path out, ObjectNode meta) throws IOException {
        ObjectNode record = artifact.data().record();
        String key = artifact.data().key();
        StorageAdapter storage = placement.reader().storageOf(record);
        String name = "\"" + artifact.name() + "\" (" + key + ")";
        if (storage instanceof LocalStorage local) {
            Path data = local.path(key);
            if (!Files.exists(data)) {
                throw new IOException("the data of artifact " + name + " is missing from storage");
            }
            try {
                Files.createLink(out.resolve("data"), data);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(data, out.resolve("data"), StandardCopyOption.REPLACE_EXISTING);
            }
            return;
        }
        if (storage.stat(key).isEmpty()) {
            throw new IOException("the data of artifact " + name + " is missing from " + storage.name() + " storage");
        }
        ObjectNode remote = meta.putObject("remote");
        remote.setAll(record);
    }

    /** A job about to start: every remote input gets a presigned link valid for {@code ttl}. */
    static void link(Placement placement, Path input, Duration ttl) throws IOException {
        Path metaFile = input.resolve("meta.json");
        if (Files.exists(input.resolve("data")) || !Files.exists(metaFile)) {
            return;
        }
        JsonNode meta = Json.MAPPER.readTree(metaFile.toFile());
        if (!meta.has("remote")) {
            return;
        }
        StorageAdapter storage = placement.reader().storageOf(meta.get("remote"));
        URI url = storage.jobLink(meta.path("remote").path("key").asText(), ttl)
                .orElseThrow(() -> new IOException(storage.name() + " storage cannot give jobs links to its objects"));
        ObjectNode fetch = Json.MAPPER.createObjectNode().put("url", url.toString())
                .put("sha256", meta.path("sha256").asText()).put("size", meta.path("size").asLong());
        // a new file, not one of the hard-linked ones: other jobs' inputs are untouched
        Files.write(input.resolve("fetch.json"), Json.fileBytes(fetch));
    }

    /** The data flowing into an Output node: the upstream file, or the remote object an Input node named. */
    static InputStream open(Placement placement, Path source, JsonNode meta) throws IOException {
        if (Files.exists(source.resolve("data")) || !meta.has("remote")) {
            return Files.newInputStream(source.resolve("data"));
        }
        return placement.reader().storageOf(meta.get("remote")).get(meta.path("remote").path("key").asText());
    }
}
