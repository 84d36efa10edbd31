package org.deepforge.exec.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.deepforge.model.Json;

/**
 * One structured event a job wrote to its event channel, after validation ({@link JobEvents#parse}).
 * Only these kinds exist; whatever else a job writes is dropped. A job's events are data about its
 * execution: they reach browsers only inside an execution envelope, never as protocol messages.
 */
public sealed interface JobEvent {
    /** The kind, as on the wire: metric, progress, plot, artifact. */
    String type();

    /** The event as JSON, with exactly the validated fields. */
    ObjectNode toJson();

    /** A point of a metric series; a non-finite value is empty (the channel writes it as null). */
    record Metric(String name, OptionalDouble value, OptionalLong step, double time) implements JobEvent {
        @Override
        public String type() {
            return "metric";
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode().put("type", type()).put("name", name);
            if (value.isPresent()) {
                o.put("value", value.getAsDouble());
            } else {
                o.putNull("value");
            }
            if (step.isPresent()) {
                o.put("step", step.getAsLong());
            } else {
                o.putNull("step");
            }
            return o.put("time", time);
        }
    }

    /** How far a job has come: {@code done} of {@code total} (total 0: unknown). */
    record Progress(double done, double total, String label, double time) implements JobEvent {
        @Override
        public String type() {
            return "progress";
        }

        @Override
        public ObjectNode toJson() {
            return Json.MAPPER.createObjectNode().put("type", type()).put("done", done).put("total", total)
                    .put("label", label).put("time", time);
        }
    }

    /** The latest picture of a figure, as SVG (shown as an image, never inlined), with optional 3-D data. */
    record Plot(String id, String title, String svg, boolean isFinal, Optional<JsonNode> data, double time) implements JobEvent {
        @Override
        public String type() {
            return "plot";
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode().put("type", type()).put("id", id).put("title", title)
                    .put("svg", svg).put("final", isFinal).put("time", time);
            data.ifPresent(d -> o.set("data", d));
            return o;
        }
    }

    /** An output the job saved: its name, serializer type, hash and size. */
    record Artifact(String name, String valueType, String sha256, long size) implements JobEvent {
        @Override
        public String type() {
            return "artifact";
        }

        @Override
        public ObjectNode toJson() {
            return Json.MAPPER.createObjectNode().put("type", type()).put("name", name).put("valueType", valueType)
                    .put("sha256", sha256).put("size", size);
        }
    }
}
