package org.deepforge.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deepforge.model.Ids;
import org.deepforge.model.Json;
import org.deepforge.model.PythonNames;

/**
 * The losses and optimizers the network trainer offers ({@code org/deepforge/nn/training-catalog.json}, generated from
 * torch by {@code python/tools/generate_training_catalog.py}), and the check of a trainer configuration against them
 * (docs/sessions.md, "Trainer"): everything a configuration says is checked here before it reaches a kernel.
 */
public final class TrainingCatalog {
    private static final String RESOURCE = "/org/deepforge/nn/training-catalog.json";
    private static final TrainingCatalog BUNDLED = load();

    /** Most samples in one batch and most epochs of one training: more is a typo, not a plan. */
    public static final int MAX_BATCH_SIZE = 1 << 16;
    public static final int MAX_EPOCHS = 100_000;
    public static final long MAX_SEED = 4_294_967_295L; // as a run's seed (docs/jobs.md, "Seeds")
    /** Most numbers one argument may hold (a class-weight tensor of a big classifier fits). */
    static final int MAX_ARGUMENT_VALUES = 100_000;
    static final int MAX_TEXT = 200;

    private static final Set<String> FIELDS = Set.of("training", "data", "architecture", "loss", "optimizer", "batchSize",
            "epochs", "validationSplit", "device", "seed");
    private static final Set<String> DEVICES = Set.of("cpu", "cuda");

    /** One argument of a loss or optimizer; {@code defaultValue} is JSON null where there is none. */
    public record Argument(String name, boolean required, String type, JsonNode defaultValue, String doc) {}

    /**
     * A loss or optimizer. {@code kind}: classification or regression where obvious (losses only); {@code labels}: the
     * dtype the trainer gives labels, int64 or float32 (losses only, empty for optimizers).
     */
    public record Entry(String name, String doc, Optional<String> kind, Optional<String> labels, List<Argument> arguments) {
        public Optional<Argument> argument(String name) {
            return arguments.stream().filter(a -> a.name().equals(name)).findFirst();
        }
    }

    private final Map<String, Entry> losses;
    private final Map<String, Entry> optimizers;
    private final String torch;

    private TrainingCatalog(Map<String, Entry> losses, Map<String, Entry> optimizers, String torch) {
        this.losses = losses;
        this.optimizers = optimizers;
        this.torch = torch;
    }

    /** The catalog that ships in the jar. */
    public static TrainingCatalog bundled() {
        return BUNDLED;
    }

    /** A catalog from JSON as the generator writes it. */
    public static TrainingCatalog of(JsonNode json) {
        return new TrainingCatalog(entries(json.path("losses")), entries(json.path("optimizers")), json.path("torch").asText(""));
    }

    public List<Entry> losses() {
        return List.copyOf(losses.values());
    }

    public List<Entry> optimizers() {
        return List.copyOf(optimizers.values());
    }

    public Optional<Entry> loss(String name) {
        return Optional.ofNullable(losses.get(name));
    }

    public Optional<Entry> optimizer(String name) {
        return Optional.ofNullable(optimizers.get(name));
    }

    /** The answer of {@code GET /api/v1/catalogs/training}: {@code {"torch", "losses": [Entry], "optimizers": [Entry]}}. */
    public ObjectNode toJson() {
        ObjectNode out = Json.MAPPER.createObjectNode().put("torch", torch);
        write(out.putArray("losses"), losses);
        write(out.putArray("optimizers"), optimizers);
        return out;
    }

