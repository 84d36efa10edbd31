package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * A recorded execution, as {@link RunStore} reads it back: the run it was ({@link RunSpec}, without the cache policy,
 * which is not recorded), how far it got, when it was created and finished, and — when read one at a time — its jobs.
 * {@link #toJson()} is the REST API's form.
 */
public record Execution(RunSpec run, JobStatus status, String created, Optional<String> finished, Optional<List<Job>> jobs) {
    /** One job of a recorded execution: its pipeline node, the node's operation (none for Input/Output), status and times. */
    public record Job(String id, Optional<String> operation, JobStatus status, Optional<String> message, Optional<String> started,
                      Optional<String> finished) {
        public ObjectNode toJson(ObjectNode into) {
            into.put("id", id).put("operation", operation.orElse(null)).put("status", status.id());
            into.put("message", message.orElse(null)).put("started", started.orElse(null)).put("finished", finished.orElse(null));
            return into;
        }
    }

    public Execution {
        jobs = jobs.map(List::copyOf);
    }

    public String id() {
        return run.id();
    }

    public String project() {
        return run.project();
    }

    /** Whether this execution has a job for the pipeline node {@code job}. */
    public boolean hasJob(String job) {
        return jobs.orElse(List.of()).stream().anyMatch(j -> j.id().equals(job));
    }

    /** The REST API's form: the run's fields ({@link RunSpec#toJson}), status, created, finished, and {@code jobs} when they were read. */
    public ObjectNode toJson() {
        ObjectNode o = run.toJson().put("status", status.id()).put("created", created).put("finished", finished.orElse(null));
        jobs.ifPresent(list -> {
            ArrayNode array = o.putArray("jobs");
            list.forEach(j -> j.toJson(array.addObject()));
        });
        return o;
    }
}
