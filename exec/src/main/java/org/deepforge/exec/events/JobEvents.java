package org.deepforge.exec.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The whitelist of the job event channel (docs/jobs.md): a line is one JSON object of a known kind, with
 * known fields of the right types and sizes, or it is refused with a reason. Nothing a job writes is
 * passed on unchecked.
 */
public final class JobEvents {
    /** The longest event line accepted (a plot's SVG and its 3-D data make the big ones). */
    public static final int MAX_LINE = 8 << 20;
    static final int MAX_SVG = 6 << 20;
    static final int MAX_DATA = 4 << 20;
    static final int MAX_NAME = 200;
    static final int MAX_LABEL = 500;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JobEvents() {}

    /** What became of one line: an event, or the reason it was dropped. */
    public sealed interface Parsed {
        record Accepted(JobEvent event) implements Parsed {}

        record Dropped(String reason) implements Parsed {}
    }

    public static Parsed parse(String line) {
        if (line.length() > MAX_LINE) {
            return new Parsed.Dropped("an event line of " + line.length() + " characters, longer than " + MAX_LINE);
        }
        JsonNode e;
        try {
            e = STRICT.readTree(line);
        } catch (JsonProcessingException ex) {
            return new Parsed.Dropped("an event line that is not valid JSON (" + firstLine(ex.getOriginalMessage()) + ")");
        }
        if (e == null || !e.isObject()) {
            return new Parsed.Dropped("an event line that is not a JSON object");
        }
        String type = e.path("type").isTextual() ? e.get("type").asText() : "";
        try {
            return new Parsed.Accepted(switch (type) {
                case "metric" -> metric(e);
                case "progress" -> progress(e);
                case "plot" -> plot(e);
                case "artifact" -> artifact(e);
                default -> throw new Invalid("an event of unknown type \"" + clip(type) + "\" (known: metric, progress, plot, artifact)");
            });
        } catch (Invalid ex) {
            return new Parsed.Dropped(ex.getMessage());
        }
    }

    private static JobEvent metric(JsonNode e) throws Invalid {
        only(e, "metric", Set.of("type", "name", "value", "step", "time"));
        String name = text(e, "metric", "name", MAX_NAME, false);
        OptionalDouble value;
        if (e.path("value").isNumber()) {
            double v = e.get("value").asDouble();
            value = Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
        } else if (e.path("value").isNull()) {
            value = OptionalDouble.empty();
        } else {
            throw new Invalid("metric \"" + clip(name) + "\": value must be a number or null");
        }
        OptionalLong step = OptionalLong.empty();
        if (e.hasNonNull("step")) {
            if (!e.get("step").canConvertToLong() || !e.get("step").isIntegralNumber()) {
                throw new Invalid("metric \"" + clip(name) + "\": step must be a whole number");
            }
            step = OptionalLong.of(e.get("step").asLong());
        }
        return new JobEvent.Metric(name, value, step, time(e, "metric"));
    }

    private static JobEvent progress(JsonNode e) throws Invalid {
        only(e, "progress", Set.of("type", "done", "total", "label", "time"));
        double done = number(e, "progress", "done");
        double total = e.hasNonNull("total") ? number(e, "progress", "total") : 0;
        if (done < 0 || total < 0) {
            throw new Invalid("progress: done and total must not be negative");
        }
        String label = e.hasNonNull("label") ? text(e, "progress", "label", MAX_LABEL, true) : "";
        return new JobEvent.Progress(done, total, label, time(e, "progress"));
    }

    private static JobEvent plot(JsonNode e) throws Invalid {
        only(e, "plot", Set.of("type", "id", "title", "svg", "time", "final", "data"));
        String id = text(e, "plot", "id", 64, false);
        String title = e.hasNonNull("title") ? text(e, "plot", "title", MAX_LABEL, true) : "";
        if (!e.path("svg").isTextual()) {
            throw new Invalid("plot " + clip(id) + ": svg must be text");
        }
        String svg = e.get("svg").asText();
        if (svg.length() > MAX_SVG) {
            throw new Invalid("plot " + clip(id) + ": its SVG of " + svg.length() + " characters is longer than " + MAX_SVG);
        }
        String head = svg.stripLeading();
        if (!head.startsWith("<svg") && !head.startsWith("<?xml")) {
            throw new Invalid("plot " + clip(id) + ": svg is not an SVG document");
        }
        if (e.has("final") && !e.get("final").isBoolean()) {
            throw new Invalid("plot " + clip(id) + ": final must be true or false");
        }
        Optional<JsonNode> data = Optional.empty();
        if (e.hasNonNull("data")) {
            if (!e.get("data").isObject()) {
                throw new Invalid("plot " + clip(id) + ": data must be an object");
            }
            if (e.get("data").toString().length() > MAX_DATA) {
                throw new Invalid("plot " + clip(id) + ": its data is longer than " + MAX_DATA + " characters");
            }
            data = Optional.of(e.get("data"));
        }
        return new JobEvent.Plot(id, title, svg, e.path("final").asBoolean(false), data, time(e, "plot"));
    }

    private static JobEvent artifact(JsonNode e) throws Invalid {
        only(e, "artifact", Set.of("type", "name", "valueType", "sha256", "size"));
        String name = text(e, "artifact", "name", MAX_NAME, false);
        String valueType = text(e, "artifact", "valueType", MAX_NAME, false);
        String sha = text(e, "artifact", "sha256", 64, false);
        if (!SHA256.matcher(sha).matches()) {
            throw new Invalid("artifact \"" + clip(name) + "\": sha256 must be 64 lower-case hex digits");
        }
        if (!e.path("size").canConvertToLong() || !e.path("size").isIntegralNumber() || e.get("size").asLong() < 0) {
            throw new Invalid("artifact \"" + clip(name) + "\": size must be a whole number of bytes");
        }
        return new JobEvent.Artifact(name, valueType, sha, e.get("size").asLong());
    }

    private static void only(JsonNode e, String kind, Set<String> allowed) throws Invalid {
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw new Invalid(kind + " event with an unknown field \"" + clip(field) + "\"");
            }
        }
    }

    private static String text(JsonNode e, String kind, String field, int max, boolean mayBeEmpty) throws Invalid {
        JsonNode v = e.get(field);
        if (v == null || !v.isTextual() || (!mayBeEmpty && v.asText().isEmpty())) {
            throw new Invalid(kind + " event: " + field + " must be " + (mayBeEmpty ? "" : "non-empty ") + "text");
        }
        String s = v.asText();
        if (s.length() > max) {
            throw new Invalid(kind + " event: " + field + " is longer than " + max + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c) || Character.isISOControl(c) && c != '\n' && c != '\t') {
                throw new Invalid(kind + " event: " + field + " holds a control character or a lone surrogate");
            }
        }
        return s;
    }

    private static double number(JsonNode e, String kind, String field) throws Invalid {
        if (!e.path(field).isNumber() || !Double.isFinite(e.get(field).asDouble())) {
            throw new Invalid(kind + " event: " + field + " must be a finite number");
        }
        return e.get(field).asDouble();
    }

    /** Seconds since the epoch; a job that gives none (or nonsense) gets the time it was read. */
    private static double time(JsonNode e, String kind) throws Invalid {
        if (!e.hasNonNull("time")) {
            return System.currentTimeMillis() / 1000.0;
        }
        return number(e, kind, "time");
    }

    private static String clip(String s) {
        String printable = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.lines().findFirst().orElse("");
        return t.length() > 120 ? t.substring(0, 120) + "…" : t;
    }

    private static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}