    /**
     * Checks a trainer configuration (with or without its {@code training} id); throws IllegalArgumentException with a
     * message naming the field and saying what to put there. Absent optional fields take the trainer's defaults.
     */
    public void validate(JsonNode config) {
        if (config == null || !config.isObject()) {
            throw bad("the trainer configuration must be a JSON object such as {\"data\": \"xy\", \"architecture\": \"<id>\", "
                    + "\"loss\": {\"name\": \"CrossEntropyLoss\"}, \"optimizer\": {\"name\": \"Adam\", \"arguments\": {\"lr\": 0.001}}}");
        }
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw bad("unknown field \"" + shorten(field) + "\"; a trainer configuration has " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        if (config.has("training") && !Ids.isId(config.get("training").textValue())) {
            throw bad("\"training\" must be an id (1–64 of A-Z a-z 0-9 _ -)");
        }
        String data = config.path("data").textValue();
        if (!Ids.isIdentifier(data) || PythonNames.isKeyword(data)) {
            throw bad("\"data\" must name a variable of the session (a Python identifier such as \"xy\"), not " + shown(config.path("data")));
        }
        if (!Ids.isId(config.path("architecture").textValue())) {
            throw bad("\"architecture\" must be the id of one of the project's architectures, not " + shown(config.path("architecture")));
        }
        checkChoice(config.get("loss"), "loss", losses);
        checkChoice(config.get("optimizer"), "optimizer", optimizers);
        checkWhole(config.get("batchSize"), "batchSize", 1, MAX_BATCH_SIZE);
        checkWhole(config.get("epochs"), "epochs", 1, MAX_EPOCHS);
        checkWhole(config.get("seed"), "seed", 0, MAX_SEED);
        JsonNode split = config.get("validationSplit");
        if (split != null && !(split.isNumber() && split.asDouble() >= 0 && split.asDouble() < 1)) {
            throw bad("\"validationSplit\" must be a number from 0 (no validation) up to but not including 1, such as 0.1, not " + shown(split));
        }
        JsonNode device = config.get("device");
        if (device != null && !(device.isTextual() && DEVICES.contains(device.asText()))) {
            throw bad("\"device\" must be \"cpu\" or \"cuda\", not " + shown(device));
        }
    }

    private static void checkChoice(JsonNode choice, String field, Map<String, Entry> known) {
        if (choice == null || !choice.isObject() || !choice.path("name").isTextual()) {
            throw bad("\"" + field + "\" must be an object {\"name\": \"…\", \"arguments\": {…}} naming one of " + String.join(", ", known.keySet()));
        }
        for (Iterator<String> it = choice.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("name") && !f.equals("arguments")) {
                throw bad("unknown field \"" + field + "." + shorten(f) + "\"; a " + field + " has a name and arguments");
            }
        }
        String name = choice.get("name").asText();
        Entry entry = known.get(name);
        if (entry == null) {
            throw bad("unknown " + field + " \"" + shorten(name) + "\"; choose one of " + String.join(", ", known.keySet()));
        }
        JsonNode arguments = choice.get("arguments");
        if (arguments != null && !arguments.isObject()) {
            throw bad("\"" + field + ".arguments\" must be an object such as {\"" + entry.arguments().stream().findFirst().map(Argument::name).orElse("name")
                    + "\": …}");
        }
        JsonNode given = arguments == null ? Json.MAPPER.createObjectNode() : arguments;
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = field + " " + name + ": argument \"" + shorten(e.getKey()) + "\"";
            Argument argument = entry.argument(e.getKey()).orElseThrow(() -> bad("unknown " + where + "; " + name + " takes "
                    + (entry.arguments().isEmpty() ? "no arguments" : String.join(", ", entry.arguments().stream().map(Argument::name).toList()))));
            checkValue(argument, e.getValue(), where);
        }
        for (Argument argument : entry.arguments()) {
            if (argument.required() && !given.has(argument.name())) {
                throw bad(field + " " + name + " needs argument \"" + argument.name() + "\" (" + argument.type() + ")");
            }
        }
    }

    private static void checkValue(Argument argument, JsonNode value, String where) {
        if (value.isNull()) {
            if (argument.required() || !argument.defaultValue().isNull()) {
                throw bad(where + " must be " + article(argument.type()) + ", not null");
            }
            return;
        }
        boolean ok = switch (argument.type()) {
            case "int" -> value.isIntegralNumber();
            case "float" -> value.isNumber();
            case "bool" -> value.isBoolean();
            case "str" -> value.isTextual() && value.asText().length() <= MAX_TEXT;
            case "tuple", "list" -> value.isArray();
            case "dict" -> value.isObject();
            case "tensor" -> value.isArray() && numbers(value, 0) >= 0;
            default -> true;
        };
        if (!ok) {
            throw bad(where + " must be " + article(argument.type()) + ", not " + shown(value));
        }
        if (count(value) > MAX_ARGUMENT_VALUES) {
            throw bad(where + " holds more than " + MAX_ARGUMENT_VALUES + " values");
        }
    }

    /** How many numbers a (nested) array of numbers holds; -1 when it holds anything else or nests too deep. */
    private static long numbers(JsonNode array, int depth) {
        if (depth > 8) {
            return -1;
        }
        long n = 0;
        for (JsonNode v : array) {
            long inner = v.isNumber() ? 1 : v.isArray() ? numbers(v, depth + 1) : -1;
            if (inner < 0) {
                return -1;
            }
            n += inner;
        }
        return n;
    }

    private static long count(JsonNode value) {
        long n = 1;
        for (JsonNode v : value) {
            n += count(v);
            if (n > MAX_ARGUMENT_VALUES) {
                break;
            }
        }
        return n;
    }

    private static void checkWhole(JsonNode value, String field, long min, long max) {
        if (value != null && !(value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= min && value.asLong() <= max)) {
            throw bad("\"" + field + "\" must be a whole number from " + min + " to " + max + ", not " + shown(value));
        }
    }

    private static String article(String type) {
        return switch (type) {
            case "int" -> "a whole number";
            case "float" -> "a number";
            case "bool" -> "true or false";
            case "str" -> "a string (at most " + MAX_TEXT + " characters)";
            case "tuple", "list" -> "a JSON array";
            case "dict" -> "a JSON object";
            case "tensor" -> "a JSON array of numbers (nested for more dimensions)";
            default -> "a JSON value";
        };
    }

    private static String shown(JsonNode value) {
        return value == null || value.isMissingNode() ? "nothing" : shorten(Json.compact(value));
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static IllegalArgumentException bad(String message) {
        return new IllegalArgumentException(message);
    }

    private static Map<String, Entry> entries(JsonNode array) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (JsonNode e : array) {
            List<Argument> arguments = new ArrayList<>();
            for (JsonNode a : e.path("arguments")) {
                arguments.add(new Argument(a.path("name").asText(), a.path("required").asBoolean(false), a.path("type").asText("any"),
                        a.has("default") ? a.get("default") : Json.MAPPER.nullNode(), a.path("doc").asText("")));
            }
            entries.put(e.path("name").asText(), new Entry(e.path("name").asText(), e.path("doc").asText(""),
                    Optional.ofNullable(e.path("kind").textValue()), Optional.ofNullable(e.path("labels").textValue()), List.copyOf(arguments)));
        }
        return entries;
    }

    private static void write(ArrayNode out, Map<String, Entry> entries) {
        for (Entry e : entries.values()) {
            ObjectNode o = out.addObject().put("name", e.name()).put("doc", e.doc());
            e.kind().ifPresent(k -> o.put("kind", k));
            e.labels().ifPresent(l -> o.put("labels", l));
            ArrayNode args = o.putArray("arguments");
            for (Argument a : e.arguments()) {
                args.addObject().put("name", a.name()).put("type", a.type()).put("required", a.required()).put("doc", a.doc())
                        .set("default", a.defaultValue());
            }
        }
    }

    private static TrainingCatalog load() {
        try (InputStream in = TrainingCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the training catalog " + RESOURCE + " is missing from the jar");
            }
            return of(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training catalog " + RESOURCE, e);
        }
    }
}
