package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.deepforge.model.Json;

/**
 * The types operations' outputs had when they last ran: per operation and output, the type the newest successful
 * job of that operation (in any pipeline, on any branch of the project) recorded in its {@code results.json}. Only
 * the newest {@value #EXECUTIONS} executions are read. The runtime writes the serializer's name; the names that are
 * port types too ({@code numpy.ndarray}, {@code torch.Tensor}, {@code torch.nn.Module}, {@code file}) are kept,
 * {@code pickle} (any other Python value) says nothing about the type and is left out, and a user-registered name
 * ({@code mypkg.Table}) is kept as written. Job folders are written by user code: only small files and short,
 * dotted names are read.
 */
final class ObservedTypes {
    static final int EXECUTIONS = 20;
    private static final long LARGEST_RESULTS = 1 << 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,199}");

    private ObservedTypes() {}

    /**
     * {@code {"<operation>": {"<output>": {"type", "execution", "job", "at"}}}} from {@code executions} (newest
     * first, without jobs) read one at a time through {@code withJobs}.
     */
    static ObjectNode of(List<Execution> executions, Lookup withJobs, Path workDir) throws SQLException {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (Execution listed : executions.stream().limit(EXECUTIONS).toList()) {
            Optional<Execution> e = withJobs.get(listed.id());
            if (e.isEmpty()) {
                continue;
            }
            for (Execution.Job job : e.get().jobs().orElse(List.of())) {
                if (job.status() != JobStatus.SUCCESS || job.operation().isEmpty() || !NAME.matcher(job.id()).matches()) {
                    continue;
                }
                JsonNode outputs = results(workDir.resolve(listed.id()).resolve(job.id()).resolve("results.json")).path("outputs");
                ObjectNode ports = out.has(job.operation().get()) ? (ObjectNode) out.get(job.operation().get())
                        : Json.MAPPER.createObjectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = outputs.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> port = it.next();
                    String type = port.getValue().path("type").asText("");
                    if (ports.has(port.getKey()) || !NAME.matcher(port.getKey()).matches() || !NAME.matcher(type).matches()
                            || type.equals("pickle")) {
                        continue;
                    }
                    ports.putObject(port.getKey()).put("type", type).put("execution", listed.id()).put("job", job.id())
                            .put("at", job.finished().orElse(listed.finished().orElse(listed.created())));
                }
                if (!ports.isEmpty()) {
                    out.set(job.operation().get(), ports);
                }
            }
        }
        return out;
    }

    /** An execution with its jobs. */
    interface Lookup {
        Optional<Execution> get(String id) throws SQLException;
    }

    private static JsonNode results(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > LARGEST_RESULTS) {
                return Json.MAPPER.createObjectNode();
            }
            JsonNode json = Json.MAPPER.readTree(file.toFile());
            return json == null ? Json.MAPPER.createObjectNode() : json;
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode(); // a job wrote something that is not JSON: nothing observed
        }
    }
}
