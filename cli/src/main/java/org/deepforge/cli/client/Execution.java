package org.deepforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** An execution as {@code GET /executions/{e}} answers it; {@code json} is the server's answer as sent. */
public record Execution(String id, String project, String pipeline, String status, List<Job> jobs, JsonNode json) {
    /** One job of an execution: its node id, the operation it runs, its status and the reason for it. */
    public record Job(String id, String operation, String status, String message) {
        public boolean finished() {
            return Execution.finished(status);
        }
    }

    public static Execution of(JsonNode json) {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode j : json.path("jobs")) {
            jobs.add(new Job(j.path("id").asText(), j.path("operation").asText(""), j.path("status").asText(),
                    j.path("message").isTextual() ? j.get("message").asText() : ""));
        }
        return new Execution(json.path("id").asText(), json.path("project").asText(), json.path("pipeline").asText(),
                json.path("status").asText(), List.copyOf(jobs), json);
    }

    public boolean finished() {
        return finished(status);
    }

    /** Whether a status is final: nothing about it changes any more. */
    public static boolean finished(String status) {
        return switch (status) {
            case "success", "failed", "cancelled", "skipped", "cached" -> true;
            default -> false;
        };
    }
}
