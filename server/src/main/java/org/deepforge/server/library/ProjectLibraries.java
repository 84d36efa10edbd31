package org.deepforge.server.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.deepforge.library.ArchitectureKind;
import org.deepforge.library.Libraries;
import org.deepforge.library.Library;
import org.deepforge.library.MigrationException;
import org.deepforge.library.Versions;
import org.deepforge.model.Json;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.server.http.BadRequest;
import org.deepforge.store.Author;
import org.deepforge.store.ChangeResult;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ModelAt;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;

/**
 * The libraries of a project ({@code project.libraries} in project.json, docs/libraries.md): which it uses, what uses
 * them, and adding, removing and upgrading one, each as one commit of a JSON patch of the model view.
 */
public final class ProjectLibraries {
    private final ProjectStore store;
    private final Libraries libraries;
    private final Function<String, List<String>> imports;

    /** {@code imports}: operation code → the top-level modules it imports (the analysis process). */
    public ProjectLibraries(ProjectStore store, Libraries libraries, Function<String, List<String>> imports) {
        this.store = store;
        this.libraries = libraries;
        this.imports = imports;
    }

    /** Operation code → the top-level modules it imports, as the analysis process reads it (Python's own grammar). */
    public static Function<String, List<String>> imports(Analysis analysis) {
        return code -> LibraryUses.modules(analysis.request(Json.MAPPER.createObjectNode().put("type", "imports").put("code", code)));
    }

    public Libraries libraries() {
        return libraries;
    }

    /** What a change did: its commit and the operations it added, kept or removed. */
    public record Outcome(String commit, String id, String version, List<String> operations, List<String> kept) {}

    /** Id → version; a project made before libraries uses PyTorch at the version this server has. */
    public Map<String, String> of(JsonNode model) {
        JsonNode map = model.path("project").path("libraries");
        Map<String, String> out = new TreeMap<>();
        if (map.isObject()) {
            map.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        } else {
            libraries.latest(ArchitectureKind.DEFAULT).ifPresent(l -> out.put(l.manifest().id(), l.manifest().version()));
        }
        return out;
    }

    /** The installed version a project's entry means: that version when installed, else the newest. */
    Optional<Library> installed(String id, String version) {
        return libraries.version(id, version).or(() -> libraries.latest(id));
    }

    /**
     * The first commit's content of a new project using {@code ids} (their newest versions): {@code project.libraries}
     * and, unless {@code empty}, each library's built-in operations marked with its id.
     *
     * @throws BadRequest (400) naming the installed libraries when an id is not one of them
     */
    public ObjectNode seed(List<String> ids, boolean empty) {
        ObjectNode content = Json.MAPPER.createObjectNode();
        ObjectNode map = content.putObject("project").putObject("libraries");
        ObjectNode operations = content.putObject("operations");
        for (String id : new LinkedHashSet<>(ids)) {
            Library library = libraries.latest(id).orElseThrow(() -> new BadRequest("there is no library \"" + id
                    + "\" on this server; \"libraries\" may name " + String.join(", ", libraries.ids())));
            map.put(id, library.manifest().version());
            if (!empty) {
                library.operations().forEach((name, op) -> {
                    if (!operations.has(name)) {
                        operations.set(name, op.deepCopy().put("library", id));
                    }
                });
            }
        }
        return content;
    }

