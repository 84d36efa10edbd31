package org.deepforge.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;
import org.deepforge.server.api.Route;
import org.deepforge.server.auth.Access;
import org.deepforge.server.auth.Role;
import org.junit.jupiter.api.Test;

/**
 * Every row of the route table, and the WebSocket, called by every kind of caller. What each caller
 * should get follows from the row's Access level alone; a route the fixture below does not know fails
 * the test, so a new route cannot slip in without being checked here.
 */
class AuthorisationMatrixTest {
    static final String PW = "correct horse battery";

    /** The three classes of answer the matrix distinguishes. */
    enum Expect { ALLOWED, UNAUTHENTICATED, DENIED }

    /** A caller: its credentials, its role on the fixture project, whether it is an admin or a read-only token. */
    record Identity(String name, Agent agent, boolean signedIn, Optional<Role> role, boolean admin, boolean readToken) {}

    /** Where to send a route's request: a concrete path and a body (null: none). */
    record Call(String path, String body) {}

    @Test
    void everyRouteAndTheWebSocketAnswerEveryCallerAsItsAccessLevelSays() throws Exception {
        try (TestServer server = Agent.accountsServer(true, "root", PW)) {
            Agent owner = Agent.session(server, "olivia", PW, true);
            Agent writer = Agent.session(server, "walt", PW, true);
            Agent reader = Agent.session(server, "rita", PW, true);
            Agent stranger = Agent.session(server, "nora", PW, true);
            Agent admin = Agent.session(server, "root", PW, false);

            String p = created(owner.post("/api/v1/projects", "{\"name\":\"Matrix\"}")).get("id").asText();
            String doomed = created(owner.post("/api/v1/projects", "{\"name\":\"Doomed\",\"empty\":true}")).get("id").asText();
            for (String project : List.of(p, doomed)) {
                ok(owner.send("PUT", "/api/v1/projects/" + project + "/members/walt", "{\"role\":\"writer\"}"));
                ok(owner.send("PUT", "/api/v1/projects/" + project + "/members/rita", "{\"role\":\"reader\"}"));
            }
            ok(owner.post("/api/v1/projects/" + p + "/branches", "{\"name\":\"doomed\",\"from\":\"main\"}"));
            String artifact = created(owner.send("POST", "/api/v1/projects/" + p + "/branches/main/artifacts?name=data.txt",
                    "some bytes", "application/octet-stream")).get("id").asText();
            String make = Json.MAPPER.writeValueAsString("class Make:\n    def execute(self):\n        print('made')\n        return 1\n");
            ok(owner.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/Make\","
                    + "\"value\":{\"code\":" + make + "}},{\"op\":\"add\",\"path\":\"/pipelines/pl\",\"value\":{\"name\":\"One\","
                    + "\"nodes\":{\"make\":{\"operation\":\"Make\"}},\"connections\":{}}}]}"));
            String execution = created(owner.post("/api/v1/projects/" + p + "/pipelines/pl/executions", "{}")).get("id").asText();
            await().atMost(Duration.ofSeconds(90)).until(() -> owner.get("/api/v1/executions/" + execution).json().path("finished").isTextual());

            // the owner's interactive session (not shared): only she may use it
            String session = created(owner.post("/api/v1/projects/" + p + "/sessions", "{}")).get("id").asText();

            Agent readToken = Agent.bearer(server, "owner's read token", token(owner, "read", null));
            Agent revoked = Agent.bearer(server, "revoked token", token(owner, "write", null));
            String revokedId = owner.get("/api/v1/me/tokens").json().get(owner.get("/api/v1/me/tokens").json().size() - 1).get("id").asText();
            assertThat(owner.send("DELETE", "/api/v1/me/tokens/" + revokedId, null).status()).isEqualTo(204);
            Instant soon = Instant.now().plusSeconds(2);
            Agent expired = Agent.bearer(server, "expired token", token(owner, "write", soon.toString()));
            await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(soon.plusMillis(200)));

