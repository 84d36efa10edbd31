package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The types operations' outputs had in their last run, over real HTTP after a real Python run. */
class ObservedTypesApiTest {
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
    void anUntypedOutputShowsTheTypeItsLastRunProducedWithTheExecution() throws Exception {
        String p = ExecutionsApiTest.project(server, "        import numpy\n        values = numpy.arange(self.n)\n        return values\n");
        String route = "/api/v1/projects/" + p + "/operations/observed-types";
        var before = server.get(route);
        assertThat(before.status()).as(before.body()).isEqualTo(200);
        assertThat(before.json().size()).as(before.body()).isZero();

        String id = server.post("/api/v1/projects/" + p + "/pipelines/chain/executions", "{}").json().get("id").asText();
        assertThat(ExecutionsApiTest.waitFor(server, id).get("status").asText()).isEqualTo("success");

        JsonNode observed = server.get(route).json();
        assertThat(observed.path("Make").path("values").path("type").asText()).as(observed.toString()).isEqualTo("numpy.ndarray");
        assertThat(observed.path("Make").path("values").path("execution").asText()).isEqualTo(id);
        assertThat(observed.path("Make").path("values").path("job").asText()).isEqualTo("make");
        assertThat(observed.path("Make").path("values").path("at").asText()).isNotEmpty();
        // a list is pickled: the run says nothing about its type, so nothing is claimed
        assertThat(observed.path("Scale").has("output")).as(observed.toString()).isFalse();
    }
}
