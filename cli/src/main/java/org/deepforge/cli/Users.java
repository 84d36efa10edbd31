package org.deepforge.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deepforge.server.auth.Accounts;
import org.deepforge.server.auth.Audit;
import org.deepforge.server.auth.Sessions;
import org.deepforge.server.auth.User;
import org.deepforge.server.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deepforge users}: accounts administration on the server's data directory (the first admin, resets). */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage the accounts of a DeepForge server.",
        subcommands = {Users.Add.class, Users.List.class, Users.Disable.class, Users.Enable.class, Users.Passwd.class})
final class Users implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The data directory option every subcommand shares. */
    static final class DataDir {
        @Option(names = "--data-dir", description = "the server's data directory (default: ${DEFAULT-VALUE})")
        Path dataDir = Path.of(System.getProperty("user.home"), ".deepforge");

        Accounts open() throws IOException {
            Files.createDirectories(dataDir);
            return new Accounts(new Database(dataDir.resolve("deepforge.db")));
        }

        Audit audit(Accounts accounts) {
            return new Audit(accounts.database());
        }
    }

    /**
     * Reads a new password from the console (twice, not echoed) or, when input is not a terminal, from
     * the first line of standard input. Never from an argument: arguments show in `ps` and shell history.
     */
    static String readNewPassword() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("New password: ");
            char[] second = console.readPassword("Repeat it: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw new IllegalArgumentException("the two passwords differ");
            }
            return new String(first);
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            throw new IllegalArgumentException("give the password on standard input (one line)");
        }
        return line;
    }

    static User find(Accounts accounts, String name) throws Exception {
        Optional<User> user = accounts.byName(name);
        if (user.isEmpty() || user.get().id().equals("local")) {
            throw new IllegalArgumentException("no user \"" + name + "\"");
        }
        return user.get();
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create an account; the password is read from the console or standard input.")
    static final class Add implements Callable<Integer> {
        @Mixin DataDir data;
        @Parameters(paramLabel = "NAME", description = "user name (letters, digits, '.', '_', '-')") String name;
        @Option(names = "--admin", description = "the user administers the server") boolean admin;
        @Option(names = "--email", description = "e-mail address") String email = "";

        @Override
        public Integer call() throws Exception {
            try {
                Accounts accounts = data.open();
                User u = accounts.create(name, email, readNewPassword(), admin);
                data.audit(accounts).record("cli", "user.created", u.name(), admin ? "admin" : "", "cli");
                System.out.println("created " + (admin ? "administrator " : "user ") + u.name());
                return 0;
            } catch (IllegalArgumentException e) {
                System.err.println("deepforge users add: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts.")
    static final class List implements Callable<Integer> {
        @Mixin DataDir data;

        @Override
        public Integer call() throws Exception {
            for (User u : data.open().list()) {
                System.out.println(u.name() + (u.admin() ? "  admin" : "") + (u.disabled() ? "  disabled" : "")
                        + (u.email().isEmpty() ? "" : "  <" + u.email() + ">"));
            }
            return 0;
        }
    }

    /** A subcommand acting on one named user: finds the user, acts, prints what it did; a user error exits 2. */
    abstract static class OnUser implements Callable<Integer> {
        @Mixin DataDir data;
        @Parameters(paramLabel = "NAME") String name;

        /** Does the work and returns the line to print. */
        abstract String act(Accounts accounts, User user) throws Exception;

        @Override
        public Integer call() throws Exception {
            try {
                Accounts accounts = data.open();
                System.out.println(act(accounts, find(accounts, name)));
                return 0;
            } catch (IllegalArgumentException e) {
                System.err.println("deepforge users " + getClass().getAnnotation(Command.class).name() + ": " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable an account and end its sessions.")
    static final class Disable extends OnUser {
        @Override
        String act(Accounts accounts, User u) throws Exception {
            accounts.setDisabled(u.id(), true);
            new Sessions(accounts.database()).deleteAll(u.id());
            data.audit(accounts).record("cli", "user.disabled", u.name(), "", "cli");
            return "disabled " + u.name();
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled account.")
    static final class Enable extends OnUser {
        @Override
        String act(Accounts accounts, User u) throws Exception {
            accounts.setDisabled(u.id(), false);
            data.audit(accounts).record("cli", "user.enabled", u.name(), "", "cli");
            return "enabled " + u.name();
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a user's password (ends the user's sessions).")
    static final class Passwd extends OnUser {
        @Override
        String act(Accounts accounts, User u) throws Exception {
            accounts.setPassword(u.id(), readNewPassword());
            new Sessions(accounts.database()).deleteAll(u.id());
            data.audit(accounts).record("cli", "password.changed", u.name(), "", "cli");
            return "password of " + u.name() + " changed";
        }
    }
}
