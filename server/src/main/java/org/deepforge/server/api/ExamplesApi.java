package org.deepforge.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.deepforge.exec.export.PipelineExport;
import org.deepforge.exec.storage.LocalStorage;
import org.deepforge.library.Libraries;
import org.deepforge.model.Json;
import org.deepforge.server.artifacts.ArtifactData;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Role;
import org.deepforge.store.Author;
import org.deepforge.store.ModelAt;
import org.deepforge.store.Project;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;
import org.deepforge.store.tree.TreeCodec;

/**
 * Example projects (the libraries' examples, docs/libraries.md: created on first start and on request) and pipelines
 * exported as plain Python.
 */
public final class ExamplesApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExamplesApi.class);
    private final ProjectStore store;
    private final Authz authz;
    private final Libraries libraries;
    private final PipelineExport export;
    private final LocalStorage storage;
    private final ArtifactData data;

    public ExamplesApi(ProjectStore store, Authz authz, Libraries libraries, PipelineExport export, LocalStorage storage, ArtifactData data) {
        this.data = data;
        this.store = store;
        this.authz = authz;
        this.libraries = libraries;
        this.export = export;
        this.storage = storage;
    }

    public void list(Context ctx) throws IOException {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Map.Entry<String, Map<String, byte[]>> example : examples().entrySet()) {
            JsonNode project = Json.MAPPER.readTree(example.getValue().get("project.json"));
            out.addObject().put("id", example.getKey()).put("name", project.path("name").asText())
                    .put("description", project.path("description").asText(""));
        }
        ctx.json(out);
    }

    /** Every library's examples (newest versions; ids are unique among libraries), by id. */
    private Map<String, Map<String, byte[]>> examples() {
        Map<String, Map<String, byte[]>> out = new TreeMap<>();
        libraries.latest().forEach(library -> out.putAll(library.examples()));
        return out;
    }

    public void create(Context ctx) throws IOException, java.sql.SQLException {
        Project p = create(ctx.pathParam("example"), Requests.author(ctx));
        authz.accounts().grant(p.id(), Requests.principal(ctx).id(), Role.OWNER);
        ctx.status(201).json(ProjectsApi.json(p, Role.OWNER));
    }

    /** A new project holding the example's operations, architectures and pipelines. */
    public Project create(String example, Author author) throws IOException {
        Map<String, byte[]> files = examples().get(example);
        if (files == null) {
            throw StoreException.notFound("no example \"" + example + "\"; GET /api/v1/examples lists them");
        }
        ObjectNode model = TreeCodec.model(files);
        Project p = store.create(model.path("project").path("name").asText(example), model.path("project").path("description").asText(""),
                model, author);
        try {
            data.claimAll(p.id()); // the server's own examples: whatever data they ship is theirs
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
        return p;
    }

    /** Every example, as new projects: what a fresh data directory starts with. */
    public void createAll(Author author) {
        for (String example : examples().keySet()) {
            try {
                create(example, author);
            } catch (StoreException | IOException e) {
                LOG.warn("example {} could not be created: {}", example, e.getMessage());
            }
        }
    }

    /** The {@code seed} query parameter of an export: 0 when absent, else a whole number from 0 to 2^32-1. */
    static long exportSeed(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            long seed = Long.parseLong(value);
            if (seed >= 0 && seed <= org.deepforge.exec.run.RunSpec.MAX_SEED) {
                return seed;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new org.deepforge.server.http.BadRequest("\"seed\" is a whole number from 0 to " + org.deepforge.exec.run.RunSpec.MAX_SEED
                + " (the seed of the run to reproduce, shown with the execution), not \"" + value + "\"");
    }

    /** GET …/pipelines/{id}/export?ref=&inputs=true&seed= → the pipeline as a zip of plain Python. */
    public void exportPipeline(Context ctx) throws Exception {
        String project = ctx.pathParam("project");
        String pipeline = ctx.pathParam("pipeline");
        ModelAt at = store.model(project, Optional.ofNullable(ctx.queryParam("ref")).orElse(""));
        if (!at.model().path("pipelines").has(pipeline)) {
            throw StoreException.notFound("there is no pipeline " + pipeline);
        }
        boolean withInputs = "true".equals(ctx.queryParam("inputs"));
        long seed = exportSeed(ctx.queryParam("seed"));
        String name = at.model().path("pipelines").path(pipeline).path("name").asText(pipeline).replaceAll("[^A-Za-z0-9._-]+", "-");
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".zip\"");
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        try {
            export.write(at.model(), pipeline, "project " + store.get(project).name() + ", commit " + at.commit().substring(0, 10),
                    artifact -> {
                        if (!withInputs) {
                            return Optional.empty();
                        }
                        JsonNode record = at.model().path("artifacts").path(artifact).path("storage");
                        String key = record.path("key").asText("");
                        try {
                            // only data the project owns, and only from this server's disk
                            if (key.isEmpty() || !record.path("adapter").asText("local").equals("local") || !data.readable(project, record)) {
                                return Optional.empty();
                            }
                            return Optional.<InputStream>of(storage.get(key));
                        } catch (IOException | java.sql.SQLException e) {
                            return Optional.empty();
                        }
                    }, buffer, seed);
        } catch (IllegalArgumentException e) {
            throw StoreException.badRequest("cannot export: " + e.getMessage());
        }
        ctx.result(buffer.toByteArray());
    }
}
