package org.deepforge.server;

import static io.javalin.http.HandlerType.GET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.deepforge.server.api.OpenApi;
import org.deepforge.server.api.Route;
import org.deepforge.server.auth.Access;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The route table is the one source of the OpenAPI document; every route has its schemas, and answers follow them. */
class OpenApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRouteOfTheTableHasAnEntryWithSchemasAndEveryEntryHasARoute() {
        assertThat(new OpenApi(server.app::routes).problems()).as("routes and openapi/routes.yaml disagree").isEmpty();
    }

    @Test
    void aRouteWithoutAnEntryAndAnEntryWithoutARouteAreNamed() {
        List<Route> table = new ArrayList<>(server.app.routes());
        table.removeIf(r -> r.path().equals("/api/v1/examples") && r.method() == GET);
        table.add(new Route(GET, "/api/v1/nowhere/{thing}", Access.USER, ctx -> {}));

        assertThat(new OpenApi(() -> table).problems()).containsExactlyInAnyOrder(
                "GET /api/v1/nowhere/{thing} has no entry in /openapi/routes.yaml (add its summary and response schemas there)",
                "/openapi/routes.yaml has an entry for GET /api/v1/examples, which is not in Routes.java (remove it or fix its key)");
    }

    @Test
    void theServedDocumentIsPublicAndDescribesEveryRouteWithItsAccessParametersAndSchemas() throws Exception {
        TestServer.Reply r = server.get("/api/v1/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        // kept for tools that read the contract without a server (e.g. openapi-spec-validator, client generators)
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "openapi.json"), r.body());
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        assertThat(doc.at("/components/securitySchemes/session/in").asText()).isEqualTo("cookie");
        for (Route route : server.app.routes()) {
            String key = OpenApi.key(route);
            JsonNode op = doc.path("paths").path(route.path()).path(route.method().name().toLowerCase(Locale.ROOT));
            assertThat(op.isObject()).as(key).isTrue();
            assertThat(op.path("summary").asText()).as(key).isNotBlank();
            assertThat(op.path("x-access").asText()).as(key).isEqualTo(route.access().name());
            assertThat(op.has("security")).as(key + ": only public routes waive the credentials").isEqualTo(route.access() == Access.PUBLIC);
            assertThat(op.path("tags")).as(key).hasSize(1);
            assertThat(op.at("/responses/4XX/content/application~1json/schema/$ref").asText()).as(key).isEqualTo("#/components/schemas/Error");
            long pathParams = route.path().chars().filter(c -> c == '{').count();
            long documented = 0;
            for (JsonNode p : op.path("parameters")) {
                documented += p.path("in").asText().equals("path") ? 1 : 0;
            }
            assertThat(documented).as(key + " path parameters").isEqualTo(pathParams);
        }
        JsonNode run = doc.at("/paths/~1api~1v1~1projects~1{project}~1pipelines~1{pipeline}~1executions/post");
        assertThat(run.at("/responses/201/content/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/Execution");
        assertThat(run.at("/requestBody/content/application~1json/schema/properties/compute").isObject()).isTrue();
        assertThat(doc.at("/components/schemas/Execution/required").toString()).contains("\"status\"");
    }

    @Test
    void anAnswerTheDocumentDoesNotDescribeFailsWithTheRouteTheStatusAndTheValidatorsMessages() {
        Contract contract = Contract.of(server.app);
        Optional<String> json = Optional.of("application/json");
        String project = "/api/v1/projects/p1";

        contract.check("GET", project, 200, json, "{\"id\":\"p1\",\"name\":\"P\",\"description\":\"\",\"defaultBranch\":\"main\","
                + "\"created\":\"2026-01-01T00:00:00Z\",\"role\":\"owner\"}");
        contract.check("GET", project + "?ref=x", 404, json, "{\"error\":\"no such project\"}");
        assertThatThrownBy(() -> contract.check("GET", project, 200, json, "{\"id\":\"p1\",\"name\":7}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /api/v1/projects/{project} answered 200 with a body that does not match")
                .hasMessageContaining("at /name: integer found, string expected").hasMessageContaining("'description'");
        assertThatThrownBy(() -> contract.check("DELETE", project, 200, json, "{}"))
                .hasMessageContaining("DELETE /api/v1/projects/{project} answered 200, which the OpenAPI document does not list");
        assertThatThrownBy(() -> contract.check("GET", project + "/export", 200, json, "{}"))
                .hasMessageContaining("where the document says application/x-git-bundle");
        assertThatThrownBy(() -> contract.check("GET", "/api/v1/nowhere", 404, json, "{\"message\":\"gone\"}"))
                .hasMessageContaining("GET /api/v1/nowhere (no route) answered 404").hasMessageContaining("error");
    }
}
