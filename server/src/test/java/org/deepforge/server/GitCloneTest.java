package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.deepforge.model.Json;
import org.deepforge.server.security.Agent;
import org.junit.jupiter.api.Test;

/**
 * {@code git clone} and {@code git fetch} of projects over HTTP by the real git binary, in a scratch HOME with
 * no system configuration and no prompts: history, protocol versions 0 and 2, hidden run tags, refused pushes,
 * and in accounts mode the same authorisation as the REST API with an API token as the password.
 */
class GitCloneTest {
    static final String PW = "correct horse battery";

    /** What a git command printed and how it ended. */
    record Git(int exit, String out, String err) {
        Git ok() {
            assertThat(exit).as("git failed: " + err).isZero();
            return this;
        }
    }

    @Test
    void aCloneShowsTheProjectsHistoryAndAFetchBringsNewCommitsInProtocolVersionsZeroAndTwo() throws Exception {
        try (TestServer server = new TestServer()) {
            String p = server.createProject("Cloned");
            change(server, p, "Describe the project", "first");
            change(server, p, "Describe it better", "second");
            assertThat(server.post("/api/v1/projects/" + p + "/tags", "{\"name\":\"v1\",\"ref\":\"main\"}").status()).isEqualTo(201);
            // what an execution leaves behind: clones do not carry these
            assertThat(server.post("/api/v1/projects/" + p + "/tags", "{\"name\":\"runs/e123\",\"ref\":\"main\"}").status()).isEqualTo(201);
            Path scratch = Files.createTempDirectory("git-clone");
            List<String> history = new ArrayList<>(List.of("Describe it better", "Describe the project", "Create project Cloned"));

            for (String version : List.of("0", "2")) {
                Path clone = scratch.resolve("v" + version);
                git(scratch, "-c", "protocol.version=" + version, "clone", "-q", server.url("/git/" + p), clone.toString()).ok();
                assertThat(git(clone, "log", "--format=%s").ok().out().lines().toList()).isEqualTo(history);
                assertThat(Files.readString(clone.resolve("project.json"))).contains(version.equals("0") ? "second" : "third 0");
                assertThat(git(clone, "tag").ok().out().lines().toList()).containsExactly("v1");
                assertThat(git(clone, "-c", "protocol.version=" + version, "ls-remote", "origin").ok().out()).contains("refs/heads/main", "refs/tags/v1")
                        .doesNotContain("runs/");

                change(server, p, "A change made after version " + version + "'s clone", "third " + version);
                history.add(0, "A change made after version " + version + "'s clone");
                git(clone, "-c", "protocol.version=" + version, "fetch", "-q").ok();
                assertThat(git(clone, "log", "-1", "--format=%s", "origin/main").ok().out().strip())
                        .isEqualTo("A change made after version " + version + "'s clone");
                assertThat(git(clone, "fsck", "--full").exit()).isZero();
            }
            // the server really spoke the version asked for
            Git v2 = git(scratch, Map.of("GIT_TRACE_PACKET", "1"), "-c", "protocol.version=2", "ls-remote", server.url("/git/" + p));
            assertThat(v2.ok().err()).contains("version 2");
            Git v0 = git(scratch, Map.of("GIT_TRACE_PACKET", "1"), "-c", "protocol.version=0", "ls-remote", server.url("/git/" + p));
            assertThat(v0.ok().err()).doesNotContain("version 2");

            // a shallow clone gets the newest commit only
            git(scratch, "clone", "-q", "--depth", "1", server.url("/git/" + p), scratch.resolve("shallow").toString()).ok();
            assertThat(git(scratch.resolve("shallow"), "log", "--format=%s").ok().out().lines().count()).isEqualTo(1);

            // git's customary suffix works too
            git(scratch, "clone", "-q", server.url("/git/" + p + ".git"), scratch.resolve("suffixed").toString()).ok();
            assertThat(git(scratch.resolve("suffixed"), "log", "-1", "--format=%s").ok().out()).startsWith("A change made after version 2");

            Git missing = git(scratch, "clone", "-q", server.url("/git/nosuchproj"), scratch.resolve("missing").toString());
            assertThat(missing.exit()).isNotZero();
            assertThat(missing.err()).contains("not found");
            assertThat(scratch.resolve("missing")).doesNotExist();
        }
    }

