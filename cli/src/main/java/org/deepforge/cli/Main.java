package org.deepforge.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.deepforge.cli.client.ApiException;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code deepforge} command line. */
@Command(name = "deepforge", mixinStandardHelpOptions = true, version = "DeepForge 0.1.0",
        description = "A workbench for deep learning in scientific computing.",
        subcommands = {Main.Serve.class, Users.class, Login.class, Logout.class, Projects.class, Pipelines.class, Run.class,
                Executions.class, Logs.class, Artifacts.class, Export.class, Completion.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the server refused a request, the execution failed, or a download did not match its sha256",
                "2:usage error", "3:the followed execution was cancelled", "4:the server could not be reached"})
public final class Main implements Runnable {
    private final Map<String, String> env;

    public Main() {
        this(System.getenv());
    }

    /** A command line reading its environment ($DEEPFORGE_SERVER, $DEEPFORGE_TOKEN, $XDG_CONFIG_HOME) from {@code env}. */
    public Main(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        System.exit(commandLine(new Main()).execute(args));
    }

    /** The command line with its error handling: a refused request prints the server's message, not a stack trace. */
    public static CommandLine commandLine(Main main) {
        return new CommandLine(main).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ApiException api) {
                cmd.getErr().println("deepforge: " + api.getMessage());
                cmd.getErr().flush();
                return api.unreachable() ? ExitCodes.UNREACHABLE : ExitCodes.FAILED;
            }
            if (e instanceof IOException || e instanceof UncheckedIOException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("deepforge: " + e.getMessage());
                cmd.getErr().flush();
                return ExitCodes.FAILED;
            }
            throw e;
        });
    }

    Map<String, String> env() {
        return env;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** {@code deepforge serve}: runs the server until interrupted. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the DeepForge server.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", description = "TCP port (default: ${DEFAULT-VALUE})")
        int port = ServerConfig.DEFAULT_PORT;

        @Option(names = "--host", description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only)")
        String host = ServerConfig.DEFAULT_HOST;

        @Option(names = "--data-dir", description = "where projects and the database live (default: ${DEFAULT-VALUE})")
        Path dataDir = Path.of(System.getProperty("user.home"), ".deepforge");

        @Option(names = "--python", description = "Python interpreter for analysis and jobs (default: $DEEPFORGE_PYTHON or ${DEFAULT-VALUE})")
        String python = System.getenv().getOrDefault("DEEPFORGE_PYTHON", ServerConfig.DEFAULT_PYTHON);

        @Option(names = "--no-warm-start", description = "start every job as a fresh Python process instead of forking a pre-started one")
        boolean noWarmStart;

        @Option(names = "--accounts", description = "users sign in (always so when --host is not a loopback address); "
                + "create the first administrator with `deepforge users add --admin NAME`")
        boolean accounts;

        @Option(names = "--signup", description = "in accounts mode, let anyone who reaches the server create an account "
                + "(off by default: accounts can run code on this machine)")
        boolean signup;

        @Option(names = "--no-job-network", description = "local jobs get no network at all (by default they have it, and an "
                + "execution may turn it off for its own jobs)")
        boolean noJobNetwork;

        @Option(names = "--import-timeout", description = "seconds a model import may run (default: ${DEFAULT-VALUE})")
        int importTimeout = 120;

        @Option(names = "--import-memory", description = "MiB of memory a model import may use (default: ${DEFAULT-VALUE})")
        long importMemory = 4096;

        @Option(names = "--slurm-conf", paramLabel = "FILE", description = "the Slurm configuration the Slurm adapter's "
                + "commands read (default: this server's SLURM_CONF, else Slurm's own default)")
        Path slurmConf;

        @Option(names = "--session-limit", description = "interactive sessions one user may run at once (default: ${DEFAULT-VALUE})")
        int sessionLimit = 2;

        @Option(names = "--session-idle-timeout", paramLabel = "DURATION", description = "stop an interactive session after this long "
                + "without activity, such as 90s, 30m or 2h (default: ${DEFAULT-VALUE})")
        String sessionIdleTimeout = "30m";

        @Option(names = "--session-agent-address", paramLabel = "HOST:PORT", description = "where the agents of sessions running "
                + "elsewhere (Slurm) connect back (default: the --host address, a free port)")
        String sessionAgentAddress;

        @Option(names = "--library", paramLabel = "PATH", description = "install a library (docs/libraries.md): a library directory "
                + "or a .zip of one; repeatable, also for several versions of one library")
        List<Path> libraries = new ArrayList<>();

        @Option(names = "--unsafe-no-sandbox", description = "DEVELOPMENT ONLY: run jobs and model imports without the "
                + "bubblewrap sandbox, as this server's user, seeing all it sees; never on a server others use")
        boolean unsafeNoSandbox;

        /** A duration as people write it: a whole number and s, m or h ({@code 30m}). */
        static java.time.Duration duration(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smh])").matcher(text.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("--session-idle-timeout is a whole number with s, m or h, such as 30m, not \"" + text + "\"");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> java.time.Duration.ofSeconds(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                default -> java.time.Duration.ofHours(n);
            };
        }

        @Override
        public Integer call() throws Exception {
            App app;
            try {
                ServerConfig.Builder builder = ServerConfig.builder(dataDir).host(host).port(port).python(python).warmStart(!noWarmStart)
                        .examples(true).accounts(accounts).signup(signup)
                        .isolation(new ServerConfig.Isolation(!unsafeNoSandbox, !noJobNetwork,
                                java.time.Duration.ofSeconds(importTimeout), importMemory << 20))
                        .slurmConf(slurmConf)
                        .sessions(new ServerConfig.SessionLimits(sessionLimit, duration(sessionIdleTimeout), sessionAgentAddress));
                libraries.forEach(builder::library);
                ServerConfig config = builder.build();
                app = App.start(config);
            } catch (IllegalArgumentException e) {
                System.err.println("deepforge: " + e.getMessage());
                return 2;
            }
            System.out.println("DeepForge is running at " + app.url() + "/  (data: " + dataDir.toAbsolutePath() + ")");
            System.out.println("Press Ctrl-C to stop.");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.close();
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        }
    }
}