            List<Identity> identities = List.of(
                    new Identity("anonymous", Agent.anonymous(server), false, Optional.empty(), false, false),
                    new Identity("revoked token", revoked, false, Optional.empty(), false, false),
                    new Identity("expired token", expired, false, Optional.empty(), false, false),
                    new Identity("no role", stranger, true, Optional.empty(), false, false),
                    new Identity("reader", reader, true, Optional.of(Role.READER), false, false),
                    new Identity("writer", writer, true, Optional.of(Role.WRITER), false, false),
                    new Identity("owner's read token", readToken, true, Optional.of(Role.OWNER), false, true),
                    new Identity("admin without a role", admin, true, Optional.empty(), true, false),
                    new Identity("owner", owner, true, Optional.of(Role.OWNER), false, false));

            Map<String, Call> fixture = fixture(p, doomed, artifact, execution, session);
            List<Route> routes = new ArrayList<>(server.app.routes());
            // what ends the caller's session or deletes the project goes last
            routes.sort((a, b) -> Integer.compare(last(a), last(b)));
            List<String> missing = new ArrayList<>();
            for (Route r : routes) {
                if (!fixture.containsKey(key(r))) {
                    missing.add(key(r));
                }
            }
            assertThat(missing).as("new route without an entry in the authorisation matrix's fixture").isEmpty();
            assertThat(fixture.keySet()).as("fixture entries for routes that no longer exist")
                    .containsExactlyInAnyOrderElementsOf(routes.stream().map(AuthorisationMatrixTest::key).toList());

