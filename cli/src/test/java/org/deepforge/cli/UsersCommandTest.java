package org.deepforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deepforge.server.auth.Accounts;
import org.deepforge.server.db.Database;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code deepforge users}: the first administrator and account chores from the shell, passwords from stdin. */
class UsersCommandTest {
    record Result(int code, String out, String err) {}

    static Result run(String stdin, String... args) {
        InputStream in = System.in;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new Main()).execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(in);
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void addListDisableEnableAndPasswd() throws Exception {
        Path dir = Files.createTempDirectory("users-cli");
        String d = dir.toString();
        assertThat(run("first password 1\n", "users", "add", "--admin", "ada", "--data-dir", d).code()).isZero();
        assertThat(run("second password\n", "users", "add", "bob", "--email", "bob@example.org", "--data-dir", d).code()).isZero();
        Result weak = run("short\n", "users", "add", "cy", "--data-dir", d);
        assertThat(weak.code()).isEqualTo(2);
        assertThat(weak.err()).contains("at least 10 characters");
        assertThat(run("first password 1\n", "users", "add", "ada", "--data-dir", d).err()).contains("taken");

        Result list = run("", "users", "list", "--data-dir", d);
        assertThat(list.out()).contains("ada  admin").contains("bob").contains("bob@example.org");

        assertThat(run("", "users", "disable", "bob", "--data-dir", d).code()).isZero();
        assertThat(run("", "users", "list", "--data-dir", d).out()).contains("bob  disabled");
        Accounts accounts = new Accounts(new Database(dir.resolve("deepforge.db")));
        assertThat(accounts.verify("bob", "second password")).isEmpty();
        assertThat(run("", "users", "enable", "bob", "--data-dir", d).code()).isZero();
        assertThat(accounts.verify("bob", "second password")).isPresent();

        assertThat(run("a new password!\n", "users", "passwd", "bob", "--data-dir", d).code()).isZero();
        assertThat(accounts.verify("bob", "second password")).isEmpty();
        assertThat(accounts.verify("bob", "a new password!")).isPresent();
        assertThat(run("", "users", "disable", "nobody", "--data-dir", d).err()).contains("no user \"nobody\"");
        assertThat(accounts.activeAdmins()).isEqualTo(1);
        // the password is never an argument
        assertThat(run("", "users", "add", "--help").out()).doesNotContain("--password");
    }
}
