package org.deepforge.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deepforge.cli.client.ApiException;
import org.deepforge.cli.client.DeepForgeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code deepforge logout}: forgets the stored token, and revokes it on the server when login created it. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Forget the stored token (and revoke it on the server when `deepforge login` created it).")
final class Logout implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Override
    public Integer call() throws Exception {
        Path file = Config.file(remote.env());
        Config config = Config.load(file);
        if (config.token().isEmpty()) {
            remote.out().println("No token stored in " + file + ".");
            remote.out().flush();
            return ExitCodes.OK;
        }
        if (config.server().isPresent() && config.tokenId().isPresent()) {
            try {
                new DeepForgeClient(URI.create(config.server().get()), config.token()).revokeToken(config.tokenId().get());
            } catch (ApiException e) {
                remote.err().println("deepforge: could not revoke the token on " + config.server().get() + " (" + e.getMessage()
                        + "); it is forgotten here, revoke it in the web UI");
            }
        }
        new Config(config.server(), Optional.empty(), Optional.empty()).save(file);
        remote.out().println("Signed out of " + config.server().orElse("the server") + ".");
        remote.out().flush();
        return ExitCodes.OK;
    }
}
