package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deepforge.server.run.Placements;
import org.deepforge.exec.storage.StorageAdapter;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Artifact;
import org.deepforge.model.domain.Provenance;
import org.deepforge.server.artifacts.ArtifactData;
import org.deepforge.server.artifacts.ArtifactListing;
import org.deepforge.server.artifacts.ProjectArtifacts;
import org.deepforge.server.http.BadRequest;
import org.deepforge.server.preview.ArtifactPreviews;
import org.deepforge.server.preview.DownloadNames;
import org.deepforge.server.preview.PreviewFailed;
import org.deepforge.store.ChangeResult;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ModelAt;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;
import org.deepforge.server.http.Bodies;
import org.deepforge.model.Ids;

/**
 * Artifacts: metadata versioned in the project ({@code artifacts/<id>.json}), data in storage. Upload
 * (streamed), download, delete (optionally with the data), import from a bucket, lineage. Records are
 * committed by {@link ProjectArtifacts}, as are those of executions' Output nodes.
 */
public final class ArtifactsApi {
    /** Largest upload accepted (bytes). */
    static final long MAX_UPLOAD = 64L << 30;

    private final ProjectStore store;
    private final Placements placements;
    private final ArtifactData data;
    private final ProjectArtifacts artifacts;
    private final org.deepforge.exec.reify.Reification reification;
    private final ArtifactPreviews previews;

    public ArtifactsApi(ProjectStore store, Placements placements, ArtifactData data, ProjectArtifacts artifacts,
                        org.deepforge.exec.reify.Reification reification, ArtifactPreviews previews) {
        this.store = store;
        this.placements = placements;
        this.data = data;
        this.artifacts = artifacts;
        this.reification = reification;
        this.previews = previews;
    }

    /**
     * GET …/artifacts/{artifact}/preview → what the artifact holds (computed in a sandbox, cached by sha256), with the
     * name it downloads as and, for a model, the code that loads the download with plain PyTorch.
     */
    public void preview(Context ctx) throws Exception {
        Artifact a = artifactAt(ctx);
        StorageAdapter storage = stored(ctx, a);
        ObjectNode out = Json.MAPPER.createObjectNode().put("artifact", a.id()).put("name", a.name()).put("type", a.type())
                .put("sha256", a.data().sha256()).put("bytes", a.data().size());
        String fileName = downloadName(a, storage);
        out.put("fileName", fileName);
        try {
            JsonNode summary = previews.summary(ctx.pathParam("project"), a, storage);
            out.set("preview", summary);
            if ("model".equals(summary.path("kind").asText())) {
                out.put("load", ArtifactPreviews.loadSnippet(fileName));
            }
        } catch (PreviewFailed e) {
            throw new BadRequest(e.status(), "cannot preview artifact \"" + a.name() + "\": " + e.getMessage());
        }
        ctx.json(out);
    }

    /** GET …/artifacts/{artifact}/preview/slice?index=i,j,… → the 2-D slice at those leading indices, downsampled. */
    public void previewSlice(Context ctx) throws Exception {
        Artifact a = artifactAt(ctx);
        String raw = Optional.ofNullable(ctx.queryParam("index")).orElse("").strip();
        List<Integer> index = new ArrayList<>();
        if (!raw.isEmpty()) {
            for (String part : raw.split(",", -1)) {
                try {
                    index.add(Integer.parseInt(part.strip()));
                } catch (NumberFormatException e) {
                    throw new BadRequest("?index= is one integer per leading axis, separated by commas (e.g. index=0,3), not \"" 
                            + (raw.length() > 40 ? raw.substring(0, 40) + "…" : raw) + "\"");
                }
            }
        }
        try {
            ctx.contentType("application/json").result(previews.slice(ctx.pathParam("project"), a, stored(ctx, a), index));
        } catch (PreviewFailed e) {
            throw new BadRequest(e.status(), "cannot slice artifact \"" + a.name() + "\": " + e.getMessage());
        }
    }

    /** The storage that holds an artifact's data, if this project may read it and it is still there. */
    private StorageAdapter stored(Context ctx, Artifact a) throws Exception {
        if (!data.readable(ctx.pathParam("project"), a.data().record())) {
            throw StoreException.notFound(notAvailable(a.name()));
        }
        StorageAdapter storage = holding(ctx, a);
        if (storage.stat(a.data().key()).isEmpty()) {
            throw new BadRequest(410, "the data of artifact \"" + a.name() + "\" is no longer in storage (it was deleted); "
                    + "its metadata and provenance remain");
        }
        return storage;
    }

