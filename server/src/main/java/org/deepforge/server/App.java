package org.deepforge.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.http.UriCompliance;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.deepforge.model.Json;
import org.deepforge.server.api.HistoryApi;
import org.deepforge.server.api.ModelApi;
import org.deepforge.server.api.ProjectsApi;
import org.deepforge.server.api.OperationsApi;
import org.deepforge.server.api.ExecutionsApi;
import org.deepforge.server.api.ArtifactsApi;
import org.deepforge.server.api.ArchitecturesApi;
import org.deepforge.server.api.ExamplesApi;
import org.deepforge.server.api.LibrariesApi;
import org.deepforge.server.library.LibraryRuntime;
import org.deepforge.server.library.ProjectLibraries;
import org.deepforge.library.GeneratedModule;
import org.deepforge.library.Libraries;
import org.deepforge.library.LibraryContext;
import org.deepforge.server.api.GitApi;
import org.deepforge.server.api.RetentionApi;
import org.deepforge.server.api.SessionsApi;
import org.deepforge.server.collab.SessionWatchers;
import org.deepforge.server.session.SessionLedger;
import org.deepforge.server.session.SessionSaves;
import org.deepforge.server.session.SessionTrainings;
import org.deepforge.server.session.SessionWorkspace;
import org.deepforge.exec.session.SessionManager;
import org.deepforge.exec.session.Sessions;
import org.deepforge.nn.TrainingCatalog;
import java.util.Map;
import org.deepforge.server.artifacts.ArtifactData;
import org.deepforge.server.artifacts.DataOwners;
import org.deepforge.server.artifacts.ProjectArtifacts;
import org.deepforge.exec.export.PipelineExport;
import org.deepforge.exec.bundle.ArchitectureModules;
import org.deepforge.exec.adapter.Adapters;
import org.deepforge.exec.storage.DirectoryStorage;
import org.deepforge.exec.storage.LocalStorage;
import org.deepforge.exec.storage.S3Storage;
import org.deepforge.exec.bundle.BundleWriter;
import org.deepforge.exec.compute.LocalCompute;
import org.deepforge.exec.compute.WarmPython;
import org.deepforge.exec.sandbox.JobIsolation;
import org.deepforge.exec.sandbox.Sandbox;
import org.deepforge.server.nnimport.ModelImporter;
import org.deepforge.server.preview.ArtifactPreviews;
import org.deepforge.server.retention.ExecutionDeletion;
import org.deepforge.server.retention.Retention;
import org.deepforge.server.retention.RetentionPolicies;
import org.deepforge.exec.run.Executions;
import org.deepforge.exec.run.RunService;
import org.deepforge.exec.run.Execution;
import org.deepforge.exec.run.RunStore;
import org.deepforge.exec.run.SqliteRunStore;
import org.deepforge.ops.OperationRules;
import org.deepforge.ops.Operations;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;
import java.time.Duration;
import org.deepforge.server.api.Route;
import org.deepforge.server.api.Routes;
import org.deepforge.server.api.SecretsApi;
import org.deepforge.server.run.Placements;
import org.deepforge.server.secrets.SecretStore;
import org.deepforge.server.auth.Access;
import org.deepforge.server.api.AccountApi;
import org.deepforge.server.api.AdminApi;
import org.deepforge.server.api.MembersApi;
import org.deepforge.server.auth.Audit;
import org.deepforge.server.auth.LoginLimiter;
import org.deepforge.server.auth.Accounts;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.collab.CollabHub;
import org.deepforge.server.db.Database;
import org.deepforge.server.http.Errors;
import org.deepforge.server.http.Inputs;
import org.deepforge.server.http.JsonErrorHandler;
import org.deepforge.store.Bundles;
import org.deepforge.store.GitUpload;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.VersionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the server together: every object is made here, by constructor. */
public final class App implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    private final ServerConfig config;
    private final ProjectStore store;
    private final Javalin javalin;
    private final List<Route> routes;
    private final CollabHub hub;
    private final Analysis analysis;
    private final Executions executions;
    private final Optional<WarmPython> warm;
    private final Optional<WarmPython> warmLight;
    private final Sessions sessions;
    private final Libraries libraries;

    private App(ServerConfig config) throws Exception {
        this.config = config;
        boolean loopback = isLoopback(config.host());
        boolean accountsMode = config.accounts() || !loopback;
        Files.createDirectories(config.dataDir());
        // trying the sandbox runs bwrap (tens of milliseconds): meanwhile the databases and the store open
        CompletableFuture<JobIsolation> sandboxProbe = config.isolation().sandbox()
                ? CompletableFuture.supplyAsync(() -> JobIsolation.detect(config.isolation().jobNetwork()))
                : CompletableFuture.completedFuture(new JobIsolation.Unconfined());
        Database db = new Database(config.dataDir().resolve("deepforge.db"));
        Accounts accounts = new Accounts(db);
        if (!loopback && accounts.activeAdmins() == 0) {
            throw new IllegalArgumentException("refusing to listen on " + config.host() + ": a server reachable from other "
                    + "machines runs in accounts mode, and no administrator exists yet. Create one first with\n"
                    + "    ./deepforge users add --admin NAME --data-dir " + config.dataDir() + "\n"
                    + "or listen on this machine only (--host 127.0.0.1)");
        }
        store = new ProjectStore(config.dataDir());
        PythonRuntime runtime = PythonRuntime.unpack(config.dataDir().resolve("runtime").resolve("python"));
        analysis = new Analysis(config.python(), runtime.root(), Duration.ofSeconds(20));
        store.setHook(new OperationRules(analysis));
        // the libraries (docs/libraries.md): the class path's and those given with --library, installed by the administrator
        // and trusted like the server's own code (a directory library's migration scripts run unsandboxed)
        try {
            libraries = Libraries.load(LibraryContext.of(Optional.of(analysis), Optional.of(runtime.root())), App.class.getClassLoader(),
                    config.libraries(), config.dataDir().resolve("libraries"), List.of(config.python(), "-u"));
        } catch (IllegalArgumentException e) {
            store.close();
            analysis.close();
            throw e;
        }
        ProjectLibraries projectLibraries = new ProjectLibraries(store, libraries, ProjectLibraries.imports(analysis));
        // TODO(lib-runtime): pass libraryPackages where branch lib-runtime's constructors take a LibraryPackages:
        // new BundleWriter(runtime.root(), true, modules, libraryPackages), new PipelineExport(runtime.root(), modules, libraryPackages),
        // new SessionManager(…, modules, libraryPackages), new ArtifactPreviews(store, modules, libraryPackages, …)
        LibraryRuntime libraryPackages = LibraryRuntime.write(libraries, config.dataDir().resolve("runtime").resolve("libraries"),
                projectLibraries);
        Operations operations = new Operations(store, analysis);
        VersionControl vc = new VersionControl(store);
        Bundles bundles = new Bundles(store);
        Authz authz = new Authz(accounts, !accountsMode);
        Audit audit = new Audit(db);
        RunStore runs = new SqliteRunStore(config.dataDir().resolve("runs.db"));
        int cores = Runtime.getRuntime().availableProcessors();
        LocalStorage storage = new LocalStorage(config.dataDir().resolve("artifacts"));
        // what a job's reference to an architecture receives: the module its kind generates
        ArchitectureModules modules = architecture -> {
            GeneratedModule module = libraries.kindOf(architecture).generate(architecture);
            return new ArchitectureModules.Module(module.name(), module.code());
        };
        // users' code runs only in a sandbox (docs/security.md); without one, local jobs and imports are refused
        JobIsolation isolation = sandboxProbe.join();
        if (isolation instanceof JobIsolation.Refused r) {
            LOG.error("{}", r.message());
        } else if (isolation instanceof JobIsolation.Unconfined) {
            LOG.warn("--unsafe-no-sandbox: jobs and model imports run unconfined, as this server's user; never do this on a shared server");
        }
        Optional<Sandbox> sandbox = isolation instanceof JobIsolation.Sandboxed s ? Optional.of(s.sandbox()) : Optional.empty();
        Optional<java.nio.file.Path> jobsRoot = sandbox.map(s -> config.dataDir().resolve("runs"));
        // a pre-started Python with torch/numpy/matplotlib imported forks each job: milliseconds instead of seconds.
        // They are launched once the server answers (start), so their imports do not slow its start; jobs
        // submitted before they are ready start cold, as whenever a warm Python cannot take a job
        boolean warmStart = config.warmStart() && !(isolation instanceof JobIsolation.Refused);
        warm = warmStart ? Optional.of(new WarmPython(config.python(), runtime.root(), java.util.Map.of(), WarmPython.HEAVY,
                sandbox, jobsRoot)) : Optional.empty();
        warmLight = warmStart
                ? Optional.of(new WarmPython(config.python(), runtime.root(), java.util.Map.of(), WarmPython.LIGHT, sandbox, jobsRoot))
                : Optional.empty();
        // every adapter is declared once (name, title, option schema, credentials, factory) and registered here
        LocalCompute localCompute = new LocalCompute(config.python(), 1, warm, warmLight, isolation);
        // a Slurm cluster is reached with this server's SLURM_CONF, or over SSH to a login node named in the run dialog
        org.deepforge.exec.compute.SlurmCompute slurmCompute = new org.deepforge.exec.compute.SlurmCompute(slurmClient(config));
        Adapters adapters = new Adapters()
                .compute(localCompute.kind())
                .compute(slurmCompute.kind())
                .storage(storage.kind())
                .storage(S3Storage.kind())
                .storage(DirectoryStorage.kind(config.dataDir()));
        SecretStore secrets = new SecretStore(db, config.dataDir().resolve("secrets.key"), adapters.secretKinds());
        // artifact data belongs to the projects that stored it; Input nodes read only what their project owns
        DataOwners owners = new DataOwners(db);
        Placements placements = new Placements(adapters, secrets).readCheck(owners::readable);
        ArtifactData artifactData = new ArtifactData(owners, store, placements, authz);
        artifactData.backfill();
        ProjectArtifacts projectArtifacts = new ProjectArtifacts(store, placements, artifactData, runs);
        // deleting executions (one, many, or by a project's retention policy, applied whenever one of its executions ends)
        ExecutionDeletion deletion = new ExecutionDeletion(runs, config.dataDir().resolve("runs"), store, vc, artifactData, db);
        deletion.sweep();
        Retention retention = new Retention(runs, new RetentionPolicies(db), deletion);
        // interactive sessions start through the same compute adapters as jobs; they outlive this server's process
        sessions = new SessionManager(sessionConfig(config, runtime.root()),
                Map.of(localCompute.name(), localCompute, slurmCompute.name(), slurmCompute), modules);
        SessionWatchers sessionWatchers = new SessionWatchers(sessions, authz);
        sessions.listen(sessionWatchers);
        // executions are recorded apart from projects; the hub authorises watching one by its project
        hub = new CollabHub(store, vc, authz, id -> {
            try {
                return runs.execution(id).map(Execution::project);
            } catch (SQLException e) {
                LOG.warn("cannot read execution {}: {}", id, e.toString());
                return Optional.empty();
            }
        }, sessionWatchers);
        store.addListener(hub);
        Guard guard = new Guard(authz, audit, id -> sessions.get(id).map(SessionWorkspace::grant));
        executions = new Executions(runs, config.dataDir().resolve("runs"), new BundleWriter(runtime.root(), true, modules), placements,
                projectArtifacts, cores, retention.afterRuns(hub));
        RunService runService = new RunService(store, vc, operations, executions, placements);
        // artifacts are looked into (and models made portable) only in a sandboxed process, cached by sha256
        ArtifactPreviews previews = new ArtifactPreviews(store, modules, config.python(), runtime.root(), isolation,
                config.isolation().importTimeout(), config.isolation().importMemory(), config.dataDir().resolve("previews"));
        ArtifactsApi artifactsApi = new ArtifactsApi(store, placements, artifactData, projectArtifacts,
                new org.deepforge.exec.reify.Reification(store, vc, runService, operations), previews);
        ArchitecturesApi architecturesApi = new ArchitecturesApi(store, libraries, analysis, new ModelImporter(config.python(),
                runtime.root(), isolation, config.isolation().importTimeout(), config.isolation().importMemory()), runService);
        boolean fresh = store.list().isEmpty() && !Files.exists(config.dataDir().resolve(".examples-created"));
        ExamplesApi examplesApi = new ExamplesApi(store, authz, libraries,
                new PipelineExport(runtime.root(), modules), storage, artifactData);
        // in accounts mode nobody would own them: users create examples from the Examples panel instead
        if (config.examples() && fresh && !accountsMode) {
            examplesApi.createAll(new org.deepforge.store.Author(Authz.LOCAL.id(), Authz.LOCAL.name(), Authz.LOCAL.email()));
            Files.writeString(config.dataDir().resolve(".examples-created"), "examples created on first start\n");
        }
        int resumed = runService.recover();
        if (resumed > 0) {
            LOG.info("took up {} execution(s) that were running when the server stopped", resumed);
        }
        ExecutionsApi executionsApi = new ExecutionsApi(runService, placements);
        routes = Routes.table(new ProjectsApi(store, bundles, authz, projectLibraries, artifactData, sessions), new ModelApi(store), new HistoryApi(vc, new org.deepforge.store.Notebook(store)),
                new AccountApi(authz, audit, new LoginLimiter(java.time.Clock.systemUTC()), config.signup()),
                new AdminApi(authz, audit), new MembersApi(authz, audit), new OperationsApi(operations, libraries), executionsApi, artifactsApi,
                architecturesApi, examplesApi, new SecretsApi(secrets), new GitApi(new GitUpload(store, Duration.ofSeconds(60)), Math.min(32, 2 * cores)),
                new RetentionApi(retention, runs), sessionsApi(store, placements, artifactData, projectArtifacts, authz),
                new LibrariesApi(store, projectLibraries));

        ObjectMapper mapper = Json.MAPPER.copy().registerModule(new Jdk8Module()).registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        javalin = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.http.maxRequestSize = 16L * 1024 * 1024;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            cfg.startup.showJavalinBanner = false;
            // branch names may contain '/', sent as %2F inside one path segment
            cfg.jetty.modifyHttpConfiguration(h -> h.setUriCompliance(UriCompliance.from(EnumSet.of(
                    UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING))));
            cfg.jetty.modifyServletContextHandler(h -> h.getServletHandler().setDecodeAmbiguousURIs(true));
            // what Jetty answers itself (malformed request line or headers, 414, 431, refused URIs) is JSON too
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            cfg.jetty.modifyServletContextHandler(h -> h.setErrorHandler(new JsonErrorHandler()));
            if (App.class.getResource("/webapp/index.html") != null) {
                cfg.staticFiles.add(s -> {
                    s.hostedPath = "/";
                    s.directory = "/webapp";
                    s.location = Location.CLASSPATH;
                    s.precompressMaxSize = 0;
                });
                cfg.spaRoot.addHandler("/", App::spa);
            } else {
                LOG.warn("the web UI is not on the classpath (build the web module); serving the API only");
            }
            cfg.routes.before(Guard::securityHeaders);
            for (Route route : routes) {
                cfg.routes.addHttpHandler(route.method(), route.path(), ctx -> {
                    Inputs.check(ctx);
                    guard.authorise(route, ctx);
                    route.handler().handle(ctx);
                });
            }
            // the upgrade request is authenticated like any other: no credentials, no socket
            cfg.jetty.modifyServletContextHandler(h -> h.addFilter(guard.upgradeFilter(), "/api/v1/ws",
                    EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
            // a co-editing update may carry a pasted file (code up to 1,000,000 characters, JSON-escaped)
            cfg.jetty.modifyWebSocketServletFactory(f -> f.setMaxTextMessageSize(8L * 1024 * 1024));
            cfg.routes.ws("/api/v1/ws", hub::configure);
            cfg.routes.exception(Exception.class, Errors::handle);
            cfg.routes.error(404, ctx -> {
                // Javalin's own "Endpoint … not found" text appears once any before-handler matched the path
                // (on any path: a method the web UI never serves, e.g. CONNECT /, gets it too)
                String result = ctx.result();
                if (result == null ? notTheUi(ctx) : result.startsWith("Endpoint ")) {
                    ctx.json(Errors.body("no such route: " + ctx.method() + " " + ctx.path() + " (see docs/api.md)"));
                }
            });
            cfg.routes.error(405, ctx -> {
                if (notTheUi(ctx)) {
                    ctx.json(Errors.body(ctx.method() + " is not allowed on " + ctx.path()));
                }
            });
        });
    }

    /** The API's and git's paths: unknown ones are JSON errors, never the web UI's page. */
    private static boolean notTheUi(Context ctx) {
        return ctx.path().startsWith("/api/") || ctx.path().startsWith(GitApi.PREFIX);
    }

    private static void spa(Context ctx) throws IOException {
        if (notTheUi(ctx)) {
            ctx.status(404).json(Errors.body("no such route: " + ctx.method() + " " + ctx.path() + " (see docs/api.md)"));
            return;
        }
        try (var in = App.class.getResourceAsStream("/webapp/index.html")) {
            ctx.html(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The REST side of interactive sessions, over {@link #sessions}. */
    private SessionsApi sessionsApi(ProjectStore store, Placements placements, ArtifactData data, ProjectArtifacts artifacts, Authz authz) {
        SessionLedger ledger = new SessionLedger(config.dataDir().resolve("session-ledger"));
        sessions.listen(ledger);
        SessionWorkspace workspace = new SessionWorkspace(sessions, store, placements, data, ledger, config.dataDir().resolve("sessions-loading"));
        return new SessionsApi(sessions, workspace, new SessionSaves(sessions, workspace, store, placements, artifacts, ledger,
                config.dataDir().resolve("sessions-saving")), new SessionTrainings(sessions, ledger), TrainingCatalog.bundled(), authz);
    }

    /** Where sessions live (next to the run database that records them) and the limits the flags set. */
    private static SessionManager.Config sessionConfig(ServerConfig config, java.nio.file.Path runtime) {
        ServerConfig.SessionLimits limits = config.sessions();
        String agent = limits.agentAddress() == null ? config.host() + ":0" : limits.agentAddress();
        int colon = agent.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--session-agent-address is HOST:PORT (PORT 0 picks a free one), not \"" + agent + "\"");
        }
        int port;
        try {
            port = Integer.parseInt(agent.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--session-agent-address is HOST:PORT with a port number, not \"" + agent + "\"");
        }
        String host = agent.substring(0, colon).replaceAll("^\\[|\\]$", "");
        return SessionManager.Config.of(config.dataDir().resolve("sessions"), config.dataDir().resolve("runs.db"), runtime)
                .withMaxPerUser(limits.perUser()).withIdleTimeout(limits.idleTimeout())
                .withAgentAddress(new java.net.InetSocketAddress(host, port));
    }

    /** The Slurm client's settings: the server's own SLURM_CONF, unless {@code --slurm-conf} names another. */
    private static java.util.Map<String, String> slurmClient(ServerConfig config) {
        return config.slurmConf() == null ? java.util.Map.of() : java.util.Map.of("SLURM_CONF", config.slurmConf().toAbsolutePath().toString());
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host \"" + host + "\"", e);
        }
    }

    /** Starts a server; the caller closes it. */
    public static App start(ServerConfig config) throws Exception {
        App app = new App(config);
        app.javalin.start();
        // the light one first: it is ready in a fraction of the time and takes most small jobs
        for (WarmPython w : List.of(app.warmLight, app.warm).stream().flatMap(Optional::stream).toList()) {
            try {
                w.start();
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot start a warm Python; its jobs start cold: {}", e.toString());
            }
        }
        LOG.info("DeepForge serving {} on http://{}:{}/", config.dataDir(), config.host(), app.port());
        return app;
    }

    public int port() {
        return javalin.port();
    }

    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + (host.equals("127.0.0.1") ? "localhost" : host) + ":" + port();
    }

    public List<Route> routes() {
        return routes;
    }

    /** Interactive sessions (tests stop theirs: closing the server leaves them running). */
    public Sessions sessions() {
        return sessions;
    }

    public CollabHub hub() {
        return hub;
    }

    /** The project store (embedding and tests, e.g. to date commits with a scripted clock). */
    public ProjectStore store() {
        return store;
    }

    @Override
    public void close() {
        javalin.stop();
        sessions.close(); // sessions keep running: they reattach when the server starts again
        hub.close(); // commits text still being typed before the store closes
        try {
            executions.close();
        } catch (SQLException e) {
            LOG.warn("closing the run database: {}", e.toString());
        }
        store.close();
        analysis.close();
        warm.ifPresent(WarmPython::close);
        warmLight.ifPresent(WarmPython::close);
        libraries.close();
    }
}