    /** GET …/libraries: each library of the project with its installed and newest versions, kinds and uses. */
    public ArrayNode describe(JsonNode model) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        LibraryUses uses = new LibraryUses(imports);
        of(model).forEach((id, version) -> {
            Optional<Library> library = installed(id, version);
            Optional<Library> latest = libraries.latest(id);
            ObjectNode o = out.addObject().put("id", id).put("name", library.map(l -> l.manifest().name()).orElse(id)).put("version", version)
                    .put("installed", libraries.version(id, version).isPresent());
            o.put("latest", latest.map(l -> l.manifest().version()).orElse(null));
            latest.map(l -> l.manifest().version()).filter(v -> Versions.valid(version) && Versions.compare(v, version) > 0)
                    .ifPresent(v -> o.put("upgrade", v));
            ArrayNode kinds = o.putArray("kinds");
            library.ifPresent(l -> l.kinds().forEach(k -> kinds.add(k.id())));
            o.set("usedBy", uses.of(model, id, library));
        });
        return out;
    }

    /** Adds library {@code id} (its newest version unless {@code version} names one) and its built-in operations. */
    public Outcome add(String project, String branch, String id, Optional<String> version, Author author) throws IOException {
        Library library = version.isPresent() ? libraries.version(id, version.get()).orElseThrow(() -> notInstalled(id, version.get()))
                : libraries.latest(id).orElseThrow(() -> notInstalled(id, null));
        ModelAt at = store.model(project, branch);
        Map<String, String> current = of(at.model());
        if (current.containsKey(id)) {
            throw StoreException.conflict("the project already uses " + id + " " + current.get(id)
                    + "; to change its version, POST /api/v1/projects/" + project + "/libraries/" + id + "/upgrade");
        }
        String v = library.manifest().version();
        ArrayNode patch = Json.MAPPER.createArrayNode();
        Map<String, String> after = new TreeMap<>(current);
        after.put(id, v);
        setVersions(patch, at.model(), after, id);
        List<String> added = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        new TreeMap<>(library.operations()).forEach((name, op) -> {
            if (at.model().path("operations").has(name)) {
                kept.add(name);
            } else {
                patch.addObject().put("op", "add").put("path", "/operations/" + pointer(name)).set("value", op.deepCopy().put("library", id));
                added.add(name);
            }
        });
        ChangeResult r = store.apply(project, branch, new ChangeSet(Optional.of(at.commit()), "Add library " + library.manifest().name()
                + " " + v, patch, author));
        return new Outcome(r.commit(), id, v, added, kept);
    }

    /** Removes library {@code id} and its unchanged built-in operations; 409 naming what still uses it. */
    public Outcome remove(String project, String branch, String id, Author author) throws IOException {
        ModelAt at = store.model(project, branch);
        Map<String, String> current = of(at.model());
        if (!current.containsKey(id)) {
            throw StoreException.notFound("the project does not use a library \"" + id + "\"" + uses(current));
        }
        Optional<Library> library = installed(id, current.get(id));
        ArrayNode usedBy = new LibraryUses(imports).of(at.model(), id, library);
        if (!usedBy.isEmpty()) {
            ObjectNode detail = Json.MAPPER.createObjectNode();
            detail.set("usedBy", usedBy);
            throw new StoreException(StoreException.Kind.CONFLICT, id + " is still used: " + LibraryUses.describe(usedBy)
                    + "; remove or change these first", detail);
        }
        ArrayNode patch = Json.MAPPER.createArrayNode();
        Map<String, String> after = new TreeMap<>(current);
        after.remove(id);
        setVersions(patch, at.model(), after, id);
        List<String> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        at.model().path("operations").fields().forEachRemaining(o -> {
            if (LibraryUses.owns(id, library, o.getKey(), o.getValue())) {
                boolean unchanged = library.map(l -> l.operations().get(o.getKey()))
                        .map(builtin -> builtin.path("code").equals(o.getValue().path("code"))).orElse(false);
                if (unchanged) {
                    patch.addObject().put("op", "remove").put("path", "/operations/" + o.getKey());
                    removed.add(o.getKey());
                } else if (o.getValue().has("library")) {
                    // edited in the project: it stays, as the project's own
                    patch.addObject().put("op", "remove").put("path", "/operations/" + o.getKey() + "/library");
                    kept.add(o.getKey());
                }
            }
        });
        ChangeResult r = store.apply(project, branch, new ChangeSet(Optional.of(at.commit()), "Remove library "
                + library.map(l -> l.manifest().name()).orElse(id), patch, author));
        return new Outcome(r.commit(), id, current.get(id), removed, kept);
    }

    /** Migrates the project's files to {@code version} (default the newest) of library {@code id}, and records it: one commit. */
    public Outcome upgrade(String project, String branch, String id, Optional<String> version, Author author) throws IOException {
        ModelAt at = store.model(project, branch);
        Map<String, String> current = of(at.model());
        if (!current.containsKey(id)) {
            throw StoreException.notFound("the project does not use a library \"" + id + "\"" + uses(current));
        }
        Library target = version.isPresent() ? libraries.version(id, version.get()).orElseThrow(() -> notInstalled(id, version.get()))
                : libraries.latest(id).orElseThrow(() -> notInstalled(id, null));
        String from = current.get(id);
        String to = target.manifest().version();
        if (!Versions.valid(from)) {
            throw new BadRequest(422, "project.json names " + id + " version \"" + from + "\", which is not a version; fix project.json");
        }
        if (Versions.compare(from, to) >= 0) {
            throw StoreException.conflict("the project uses " + id + " " + from + ", which is not older than " + to
                    + (version.isEmpty() ? ", the newest installed" : "") + "; nothing to upgrade");
        }
        ArrayNode patch;
        try {
            patch = libraries.migrate(id, from, to, at.model());
        } catch (MigrationException e) {
            throw new BadRequest(422, "cannot upgrade " + id + " from " + from + " to " + to + ": " + e.getMessage());
        }
        Map<String, String> after = new TreeMap<>(current);
        after.put(id, to);
        setVersions(patch, at.model(), after, id);
        ChangeResult r = store.apply(project, branch, new ChangeSet(Optional.of(at.commit()), "Upgrade library "
                + target.manifest().name() + " from " + from + " to " + to, patch, author));
        return new Outcome(r.commit(), id, to, List.of(), List.of());
    }

    /** Appends the ops that make {@code project.libraries} equal {@code after}, which differs from the model's in {@code id} only. */
    private static void setVersions(ArrayNode patch, JsonNode model, Map<String, String> after, String id) {
        JsonNode map = model.path("project").path("libraries");
        if (!map.isObject()) {
            ObjectNode value = Json.MAPPER.createObjectNode();
            after.forEach(value::put);
            patch.addObject().put("op", "add").put("path", "/project/libraries").set("value", value);
        } else if (after.containsKey(id)) {
            patch.addObject().put("op", "add").put("path", "/project/libraries/" + pointer(id)).put("value", after.get(id));
        } else {
            patch.addObject().put("op", "remove").put("path", "/project/libraries/" + pointer(id));
        }
    }

    /** A JSON pointer token: '~' and '/' escaped (RFC 6901). */
    private static String pointer(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private StoreException notInstalled(String id, String version) {
        List<String> versions = libraries.versions(id);
        if (versions.isEmpty()) {
            return StoreException.notFound("there is no library \"" + id + "\" on this server; GET /api/v1/libraries lists them ("
                    + String.join(", ", libraries.ids()) + ")");
        }
        return StoreException.notFound(id + " " + version + " is not installed on this server; its versions here: " + String.join(", ", versions));
    }

    private static String uses(Map<String, String> current) {
        return current.isEmpty() ? "; it uses none" : "; it uses " + String.join(", ", new LinkedHashMap<>(current).keySet());
    }
}