    /** The file name a download gets; a {@code file}'s first bytes say its extension. */
    private static String downloadName(Artifact a, StorageAdapter storage) throws IOException {
        byte[] head = new byte[0];
        if (a.type().equals("file")) {
            try (InputStream in = storage.get(a.data().key())) {
                head = in.readNBytes(DownloadNames.HEAD);
            }
        }
        return DownloadNames.fileName(a.name(), a.type(), head);
    }

    /** POST …/artifacts/{artifact}/pipeline {"branch"} → 201: the pipeline that made the artifact, committed on that branch. */
    public void openAsPipeline(Context ctx) throws Exception {
        ObjectNode body = Bodies.optionalObject(ctx);
        String branch = Bodies.optionalText(body, "branch").orElse("").strip();
        ctx.status(201).json(reification.open(ctx.pathParam("project"), ctx.pathParam("artifact"), branch, Requests.author(ctx)).toJson());
    }

    /**
     * POST …/artifacts/{artifact}/reproduce {"branch"} → 201: the execution running the rebuilt pipeline with the recorded
     * seed; GET …/artifacts/{artifact}/reproduction?execution= then says whether its output is identical.
     */
    public void reproduce(Context ctx) throws Exception {
        ObjectNode body = Bodies.optionalObject(ctx);
        String branch = Bodies.optionalText(body, "branch").orElse("").strip();
        ctx.status(201).json(reification.reproduce(ctx.pathParam("project"), ctx.pathParam("artifact"), branch, Requests.author(ctx)).toJson());
    }

    public void reproduction(Context ctx) throws Exception {
        String execution = Optional.ofNullable(ctx.queryParam("execution")).orElse("");
        if (!Ids.isId(execution)) {
            throw new BadRequest("give ?execution= the id of the execution that reproduces the artifact");
        }
        ctx.json(reification.compare(ctx.pathParam("project"), ctx.pathParam("artifact"), execution));
    }

