package org.deepforge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/** The test's own plain HTTP calls to the server, to arrange state and check what the CLI claims. */
record CliTestRest(String url, Optional<String> token) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    JsonNode get(String path) throws Exception {
        return send("GET", path, null);
    }

    JsonNode post(String path, String json) throws Exception {
        return send("POST", path, json);
    }

    JsonNode send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/api/v1" + path));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? InProcessCli.MAPPER.createObjectNode() : InProcessCli.MAPPER.readTree(r.body());
    }

    /** Adds operation {@code name} with {@code code} and a one-node pipeline {@code pipeline} running it, on main. */
    void onePipeline(String project, String name, String code, String pipeline) throws Exception {
        String op = InProcessCli.MAPPER.createObjectNode().put("code", code).toString();
        String p = "{\"name\":\"" + pipeline + "\",\"nodes\":{\"job\":{\"operation\":\"" + name + "\",\"attributes\":{}}},\"connections\":{}}";
        post("/projects/" + project + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/" + name
                + "\",\"value\":" + op + "},{\"op\":\"add\",\"path\":\"/pipelines/" + pipeline + "\",\"value\":" + p + "}]}");
    }

    /** The status of the project's newest execution. */
    String newestStatus(String project) throws Exception {
        return get("/projects/" + project + "/executions").get("items").get(0).get("status").asText();
    }
}