    @Test
    void aPushIsRefusedWithAMessageThatGitShows() throws Exception {
        try (TestServer server = new TestServer()) {
            String p = server.createProject("Pushed");
            String head = server.head(p, "main");
            Path scratch = Files.createTempDirectory("git-push");
            Path clone = scratch.resolve("c");
            git(scratch, "clone", "-q", server.url("/git/" + p), clone.toString()).ok();
            Files.writeString(clone.resolve("notes.txt"), "edited outside DeepForge\n");
            git(clone, "add", "notes.txt").ok();
            git(clone, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "-m", "outside").ok();

            Git push = git(clone, "push", "origin", "HEAD:main");
            assertThat(push.exit()).isNotZero();
            assertThat(push.err()).contains("remote: DeepForge projects are read-only over git").contains("docs/versioning.md");
            assertThat(server.head(p, "main")).isEqualTo(head);
        }
    }

    @Test
    void aGzippedRequestIsAnsweredAndHostileOnesGetJsonErrors() throws Exception {
        try (TestServer server = new TestServer()) {
            String p = server.createProject("Raw");
            byte[] lsRefs = (pkt("command=ls-refs\n") + "0001" + pkt("peel\n") + "0000").getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(lsRefs);
            }
            HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/git/" + p + "/git-upload-pack")))
                    .header("Content-Type", "application/x-git-upload-pack-request").header("Content-Encoding", "gzip")
                    .header("Git-Protocol", "version=2").POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/x-git-upload-pack-result");
            assertThat(r.body()).contains("refs/heads/main");

            HttpResponse<String> garbage = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/git/" + p + "/git-upload-pack")))
                    .header("Content-Type", "application/x-git-upload-pack-request")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"not\":\"git\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(garbage.statusCode()).as(garbage.body()).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(garbage.body()).path("error").asText()).startsWith("not a git fetch request");

            // a gzip bomb: 20 MiB of have lines in a few kilobytes; the server stops reading at its limit
            String want = pkt("want " + server.head(p, "main") + " side-band-64k\n") + "0000";
            String have = pkt("have " + "ab".repeat(20) + "\n");
            ByteArrayOutputStream bomb = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(bomb)) {
                out.write(want.getBytes(StandardCharsets.UTF_8));
                byte[] haves = have.repeat(1024).getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 20 * 1024 * 1024 / haves.length; i++) {
                    out.write(haves);
                }
            }
            HttpResponse<String> tooLarge = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/git/" + p + "/git-upload-pack")))
                    .header("Content-Type", "application/x-git-upload-pack-request").header("Content-Encoding", "gzip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bomb.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);

            TestServer.Reply page = server.get("/git/" + p);
            assertThat(page.status()).isEqualTo(404);
            assertThat(page.json().path("error").asText()).startsWith("no such route");
            assertThat(server.send("PUT", "/git/" + p + "/info/refs", "{}").json().path("error").asText()).isNotBlank();

            TestServer.Reply dumb = server.get("/git/" + p + "/info/refs");
            assertThat(dumb.status()).isEqualTo(400);
            assertThat(dumb.json().path("error").asText()).contains("smart HTTP");
        }
    }

    @Test
    void inAccountsModeATokenIsThePasswordReadersMayCloneAndOthersAreRefused() throws Exception {
        try (TestServer server = Agent.accountsServer(true, "root", PW)) {
            Agent owner = Agent.session(server, "olivia", PW, true);
            Agent reader = Agent.session(server, "rita", PW, true);
            Agent stranger = Agent.session(server, "nora", PW, true);
            String p = owner.post("/api/v1/projects", "{\"name\":\"Private\"}").json().get("id").asText();
            assertThat(owner.send("PUT", "/api/v1/projects/" + p + "/members/rita", "{\"role\":\"reader\"}").status()).isBetween(200, 204);
            String ownerToken = token(owner, "write");
            String readerToken = token(reader, "read");
            String strangerToken = token(stranger, "read");
            Path scratch = Files.createTempDirectory("git-accounts");
            String path = "/git/" + p;

            git(scratch, "clone", "-q", withCredentials(server, "olivia", ownerToken, path), scratch.resolve("owner").toString()).ok();
            assertThat(git(scratch.resolve("owner"), "log", "--format=%s").ok().out()).contains("Create project Private");
            git(scratch, "clone", "-q", withCredentials(server, "rita", readerToken, path), scratch.resolve("reader").toString()).ok();

            List<String> refusals = new ArrayList<>();
            Map<String, String> urls = Map.of(
                    "anonymous", server.url(path),
                    "stranger", withCredentials(server, "nora", strangerToken, path),
                    "someone else's name", withCredentials(server, "nora", ownerToken, path),
                    "a password, not a token", withCredentials(server, "olivia", PW, path));
            for (Map.Entry<String, String> u : urls.entrySet()) {
                Path target = scratch.resolve(u.getKey().replace(' ', '-').replace("'", ""));
                Git g = git(scratch, "clone", "-q", u.getValue(), target.toString());
                if (g.exit() == 0 || Files.exists(target)) {
                    refusals.add(u.getKey() + " could clone");
                }
            }
            assertThat(refusals).isEmpty();

            // git asks for credentials only when told how; the stranger learns nothing about the project
            HttpResponse<String> anonymous = server.http.send(HttpRequest.newBuilder(URI.create(server.url(path + "/info/refs?service=git-upload-pack")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic realm=\"DeepForge\"");
            HttpResponse<String> asStranger = server.http.send(HttpRequest.newBuilder(URI.create(server.url(path + "/info/refs?service=git-upload-pack")))
                    .header("Authorization", basic("nora", strangerToken)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> nothing = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/git/nosuchproj/info/refs?service=git-upload-pack")))
                    .header("Authorization", basic("nora", strangerToken)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(asStranger.statusCode()).isEqualTo(404).isEqualTo(nothing.statusCode());
            // Basic credentials are for git's paths only: browsers replay them like cookies, without a CSRF check
            assertThat(server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + p)))
                    .header("Authorization", basic("olivia", ownerToken)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(401);

            Git push = git(scratch.resolve("reader"), "push", withCredentials(server, "olivia", ownerToken, path), "HEAD:refs/heads/other");
            assertThat(push.exit()).isNotZero();
            assertThat(push.err()).contains("DeepForge projects are read-only over git");
        }
    }

    static void change(TestServer server, String project, String message, String description) throws Exception {
        var body = Json.MAPPER.createObjectNode().put("message", message);
        body.putArray("patch").addObject().put("op", "replace").put("path", "/project/description").put("value", description);
        TestServer.Reply r = server.post("/api/v1/projects/" + project + "/branches/main/changes", Json.compact(body));
        assertThat(r.status()).as(r.body()).isBetween(200, 201);
    }

    static String token(Agent agent, String scope) throws Exception {
        Agent.Reply r = agent.post("/api/v1/me/tokens", "{\"name\":\"git\",\"scope\":\"" + scope + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    static String withCredentials(TestServer server, String user, String secret, String path) {
        return "http://" + user + ":" + java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8) + "@127.0.0.1:"
                + server.app.port() + path;
    }

    static String basic(String user, String secret) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static String pkt(String line) {
        return String.format("%04x", line.length() + 4) + line;
    }

    static Git git(Path dir, String... args) throws Exception {
        return git(dir, Map.of(), args);
    }

    /** Runs git hermetically: a scratch HOME, no system or global configuration, never a prompt. */
    static Git git(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(new File("/dev/null"));
        Path home = Files.createTempDirectory("git-home");
        pb.environment().keySet().removeIf(k -> k.startsWith("GIT_") || k.equals("SSH_ASKPASS"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().put("GIT_ASKPASS", "/bin/false");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("git-out", ".txt");
        Path err = Files.createTempFile("git-err", ".txt");
        Process process = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("git " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new Git(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
