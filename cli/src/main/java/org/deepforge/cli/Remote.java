package org.deepforge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.deepforge.cli.client.DeepForgeClient;
import org.deepforge.cli.client.Progress;
import org.deepforge.server.ServerConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every command that talks to a server shares ({@code --server}, {@code --json}), and where it finds its
 * server and token: {@code --server}, else {@code $DEEPFORGE_SERVER}, else the one {@code deepforge login} stored, else
 * {@value #DEFAULT_SERVER}; the token from {@code $DEEPFORGE_TOKEN}, else the stored one (sent only to the server it was
 * stored for).
 */
final class Remote {
    static final String DEFAULT_SERVER = "http://127.0.0.1:" + ServerConfig.DEFAULT_PORT;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", description = "the DeepForge server (default: $DEEPFORGE_SERVER, else "
            + "the one `deepforge login` stored, else " + DEFAULT_SERVER + ")")
    String server;

    @Option(names = "--json", description = "print JSON for scripts instead of a table")
    boolean json;

    Map<String, String> env() {
        return ((Main) spec.root().userObject()).env();
    }

    Config config() {
        return Config.load(Config.file(env()));
    }

    /** The server URL, checked to be http(s) and without a trailing slash. */
    String serverUrl() {
        String url = server != null ? server : Optional.ofNullable(env().get("DEEPFORGE_SERVER")).filter(s -> !s.isBlank())
                .or(() -> config().server()).orElse(DEFAULT_SERVER);
        return normalise(url);
    }

    String normalise(String url) {
        String u = url.strip().replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--server: \"" + url + "\" is not a URL (e.g. http://127.0.0.1:8888)");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--server: \"" + url + "\" is not an http:// or https:// URL "
                    + "(e.g. http://127.0.0.1:8888)");
        }
        return u;
    }

    private DeepForgeClient client;

    /** The client for this command's server and token (made once per command). */
    DeepForgeClient client() {
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    private DeepForgeClient newClient() {
        String url = serverUrl();
        Optional<String> token = Optional.ofNullable(env().get("DEEPFORGE_TOKEN")).filter(t -> !t.isBlank());
        if (token.isEmpty()) {
            Config c = config();
            token = c.server().map(this::normalise).filter(url::equals).flatMap(s -> c.token());
        }
        return new DeepForgeClient(URI.create(url), token);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A progress bar when stderr is a terminal (a person watches), else nothing (pipes, files, CI logs). */
    Progress progress() {
        return stderrIsTerminal() ? new ProgressBar(err()) : Progress.NONE;
    }

    /** Where Linux says what file descriptor 2 is, a terminal is /dev/pts/N or /dev/ttyN; elsewhere, whether a console is attached. */
    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    void printJson(JsonNode node) {
        try {
            out().println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }
}
