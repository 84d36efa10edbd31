package org.deepforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deepforge.cli.client.DeepForgeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code deepforge login}: remembers a server and, in accounts mode, a personal API token for it. The password is
 * asked with echo off and the token read from stdin, so neither ever appears in the shell's history.
 */
@Command(name = "login", mixinStandardHelpOptions = true, description = {
        "Sign in to a DeepForge server and remember it (and a token) in $XDG_CONFIG_HOME/deepforge/config.json.",
        "Asks for your user name and password (echo off) and creates a personal API token, or reads an existing "
                + "token from stdin with --token-stdin (e.g. `deepforge login --token-stdin < token.txt`)."})
final class Login implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Option(names = "--token-stdin", description = "read a personal API token (dft_…) from stdin instead of asking for a password")
    boolean tokenStdin;

    @Option(names = "--user", paramLabel = "NAME", description = "the user name (asked when left out)")
    String user;

    @Override
    public Integer call() throws Exception {
        String url = remote.serverUrl();
        DeepForgeClient anonymous = new DeepForgeClient(URI.create(url), Optional.empty());
        String mode = anonymous.authOptions().path("mode").asText();
        Optional<String> token = Optional.empty();
        Optional<String> tokenId = Optional.empty();
        if (tokenStdin) {
            String read = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (read == null || read.isBlank()) {
                throw new ParameterException(remote.spec.commandLine(), "--token-stdin: stdin held no token");
            }
            token = Optional.of(read.strip());
        } else if (mode.equals("accounts")) {
            Console console = System.console();
            if (console == null) {
                throw new ParameterException(remote.spec.commandLine(), "no terminal to ask for a password on: pipe a "
                        + "personal API token (made in the web UI under your account) into `deepforge login --token-stdin`");
            }
            String name = user != null ? user : console.readLine("User name: ");
            char[] password = console.readPassword("Password for %s: ", name);
            if (password == null) {
                return ExitCodes.USAGE;
            }
            JsonNode created = anonymous.createToken(name, new String(password), "deepforge CLI on " + hostname());
            java.util.Arrays.fill(password, '\0');
            token = Optional.of(created.path("token").asText());
            tokenId = Optional.of(created.path("id").asText());
        }
        // the token must work before it is stored
        JsonNode me = new DeepForgeClient(URI.create(url), token).me();
        Path file = Config.file(remote.env());
        new Config(Optional.of(url), token, tokenId).save(file);
        if (remote.json) {
            remote.printJson(me);
        } else {
            remote.out().println(mode.equals("accounts")
                    ? "Signed in to " + url + " as " + me.path("name").asText() + "; the token is in " + file
                    : url + " runs in local mode: no sign-in needed; the server is remembered in " + file);
            remote.out().flush();
        }
        return ExitCodes.OK;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "this machine";
        }
    }
}
