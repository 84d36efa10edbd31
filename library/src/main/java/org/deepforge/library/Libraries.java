package org.deepforge.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.flipkart.zjsonpatch.JsonPatch;
import com.flipkart.zjsonpatch.JsonPatchApplicationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's libraries (docs/libraries.md): those on its class path (ServiceLoader) and those given by path, a
 * library directory or a {@code .zip} of one. Several versions of one library may be installed; a kind id belongs to
 * one library. Problems (a bad {@code library.json}, a duplicate version or kind) stop the server's start with a
 * message naming the path.
 */
public final class Libraries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Libraries.class);

    private final Map<String, NavigableMap<String, Library>> byId;
    private final Map<String, String> kindOwners;
    private final List<URLClassLoader> loaders;

    private Libraries(Map<String, NavigableMap<String, Library>> byId, Map<String, String> kindOwners, List<URLClassLoader> loaders) {
        this.byId = byId;
        this.kindOwners = kindOwners;
        this.loaders = loaders;
    }

    /** Just these libraries (tests, tools). */
    public static Libraries of(List<Library> libraries) {
        return build(libraries, List.of());
    }

    /**
     * The providers on {@code classPath}'s ServiceLoader and the libraries at {@code paths}; archives are unpacked under
     * {@code unpackRoot}; {@code python} runs directory libraries' migration scripts.
     *
     * @throws IllegalArgumentException saying which path or library to fix
     */
    public static Libraries load(LibraryContext context, ClassLoader classPath, List<Path> paths, Path unpackRoot, List<String> python) {
        List<Library> found = new ArrayList<>();
        for (LibraryProvider provider : ServiceLoader.load(LibraryProvider.class, classPath)) {
            found.add(provider.create(context));
        }
        List<URLClassLoader> loaders = new ArrayList<>();
        for (Path path : paths) {
            try {
                Path directory = path;
                if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".zip")) {
                    directory = LibraryArchive.unpack(path, unpackRoot);
                } else if (!Files.isDirectory(path)) {
                    throw new IOException("it is neither a library directory nor a .zip of one");
                }
                found.add(fromDirectory(context, classPath, directory, python, loaders));
            } catch (IOException | UncheckedIOException | IllegalArgumentException | ServiceConfigurationError e) {
                loaders.forEach(Libraries::closeQuietly);
                throw new IllegalArgumentException("cannot install the library " + path + ": " + e.getMessage(), e);
            }
        }
        return build(found, loaders);
    }

    private static Library fromDirectory(LibraryContext context, ClassLoader parent, Path directory, List<String> python,
                                         List<URLClassLoader> loaders) throws IOException {
        LibraryManifest manifest = LibraryDirectory.manifest(directory);
        Optional<Library> code = Optional.empty();
        Path lib = directory.resolve("lib");
        if (Files.isDirectory(lib, LinkOption.NOFOLLOW_LINKS)) {
            List<URL> jars = new ArrayList<>();
            try (Stream<Path> files = Files.list(lib)) {
                for (Path jar : files.filter(f -> f.toString().endsWith(".jar") && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                        .sorted().toList()) {
                    jars.add(url(jar));
                }
            }
            if (!jars.isEmpty()) {
                URLClassLoader loader = new URLClassLoader("library-" + manifest.id(), jars.toArray(URL[]::new), parent);
                loaders.add(loader);
                // only the providers of these jars: the parent's (the server's own) are found by the class path already
                List<LibraryProvider> providers = ServiceLoader.load(LibraryProvider.class, loader).stream()
                        .filter(p -> p.type().getClassLoader() == loader).map(ServiceLoader.Provider::get).toList();
                if (providers.size() != 1) {
                    throw new IOException("lib/ must hold exactly one org.deepforge.library.LibraryProvider (listed in "
                            + "META-INF/services/org.deepforge.library.LibraryProvider); found " + providers.size());
                }
                Library library = providers.get(0).create(context.in(directory));
                LibraryManifest given = library.manifest();
                if (!given.id().equals(manifest.id()) || !given.version().equals(manifest.version())) {
                    throw new IOException("its jar provides " + given.id() + " " + given.version() + " but library.json says "
                            + manifest.id() + " " + manifest.version());
                }
                code = Optional.of(library);
            }
        }
        LOG.info("library {} {} from {}", manifest.id(), manifest.version(), directory);
        return new DirectoryLibrary(manifest, directory, code, python);
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(jar + ": " + e.getMessage(), e);
        }
    }

    private static Libraries build(List<Library> libraries, List<URLClassLoader> loaders) {
        Map<String, NavigableMap<String, Library>> byId = new TreeMap<>();
        for (Library library : libraries) {
            LibraryManifest m = library.manifest();
            Library before = byId.computeIfAbsent(m.id(), id -> new TreeMap<>(Versions.ORDER)).putIfAbsent(m.version(), library);
            if (before != null) {
                loaders.forEach(Libraries::closeQuietly);
                throw new IllegalArgumentException("the library " + m.id() + " " + m.version() + " is installed twice (" + where(before)
                        + " and " + where(library) + "); give each version once");
            }
        }
        // a kind id belongs to one library (any of its versions)
        Map<String, String> kindOwners = new TreeMap<>();
        Map<String, String> exampleOwners = new TreeMap<>();
        for (var versions : byId.values()) {
            for (Library library : versions.values()) {
                String id = library.manifest().id();
                for (ArchitectureKind kind : library.kinds()) {
                    String owner = kindOwners.putIfAbsent(kind.id(), id);
                    if (owner != null && !owner.equals(id)) {
                        loaders.forEach(Libraries::closeQuietly);
                        throw new IllegalArgumentException("the architecture kind \"" + kind.id() + "\" is provided by both " + owner
                                + " and " + id + "; a kind id must be unique among libraries");
                    }
                }
            }
            Library latest = versions.lastEntry().getValue();
            for (String example : latest.examples().keySet()) {
                String owner = exampleOwners.putIfAbsent(example, latest.manifest().id());
                if (owner != null) {
                    loaders.forEach(Libraries::closeQuietly);
                    throw new IllegalArgumentException("the example \"" + example + "\" is provided by both " + owner + " and "
                            + latest.manifest().id() + "; example ids must be unique among libraries");
                }
            }
        }
        Map<String, NavigableMap<String, Library>> frozen = new LinkedHashMap<>();
        byId.forEach((id, versions) -> frozen.put(id, Collections.unmodifiableNavigableMap(versions)));
        return new Libraries(Collections.unmodifiableMap(frozen), Map.copyOf(kindOwners), List.copyOf(loaders));
    }

    private static String where(Library library) {
        return library instanceof DirectoryLibrary d ? d.directory().toString() : library.getClass().getName();
    }

    /** The newest version of each library, by id. */
    public List<Library> latest() {
        return byId.values().stream().map(v -> v.lastEntry().getValue()).toList();
    }

    public Optional<Library> latest(String id) {
        return Optional.ofNullable(byId.get(id)).map(v -> v.lastEntry().getValue());
    }

    /** Installed versions of {@code id}, oldest first (empty when none). */
    public List<String> versions(String id) {
        return byId.containsKey(id) ? List.copyOf(byId.get(id).keySet()) : List.of();
    }

    public Optional<Library> version(String id, String version) {
        return Optional.ofNullable(byId.get(id)).map(v -> v.get(version));
    }

    /** The ids of the installed libraries, sorted. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** The kind with this id, from the newest version of the library that provides it. */
    public Optional<ArchitectureKind> kind(String kindId) {
        return owner(kindId).flatMap(library -> library.kinds().stream().filter(k -> k.id().equals(kindId)).findFirst());
    }

    /** The newest version of the library that provides the kind. */
    public Optional<Library> owner(String kindId) {
        return Optional.ofNullable(kindOwners.get(kindId)).flatMap(this::latest);
    }

    /** The kind id an architecture names ({@link ArchitectureKind#DEFAULT} when it names none). */
    public static String kindId(JsonNode architecture) {
        JsonNode kind = architecture.get("kind");
        if (kind == null || kind.isNull()) {
            return ArchitectureKind.DEFAULT;
        }
        if (!kind.isTextual()) {
            throw new UnknownKindException("an architecture's \"kind\" is a string such as \"pytorch\", not " + Json.compact(kind));
        }
        return kind.asText();
    }

    /** The kind of an architecture; {@link UnknownKindException} (422) when no installed library provides it. */
    public ArchitectureKind kindOf(JsonNode architecture) {
        String id = kindId(architecture);
        return kind(id).orElseThrow(() -> new UnknownKindException("the architecture is of kind \"" + id
                + "\", which no library on this server provides (kinds here: " + String.join(", ", new TreeMap<>(kindOwners).keySet())
                + "); ask the administrator to install the library that provides it"));
    }

    /**
     * The patch that moves a project's files from version {@code from} of library {@code id} to {@code to}: each
     * installed version after {@code from} up to {@code to} migrates from the one before it, in order, and the
     * patches are applied one after the other (their concatenation is the answer).
     */
    public ArrayNode migrate(String id, String from, String to, JsonNode model) throws MigrationException {
        NavigableMap<String, Library> versions = byId.get(id);
        if (versions == null || !versions.containsKey(to)) {
            throw new MigrationException(id + " " + to + " is not installed on this server");
        }
        ArrayNode all = Json.MAPPER.createArrayNode();
        JsonNode current = model.deepCopy();
        String previous = from;
        for (Library step : versions.subMap(from, false, to, true).values()) {
            String stepVersion = step.manifest().version();
            ArrayNode patch = step.migrate(previous, current);
            try {
                current = JsonPatch.apply(patch, current);
            } catch (JsonPatchApplicationException | IllegalArgumentException e) {
                throw new MigrationException(id + " " + stepVersion + "'s migration from " + previous + " is a patch that does not apply: "
                        + e.getMessage(), e);
            }
            all.addAll(patch);
            previous = stepVersion;
        }
        return all;
    }

    @Override
    public void close() {
        loaders.forEach(Libraries::closeQuietly);
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("closing {}: {}", loader.getName(), e.toString());
        }
    }
}
