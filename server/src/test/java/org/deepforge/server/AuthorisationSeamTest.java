package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.Optional;
import org.deepforge.server.api.Route;
import org.deepforge.server.auth.Access;
import org.deepforge.server.auth.Accounts;
import org.deepforge.server.auth.AuthException;
import org.deepforge.server.auth.Authz;
import org.deepforge.server.auth.Principal;
import org.deepforge.server.auth.Role;
import org.deepforge.server.db.Database;
import org.junit.jupiter.api.Test;

/** The single authorisation point: every route declares what it needs, and roles are enforced. */
class AuthorisationSeamTest {
    @Test
    void everyRouteDeclaresAnAccessLevelMatchingItsPath() throws Exception {
        try (TestServer server = new TestServer()) {
            assertThat(server.app.routes()).isNotEmpty();
            for (Route r : server.app.routes()) {
                assertThat(r.access()).as(r.path()).isNotNull();
                boolean projectRoute = r.path().contains("{project}") || r.path().contains("{execution}");
                boolean projectAccess = r.access().name().startsWith("PROJECT_");
                assertThat(projectAccess).as(r.method() + " " + r.path()).isEqualTo(projectRoute);
                if (r.access() == Access.PUBLIC) {
                    assertThat(r.path()).isIn("/api/v1/health", "/api/v1/openapi.json", "/api/v1/auth/options", "/api/v1/auth/signup",
                            "/api/v1/auth/login");
                }
            }
        }
    }

    @Test
    void rolesAreCheckedPerProjectAndUnknownProjectsLookTheSameAsForbiddenOnes() throws Exception {
        Database db = new Database(Files.createTempDirectory("authz").resolve("t.db"));
        Accounts accounts = new Accounts(db);
        Authz authz = new Authz(accounts, false);
        Principal ada = new Principal("ada", "Ada", "ada@example.org");
        accounts.ensureUser(ada);
        accounts.grant("p1", "ada", Role.READER);

        authz.check(Optional.of(ada), Access.PROJECT_READ, Optional.of("p1"));
        assertThatThrownBy(() -> authz.check(Optional.of(ada), Access.PROJECT_WRITE, Optional.of("p1")))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> authz.check(Optional.of(ada), Access.PROJECT_READ, Optional.of("p2")))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> authz.check(Optional.empty(), Access.USER, Optional.empty()))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.status()).isEqualTo(401));
        authz.check(Optional.empty(), Access.PUBLIC, Optional.empty());
        accounts.grant("p1", "ada", Role.OWNER);
        authz.check(Optional.of(ada), Access.PROJECT_OWNER, Optional.of("p1"));
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAnAdministrator() {
        assertThatThrownBy(() -> App.start(ServerConfig.builder(Files.createTempDirectory("nl")).host("0.0.0.0").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("127.0.0.1")
                .hasMessageContaining("./deepforge users add --admin NAME --data-dir");
    }
}