    /** The storage a request chooses ({@code ?storage=} a JSON choice as in the run dialog; this server's disk if absent). */
    private StorageAdapter chosen(Context ctx, JsonNode choice) {
        try {
            return placements.storage(choice == null ? Json.MAPPER.createObjectNode().put("adapter", "local") : choice,
                    Requests.principal(ctx).id());
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    private StorageAdapter holding(Context ctx, Artifact artifact) {
        return chosen(ctx, artifact.data().record());
    }

    /** A page of the artifacts at a ref, newest first, optionally those whose name or type contains {@code ?q=} (see {@link ArtifactListing}). */
    public void list(Context ctx) throws Exception {
        ModelAt at = store.model(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("ref")).orElse(""));
        Optional<String> text = Optional.ofNullable(ctx.queryParam("q")).map(String::strip).filter(q -> !q.isEmpty());
        if (text.isPresent() && text.get().length() > 200) {
            throw new BadRequest("query parameter \"q\" is " + text.get().length() + " characters; at most 200");
        }
        ctx.json(ArtifactListing.page(at.model().path("artifacts"), text,
                Optional.ofNullable(ctx.queryParam("cursor")).filter(c -> !c.isBlank()), Bodies.limitQuery(ctx, "limit", 100, Bodies.MAX_LIMIT)));
    }

    public void upload(Context ctx) throws Exception {
        String name = Optional.ofNullable(ctx.queryParam("name")).orElse("").strip();
        checkName(name);
        String type = Optional.ofNullable(ctx.queryParam("type")).filter(t -> !t.isBlank()).orElse("file");
        if (!type.matches("[A-Za-z0-9_.]{1,100}")) {
            throw new BadRequest("\"type\" names a serializer, e.g. file, numpy.ndarray or pickle");
        }
        if (ctx.contentLength() > MAX_UPLOAD) {
            throw new BadRequest(413, "the upload is " + ctx.contentLength() + " bytes; the limit is " + MAX_UPLOAD);
        }
        String project = ctx.pathParam("project");
        String branch = ctx.pathParam("branch");
        store.model(project, branch); // fail fast on a bad project or branch, before reading the body
        JsonNode choice = null;
        if (ctx.queryParam("storage") != null) {
            try {
                choice = Json.MAPPER.readTree(ctx.queryParam("storage"));
            } catch (IOException e) {
                throw new BadRequest("\"storage\" is a JSON object naming a storage adapter, e.g. {\"adapter\":\"local\"}");
            }
        }
        StorageAdapter storage = chosen(ctx, choice);
        StorageAdapter.Stored stored;
        try (InputStream in = new LimitedInputStream(ctx.bodyInputStream(), MAX_UPLOAD)) {
            stored = storage.put(in, n -> { });
        }
        ProjectArtifacts.Recorded r = artifacts.add(project, branch, name, type, storage, stored, "Upload artifact " + name, Requests.author(ctx));
        ObjectNode out = Json.MAPPER.createObjectNode().put("id", r.id()).put("commit", r.change().commit()).put("name", name)
                .put("sha256", stored.sha256()).put("size", stored.size());
        ctx.status(201).json(out);
    }

    /**
     * GET …/artifacts/{artifact}/data: the data under a file name with its type's extension. A model comes as a
     * plain-torch file that loads without DeepForge (see {@link ArtifactPreviews#portable}); {@code ?format=original}
     * gives the bytes as stored.
     */
    public void download(Context ctx) throws Exception {
        Artifact a = artifactAt(ctx);
        StorageAdapter storage = stored(ctx, a);
        String fileName = downloadName(a, storage);
        String format = Optional.ofNullable(ctx.queryParam("format")).orElse("");
        if (!format.isEmpty() && !format.equals("original") && !format.equals("portable")) {
            throw new BadRequest("?format= is \"portable\" (a model that loads with plain PyTorch, the default) or \"original\" (the bytes as stored)");
        }
        if (a.type().equals("torch.nn.Module") && !format.equals("original")) {
            Path portable;
            try {
                portable = previews.portable(ctx.pathParam("project"), a, storage);
            } catch (PreviewFailed e) {
                throw new BadRequest(e.status(), "cannot convert model \"" + a.name() + "\" for plain PyTorch: " + e.getMessage()
                        + " (?format=original downloads it as stored)");
            }
            attachment(ctx, fileName);
            ctx.header("X-Artifact-SHA256", a.data().sha256());
            ctx.header("X-Model-Format", ArtifactPreviews.PORTABLE_FORMAT);
            ctx.header("X-Content-SHA256", sha256(portable));
            try (InputStream in = Files.newInputStream(portable)) {
                in.transferTo(ctx.outputStream());
            }
            return;
        }
        attachment(ctx, fileName);
        ctx.header("X-Content-SHA256", a.data().sha256());
        try (InputStream in = storage.get(a.data().key())) {
            in.transferTo(ctx.outputStream());
        }
    }

    /** The hex sha256 of a file (the converted model a download sends, so clients can verify what they got). */
    private static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Headers of a download (set only once it is certain to succeed, so an error is never saved as the file). */
    private static void attachment(Context ctx, String fileName) {
        ctx.contentType("application/octet-stream");
        ctx.header("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
    }

    public void delete(Context ctx) throws Exception {
        String project = ctx.pathParam("project");
        String branch = ctx.pathParam("branch");
        String id = ctx.pathParam("artifact");
        ModelAt at = store.model(project, branch);
        JsonNode a = at.model().path("artifacts").get(id);
        if (a == null) {
            throw StoreException.notFound("branch " + branch + " has no artifact " + id);
        }
        var patch = Json.MAPPER.createArrayNode();
        patch.addObject().put("op", "remove").put("path", "/artifacts/" + id);
        ChangeResult r = store.apply(project, branch, new ChangeSet(Optional.of(at.commit()),
                "Delete artifact " + a.path("name").asText(id), patch, Requests.author(ctx)));
        ObjectNode out = Json.MAPPER.createObjectNode().put("commit", r.commit());
        if ("true".equals(ctx.queryParam("data"))) {
            ArtifactData.Outcome outcome = data.collect(project, a.path("storage"), Requests.principal(ctx));
            out.put("dataDeleted", outcome.deleted()).put("deleted", outcome.deleted() ? "record and data" : "record")
                    .put("data", outcome.deleted() ? "deleted" : "kept");
            if (!outcome.deleted()) {
                out.put("reason", outcome.reason());
            }
        } else {
            out.put("dataDeleted", false).put("deleted", "record").put("data", "kept");
        }
        ctx.json(out);
    }

    /**
     * Registers data already in a bucket as an artifact without copying it: {@code {"name", "type"?, "key",
     * "storage": {"adapter": "s3", ...}}}. The object is read once to record its sha256 and size.
     */
    public void importExisting(Context ctx) throws Exception {
        ObjectNode body = Bodies.object(ctx);
        String name = Bodies.requiredText(body, "name").strip();
        checkName(name);
        String type = body.path("type").asText("file");
        if (!type.matches("[A-Za-z0-9_.]{1,100}")) {
            throw new BadRequest("\"type\" names a serializer, e.g. file, numpy.ndarray or pickle");
        }
        String key = Bodies.requiredText(body, "key");
        if (!body.path("storage").isObject()) {
            throw new BadRequest("\"storage\" names where the object is, e.g. {\"adapter\": \"s3\", \"bucket\": ..., \"credentials\": ...}");
        }
        String project = ctx.pathParam("project");
        String branch = ctx.pathParam("branch");
        store.model(project, branch);
        StorageAdapter storage = chosen(ctx, body.get("storage"));
        StorageAdapter.Stored stored;
        try {
            stored = storage.importExisting(key);
        } catch (org.deepforge.exec.storage.StorageException e) {
            throw new BadRequest(e.getMessage());
        }
        ProjectArtifacts.Recorded r = artifacts.add(project, branch, name, type, storage, stored,
                "Import artifact " + name + " from " + storage.name(), Requests.author(ctx));
        ctx.status(201).json(Json.MAPPER.createObjectNode().put("id", r.id()).put("commit", r.change().commit()).put("name", name)
                .put("key", stored.key()).put("sha256", stored.sha256()).put("size", stored.size()));
    }

    /** The graph of how an artifact was made: jobs and artifacts as nodes, data flow as edges. */
    public void lineage(Context ctx) throws Exception {
        JsonNode model = store.model(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("ref")).orElse("")).model();
        String id = ctx.pathParam("artifact");
        if (!model.path("artifacts").has(id)) {
            throw StoreException.notFound("there is no artifact " + id);
        }
        ObjectNode graph = Json.MAPPER.createObjectNode();
        ArrayNode nodes = graph.putArray("nodes");
        ArrayNode edges = graph.putArray("edges");
        addArtifact(model, id, nodes, edges, new HashSet<>());
        ctx.json(graph);
    }

    private static void addArtifact(JsonNode model, String id, ArrayNode nodes, ArrayNode edges, Set<String> seen) {
        if (!seen.add("artifact:" + id)) {
            return;
        }
        Optional<Artifact> a = Artifact.read(model, id);
        nodes.addObject().put("id", "artifact:" + id).put("kind", "artifact").put("label", a.map(Artifact::name).orElse(id))
                .put("sha256", a.map(x -> x.data().sha256()).orElse(""));
        a.flatMap(Artifact::provenance).ifPresent(p -> {
            if (p.source() instanceof Provenance.FromJob job) {
                String from = addJob(model, job, nodes, edges, seen);
                edges.addObject().put("from", from).put("to", "artifact:" + id).put("port", p.port());
            }
        });
    }

    private static String addJob(JsonNode model, Provenance.FromJob p, ArrayNode nodes, ArrayNode edges, Set<String> seen) {
        String id = "job:" + p.execution() + "/" + p.job();
        if (!seen.add(id)) {
            return id;
        }
        ObjectNode n = nodes.addObject().put("id", id).put("kind", "job").put("label", p.operation())
                .put("execution", p.execution()).put("codeSha256", p.codeSha256());
        n.set("attributes", p.attributes());
        n.set("environment", p.environment().orElse(Json.MAPPER.missingNode()));
        for (Provenance.Input input : p.inputs()) {
            String source;
            if (input.from() instanceof Provenance.FromArtifact from) {
                addArtifact(model, from.artifact(), nodes, edges, seen);
                source = "artifact:" + from.artifact();
                if (!model.path("artifacts").has(from.artifact())) {
                    nodes.addObject().put("id", source).put("kind", "artifact").put("label", from.name()).put("missing", true);
                }
            } else {
                source = addJob(model, (Provenance.FromJob) input.from(), nodes, edges, seen);
            }
            edges.addObject().put("from", source).put("to", id).put("port", input.port()).put("sha256", input.sha256().orElse(null));
        }
        return id;
    }

    private Artifact artifactAt(Context ctx) throws Exception {
        JsonNode model = store.model(ctx.pathParam("project"), Optional.ofNullable(ctx.queryParam("ref")).orElse("")).model();
        return Artifact.read(model, ctx.pathParam("artifact"))
                .orElseThrow(() -> StoreException.notFound("there is no artifact " + ctx.pathParam("artifact")));
    }

    /** Why an artifact's data cannot be read: its key is not owned by the project (e.g. it came in an imported bundle). */
    static String notAvailable(String name) {
        return "the data of artifact \"" + name + "\" is not available on this server: this project does not own it "
                + "(an artifact record imported or copied from elsewhere; upload the data to this project instead)";
    }

    static void checkName(String name) {
        if (name.isEmpty()) {
            throw new BadRequest("give the artifact a name: ?name=…");
        }
        if (name.length() > 200 || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")
                || name.codePoints().anyMatch(Character::isISOControl)) {
            throw new BadRequest("\"" + (name.length() > 60 ? name.substring(0, 60) + "…" : name) + "\" cannot name an artifact: "
                    + "use up to 200 printable characters without / or \\");
        }
    }
}