            List<String> failures = new ArrayList<>();
            int checked = 0;
            for (Identity who : identities) {
                // the WebSocket first (the routes below end the session): subscribing to the project, watching its execution
                Expect ws = expected(who, Access.PROJECT_READ, "GET");
                Optional<Agent.WsClient> client = who.agent().websocket();
                if (client.isEmpty()) {
                    if (ws != Expect.UNAUTHENTICATED) {
                        failures.add(who.name() + " WebSocket upgrade refused, expected " + ws);
                    }
                } else {
                    try (Agent.WsClient c = client.get()) {
                        if (ws == Expect.UNAUTHENTICATED) {
                            failures.add(who.name() + " WebSocket upgrade accepted, expected 401");
                        } else {
                            c.send("{'type':'subscribe','project':'" + p + "','branch':'main'}");
                            JsonNode m = c.next("subscribed", "error");
                            String got = m == null ? "nothing" : m.path("type").asText();
                            if (!got.equals(ws == Expect.ALLOWED ? "subscribed" : "error")) {
                                failures.add(who.name() + " WebSocket subscribe: expected " + ws + ", got " + m);
                            }
                            c.send("{'type':'watch','execution':'" + execution + "'}");
                            m = c.next("watching", "error");
                            got = m == null ? "nothing" : m.path("type").asText();
                            if (!got.equals(ws == Expect.ALLOWED ? "watching" : "error")) {
                                failures.add(who.name() + " WebSocket watch: expected " + ws + ", got " + m);
                            }
                            Expect watchSession = expected(who, Access.SESSION, "GET");
                            c.send("{'type':'watchSession','session':'" + session + "'}");
                            m = c.next("watchingSession", "error");
                            got = m == null ? "nothing" : m.path("type").asText();
                            if (!got.equals(watchSession == Expect.ALLOWED ? "watchingSession" : "error")) {
                                failures.add(who.name() + " WebSocket watchSession: expected " + watchSession + ", got " + m);
                            }
                        }
                    }
                }
                for (Route r : routes) {
                    Call call = fixture.get(key(r));
                    Expect expect = expected(who, r);
                    Agent.Reply reply = who.agent().send(r.method().name(), call.path(), call.body());
                    checked++;
                    if (!matches(expect, reply)) {
                        failures.add(who.name() + " " + r.method() + " " + call.path() + ": expected " + expect + ", got "
                                + reply.status() + " " + reply.body());
                    }
                }
            }
            assertThat(failures).as("authorisation matrix (" + checked + " calls)").isEmpty();
            assertThat(checked).isGreaterThan(identities.size() * 50);
        }
    }

    static int last(Route r) {
        if (r.path().equals("/api/v1/auth/logout")) {
            return 2;
        }
        boolean destroys = r.method().name().equals("DELETE")
                && (r.path().equals("/api/v1/projects/{project}") || r.path().equals("/api/v1/sessions/{session}"));
        return destroys ? 1 : 0;
    }

    static String key(Route r) {
        return r.method() + " " + r.path();
    }

    static Expect expected(Identity who, Route r) {
        return expected(who, r.access(), r.method().name());
    }

    /** The whole rule, from the Access level: nothing here knows about individual routes. */
    static Expect expected(Identity who, Access access, String method) {
        if (!who.signedIn()) {
            // a presented but dead token is refused even where nobody needs to sign in
            boolean deadToken = who.agent().bearer != null;
            return access == Access.PUBLIC && !deadToken ? Expect.ALLOWED : Expect.UNAUTHENTICATED;
        }
        Expect byRole = switch (access) {
            case PUBLIC, USER -> Expect.ALLOWED;
            case ADMIN -> who.admin() ? Expect.ALLOWED : Expect.DENIED;
            case PROJECT_READ, PROJECT_WRITE, PROJECT_OWNER ->
                    who.role().map(r -> r.includes(access.role())).orElse(false) ? Expect.ALLOWED : Expect.DENIED;
            // the fixture's session is the project owner's own, not shared
            case SESSION -> who.role().map(r -> r == Role.OWNER).orElse(false) ? Expect.ALLOWED : Expect.DENIED;
        };
        if (byRole == Expect.ALLOWED && who.readToken()) {
            boolean read = access == Access.PUBLIC || access == Access.PROJECT_READ
                    || ((access == Access.USER || access == Access.SESSION) && method.equals("GET"));
            return read ? Expect.ALLOWED : Expect.DENIED;
        }
        return byRole;
    }

    static boolean matches(Expect expect, Agent.Reply r) {
        boolean authFailure = r.status() == 401 || r.status() == 403
                || (r.status() == 404 && (r.error().startsWith("no project") || r.error().startsWith("nothing found at")));
        return switch (expect) {
            case ALLOWED -> !authFailure && r.status() != 429;
            case UNAUTHENTICATED -> r.status() == 401;
            case DENIED -> r.status() == 403 || r.status() == 404;
        };
    }

    /**
     * A concrete request for every route: real ids of the fixture where the handler would look them up,
     * nonexistent ones where acting on a real one would destroy the fixture (the check comes first either
     * way). Bodies are empty objects: an allowed caller gets a 4xx that says what to fix, not a change.
     */
    static Map<String, Call> fixture(String p, String doomed, String artifact, String execution, String session) {
        Map<String, Call> m = new LinkedHashMap<>();
        String pp = "/api/v1/projects/" + p;
        String e = "/api/v1/executions/" + execution;
        put(m, "GET /api/v1/health", "/api/v1/health");
        put(m, "GET /api/v1/openapi.json", "/api/v1/openapi.json");
        put(m, "GET /api/v1/auth/options", "/api/v1/auth/options");
        put(m, "POST /api/v1/auth/signup", "/api/v1/auth/signup");
        put(m, "POST /api/v1/auth/login", "/api/v1/auth/login");
        put(m, "POST /api/v1/auth/logout", "/api/v1/auth/logout");
        put(m, "GET /api/v1/me", "/api/v1/me");
        put(m, "PUT /api/v1/me/password", "/api/v1/me/password");
        put(m, "GET /api/v1/me/tokens", "/api/v1/me/tokens");
        put(m, "POST /api/v1/me/tokens", "/api/v1/me/tokens");
        put(m, "DELETE /api/v1/me/tokens/{token}", "/api/v1/me/tokens/tnosuchtoken");
        put(m, "GET /api/v1/admin/users", "/api/v1/admin/users");
        put(m, "POST /api/v1/admin/users", "/api/v1/admin/users");
        put(m, "POST /api/v1/admin/users/{user}/disable", "/api/v1/admin/users/nosuchuser/disable");
        put(m, "POST /api/v1/admin/users/{user}/enable", "/api/v1/admin/users/nosuchuser/enable");
        put(m, "DELETE /api/v1/admin/users/{user}", "/api/v1/admin/users/nosuchuser");
        put(m, "GET /api/v1/admin/audit", "/api/v1/admin/audit");
        put(m, "GET /api/v1/projects", "/api/v1/projects");
        put(m, "POST /api/v1/projects", "/api/v1/projects");
        put(m, "POST /api/v1/projects/import", "/api/v1/projects/import");
        put(m, "GET /api/v1/projects/{project}", pp);
        put(m, "PATCH /api/v1/projects/{project}", pp);
        put(m, "DELETE /api/v1/projects/{project}", "/api/v1/projects/" + doomed);
        put(m, "GET /api/v1/projects/{project}/export", pp + "/export");
        put(m, "GET /api/v1/projects/{project}/members", pp + "/members");
        put(m, "PUT /api/v1/projects/{project}/members/{user}", pp + "/members/nora");
        put(m, "DELETE /api/v1/projects/{project}/members/{user}", pp + "/members/nosuchuser");
        put(m, "PUT /api/v1/projects/{project}/visibility", pp + "/visibility");
        put(m, "GET /api/v1/projects/{project}/model", pp + "/model");
        put(m, "POST /api/v1/projects/{project}/branches/{branch}/changes", pp + "/branches/main/changes");
        put(m, "GET /api/v1/projects/{project}/branches", pp + "/branches");
        put(m, "POST /api/v1/projects/{project}/branches", pp + "/branches");
        put(m, "DELETE /api/v1/projects/{project}/branches/{branch}", pp + "/branches/doomed");
        put(m, "GET /api/v1/projects/{project}/tags", pp + "/tags");
        put(m, "POST /api/v1/projects/{project}/tags", pp + "/tags");
        put(m, "DELETE /api/v1/projects/{project}/tags/{tag}", pp + "/tags/nosuchtag");
        put(m, "GET /api/v1/projects/{project}/commits", pp + "/commits");
        put(m, "GET /api/v1/projects/{project}/diff", pp + "/diff");
        put(m, "GET /api/v1/projects/{project}/history", pp + "/history");
        put(m, "POST /api/v1/projects/{project}/branches/{branch}/checkpoint", pp + "/branches/main/checkpoint");
        put(m, "POST /api/v1/projects/{project}/merge", pp + "/merge");
        put(m, "POST /api/v1/projects/{project}/revert", pp + "/revert");
        put(m, "GET /api/v1/catalog/operations", "/api/v1/catalog/operations");
        put(m, "GET /api/v1/catalog/layers", "/api/v1/catalog/layers");
        put(m, "GET /api/v1/libraries", "/api/v1/libraries");
        put(m, "GET /api/v1/libraries/{library}/kinds/{kind}/catalog", "/api/v1/libraries/pytorch/kinds/pytorch/catalog");
        put(m, "GET /api/v1/projects/{project}/libraries", pp + "/libraries");
        put(m, "POST /api/v1/projects/{project}/libraries", pp + "/libraries");
        put(m, "DELETE /api/v1/projects/{project}/libraries/{library}", pp + "/libraries/nosuchlibrary");
        put(m, "POST /api/v1/projects/{project}/libraries/{library}/upgrade", pp + "/libraries/nosuchlibrary/upgrade");
        put(m, "GET /api/v1/examples", "/api/v1/examples");
        put(m, "POST /api/v1/examples/{example}", "/api/v1/examples/nosuchexample");
        put(m, "GET /api/v1/projects/{project}/pipelines/{pipeline}/export", pp + "/pipelines/pl/export");
        put(m, "GET /api/v1/projects/{project}/architectures/{architecture}/analysis", pp + "/architectures/noarch/analysis");
        put(m, "GET /api/v1/projects/{project}/architectures/{architecture}/code", pp + "/architectures/noarch/code");
        put(m, "POST /api/v1/projects/{project}/analysis/architecture", pp + "/analysis/architecture");
        put(m, "PATCH /api/v1/projects/{project}/analysis/architecture/{analysis}", pp + "/analysis/architecture/nosuchanalysis");
        put(m, "POST /api/v1/projects/{project}/architectures/import", pp + "/architectures/import");
        put(m, "POST /api/v1/projects/{project}/architectures/{architecture}/onnx", pp + "/architectures/noarch/onnx");
        put(m, "GET /api/v1/compute/adapters", "/api/v1/compute/adapters");
        put(m, "GET /api/v1/storage/adapters", "/api/v1/storage/adapters");
        put(m, "GET /api/v1/compute/{adapter}/status", "/api/v1/compute/local/status");
        put(m, "GET /api/v1/secrets", "/api/v1/secrets");
        put(m, "GET /api/v1/secret-kinds", "/api/v1/secret-kinds");
        put(m, "PUT /api/v1/secrets/{name}", "/api/v1/secrets/matrix-secret");
        put(m, "DELETE /api/v1/secrets/{name}", "/api/v1/secrets/nosuchsecret");
        put(m, "POST /api/v1/projects/{project}/branches/{branch}/artifacts/import", pp + "/branches/main/artifacts/import");
        put(m, "POST /api/v1/projects/{project}/branches/{branch}/operations", pp + "/branches/main/operations");
        put(m, "POST /api/v1/projects/{project}/branches/{branch}/operations/{name}/rename", pp + "/branches/main/operations/NoSuchOp/rename");
        put(m, "DELETE /api/v1/projects/{project}/branches/{branch}/operations/{name}", pp + "/branches/main/operations/NoSuchOp");
        put(m, "POST /api/v1/projects/{project}/branches/{branch}/operations/{name}/interface", pp + "/branches/main/operations/NoSuchOp/interface");
        put(m, "GET /api/v1/projects/{project}/operations/{name}/requirements", pp + "/operations/Make/requirements");
        put(m, "GET /api/v1/projects/{project}/operations/observed-types", pp + "/operations/observed-types");
        put(m, "POST /api/v1/projects/{project}/analysis/parse", pp + "/analysis/parse");
        put(m, "GET /api/v1/projects/{project}/pipelines/{pipeline}/problems", pp + "/pipelines/pl/problems");
        put(m, "POST /api/v1/projects/{project}/pipelines/{pipeline}/executions", pp + "/pipelines/nosuchpipeline/executions");
        put(m, "GET /api/v1/projects/{project}/executions", pp + "/executions");
        put(m, "GET /api/v1/projects/{project}/executions/compare", pp + "/executions/compare?ids=" + execution + ",nosuchexecution");
        put(m, "GET /api/v1/executions/{execution}", e);
        put(m, "GET /api/v1/executions/{execution}/jobs/{job}/log", e + "/jobs/make/log");
        put(m, "GET /api/v1/executions/{execution}/jobs/{job}/metrics", e + "/jobs/make/metrics");
        put(m, "GET /api/v1/executions/{execution}/jobs/{job}/metrics.csv", e + "/jobs/make/metrics.csv");
        put(m, "GET /api/v1/executions/{execution}/jobs/{job}/plots", e + "/jobs/make/plots");
        put(m, "POST /api/v1/executions/{execution}/cancel", e + "/cancel");
        put(m, "POST /api/v1/executions/{execution}/rerun", e + "/rerun");
        put(m, "GET /api/v1/executions/{execution}/since", e + "/since");
        // deletions only as dry runs: the execution is used by the routes after these
        put(m, "DELETE /api/v1/executions/{execution}", e + "?dryRun=true");
        m.put("POST /api/v1/projects/{project}/executions/delete", new Call(pp + "/executions/delete", "{\"ids\":[\"" + execution + "\"],\"dryRun\":true}"));
        put(m, "GET /api/v1/projects/{project}/retention", pp + "/retention");
        m.put("PUT /api/v1/projects/{project}/retention", new Call(pp + "/retention", "{\"keepArtifactProducers\":true}"));
        m.put("POST /api/v1/projects/{project}/retention/apply", new Call(pp + "/retention/apply", "{\"dryRun\":true}"));
        put(m, "GET /api/v1/projects/{project}/artifacts", pp + "/artifacts");
        put(m, "POST /api/v1/projects/{project}/branches/{branch}/artifacts", pp + "/branches/main/artifacts");
        put(m, "DELETE /api/v1/projects/{project}/branches/{branch}/artifacts/{artifact}", pp + "/branches/main/artifacts/nosuchartifact");
        put(m, "GET /api/v1/projects/{project}/artifacts/{artifact}/data", pp + "/artifacts/" + artifact + "/data");
        put(m, "GET /api/v1/projects/{project}/artifacts/{artifact}/lineage", pp + "/artifacts/" + artifact + "/lineage");
        put(m, "GET /api/v1/projects/{project}/artifacts/{artifact}/preview", pp + "/artifacts/nosuchartifact/preview");
        put(m, "GET /api/v1/projects/{project}/artifacts/{artifact}/preview/slice", pp + "/artifacts/nosuchartifact/preview/slice");
        put(m, "POST /api/v1/projects/{project}/artifacts/{artifact}/pipeline", pp + "/artifacts/" + artifact + "/pipeline");
        put(m, "POST /api/v1/projects/{project}/artifacts/{artifact}/reproduce", pp + "/artifacts/" + artifact + "/reproduce");
        put(m, "GET /api/v1/projects/{project}/artifacts/{artifact}/reproduction", pp + "/artifacts/" + artifact + "/reproduction?execution=enosuch");
        String s = "/api/v1/sessions/" + session;
        // a bad body: whoever may start one gets a 400 instead of a session that outlives the test
        m.put("POST /api/v1/projects/{project}/sessions", new Call(pp + "/sessions", "{\"compute\":1}"));
        put(m, "GET /api/v1/projects/{project}/sessions", pp + "/sessions");
        put(m, "GET /api/v1/sessions/{session}", s);
        put(m, "DELETE /api/v1/sessions/{session}", s);
        put(m, "POST /api/v1/sessions/{session}/interrupt", s + "/interrupt");
        put(m, "POST /api/v1/sessions/{session}/restart", s + "/restart");
        put(m, "PUT /api/v1/sessions/{session}/sharing", s + "/sharing");
        put(m, "POST /api/v1/sessions/{session}/cells", s + "/cells");
        put(m, "GET /api/v1/sessions/{session}/cells", s + "/cells");
        put(m, "GET /api/v1/sessions/{session}/cells/{cell}", s + "/cells/nosuchcell");
        put(m, "POST /api/v1/sessions/{session}/artifacts", s + "/artifacts");
        put(m, "POST /api/v1/sessions/{session}/explore", s + "/explore");
        put(m, "POST /api/v1/sessions/{session}/trainings", s + "/trainings");
        put(m, "GET /api/v1/sessions/{session}/trainings", s + "/trainings");
        put(m, "POST /api/v1/sessions/{session}/saves", s + "/saves");
        put(m, "GET /api/v1/catalogs/training", "/api/v1/catalogs/training");
        put(m, "GET /git/{project}/info/refs", "/git/" + p + "/info/refs?service=git-upload-pack");
        put(m, "POST /git/{project}/{service}", "/git/" + p + "/git-upload-pack");
        return m;
    }

    private static void put(Map<String, Call> m, String route, String path) {
        boolean hasBody = route.startsWith("POST") || route.startsWith("PUT") || route.startsWith("PATCH");
        m.put(route, new Call(path, hasBody ? "{}" : null));
    }

    static JsonNode created(Agent.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    static void ok(Agent.Reply r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 204);
    }

    static String token(Agent owner, String scope, String expires) throws Exception {
        var body = Json.MAPPER.createObjectNode().put("name", scope + " token").put("scope", scope);
        if (expires != null) {
            body.put("expires", expires);
        }
        return created(owner.post("/api/v1/me/tokens", Json.compact(body))).get("token").asText();
    }

    static final Set<String> UNUSED = Set.of();
}
