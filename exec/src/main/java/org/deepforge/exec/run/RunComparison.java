package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.deepforge.model.Json;
import org.deepforge.model.domain.Connection;
import org.deepforge.model.domain.Node;
import org.deepforge.model.domain.Pipeline;
import org.deepforge.model.domain.PipelineJson;
import org.deepforge.store.ModelAt;
import org.deepforge.store.history.CodeDiff;

/**
 * Two or more executions side by side: what differed between them — the run (pipeline, commit, seed, adapters),
 * and per job its code (as a line diff against the first execution that has the job), attributes, inputs and
 * outputs (sha256), environment and seed — and the first job, in pipeline order, whose outputs differ.
 *
 * <p>Jobs are paired by pipeline node when every execution ran the same pipeline; across pipelines by operation
 * (the first use of an operation with the first, and so on), so a pipeline rebuilt from provenance lines up with
 * the one it came from. Inputs and outputs are read from what the jobs left in their run folders.
 */
final class RunComparison {
    /** The most executions one comparison takes: beyond that a table of columns is no longer readable. */
    static final int MOST = 8;

    /** One execution as compared: its record, the model at its commit, its pipeline there. */
    record Side(Execution execution, ModelAt at, Pipeline pipeline) {}

    /** A named value in each execution (empty where it has none), and whether they all agree. */
    record Row(String name, List<Optional<String>> values) {
        boolean same() {
            return values.stream().distinct().count() <= 1;
        }

        ObjectNode toJson(ObjectNode into) {
            into.put("name", name).put("same", same());
            ArrayNode array = into.putArray("values");
            values.forEach(v -> array.add(v.orElse(null)));
            return into;
        }
    }

    /** A job in each execution (empty where it has none): the nodes paired under one {@code key}. */
    record JobSides(String key, String label, List<Optional<Node.Operation>> nodes) {}

    private final Path workDir;

    RunComparison(Path workDir) {
        this.workDir = workDir;
    }

    ObjectNode compare(List<Side> sides) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode executions = out.putArray("executions");
        for (Side s : sides) {
            executions.add(s.execution().toJson().put("pipelineName", pipelineName(s)).put("shortCommit", shortCommit(s.at().commit())));
        }
        ArrayNode run = out.putArray("run");
        runRows(sides).forEach(r -> r.toJson(run.addObject()));
        ArrayNode jobs = out.putArray("jobs");
        Optional<String> firstDiverged = Optional.empty();
        for (JobSides job : pair(sides)) {
            ObjectNode j = jobs.addObject().put("key", job.key()).put("label", job.label());
            boolean differs = job(sides, job, j);
            j.put("differs", differs);
            if (firstDiverged.isEmpty() && !j.path("outputsSame").asBoolean(true)) {
                firstDiverged = Optional.of(job.label());
            }
        }
        out.put("firstDiverged", firstDiverged.orElse(null));
        return out;
    }

    private static List<Row> runRows(List<Side> sides) {
        List<Row> rows = new ArrayList<>();
        rows.add(row("Pipeline", sides, s -> Optional.of(pipelineName(s))));
        rows.add(row("Branch", sides, s -> Optional.of(s.execution().run().branch())));
        rows.add(row("Commit", sides, s -> Optional.of(shortCommit(s.at().commit()))));
        rows.add(row("Seed", sides, s -> Optional.of(Long.toString(s.execution().run().seed()))));
        rows.add(row("Status", sides, s -> Optional.of(s.execution().status().id())));
        rows.add(row("Compute", sides, s -> Optional.of(s.execution().run().compute().path("adapter").asText("local"))));
        rows.add(row("Storage", sides, s -> Optional.of(s.execution().run().storage().path("adapter").asText("local"))));
        rows.add(row("Started by", sides, s -> Optional.of(s.execution().run().user())));
        rows.add(row("Duration", sides, RunComparison::duration));
        return rows;
    }

    private static Row row(String name, List<Side> sides, Function<Side, Optional<String>> value) {
        return new Row(name, sides.stream().map(value).toList());
    }

    /** Fills {@code into} with the job's rows in each execution; answers whether anything differs. */
    private boolean job(List<Side> sides, JobSides job, ObjectNode into) {
        List<Optional<JsonNode>> results = indexed(sides, i -> job.nodes().get(i)
                .flatMap(n -> readJson(jobDir(sides.get(i).execution(), n).resolve("results.json"))));
        ArrayNode present = into.putArray("present");
        job.nodes().forEach(n -> present.add(n.isPresent()));
        boolean differs = job.nodes().stream().anyMatch(Optional::isEmpty);

        Row status = new Row("Status", indexed(sides, i -> job.nodes().get(i).flatMap(n -> jobStatus(sides.get(i).execution(), n.id()))));
        status.toJson(into.putObject("status"));

        // code: its sha256 in each, and a line diff against the first execution that has the job
        List<Optional<String>> code = indexed(sides, i -> job.nodes().get(i).map(n -> operation(sides.get(i), n).path("code").asText("")));
        ObjectNode c = into.putObject("code");
        Row hashes = new Row("sha256", code.stream().map(o -> o.map(RunProvenance::sha256)).toList());
        c.put("same", hashes.same());
        differs |= !hashes.same();
        ArrayNode shas = c.putArray("sha256");
        hashes.values().forEach(v -> shas.add(v.orElse(null)));
        ArrayNode diffs = c.putArray("diffs");
        Optional<String> base = code.stream().flatMap(Optional::stream).findFirst();
        for (Optional<String> mine : code) {
            if (mine.isEmpty() || base.isEmpty() || mine.equals(base)) {
                diffs.addNull();
            } else {
                CodeDiff.of(base.get(), mine.get()).toJson(diffs.addObject());
            }
        }

        List<Row> attributes = attributeRows(sides, job);
        List<Row> inputs = portRows(sides, job, results, true);
        List<Row> outputs = portRows(sides, job, results, false);
        List<Row> environment = keyRows(results, "environment");
        Row seed = new Row("Seed", indexed(sides, i -> results.get(i).map(r -> r.path("seed")).filter(JsonNode::isNumber).map(JsonNode::asText)));
        for (var section : List.of(Map.entry("attributes", attributes), Map.entry("inputs", inputs), Map.entry("outputs", outputs),
                Map.entry("environment", environment))) {
            ArrayNode array = into.putArray(section.getKey());
            section.getValue().forEach(r -> array.add(r.toJson(Json.MAPPER.createObjectNode())));
            if (!section.getKey().equals("environment")) {
                differs |= section.getValue().stream().anyMatch(r -> !r.same());
            }
        }
        differs |= environment.stream().anyMatch(r -> !r.same());
        seed.toJson(into.putObject("seed"));
        differs |= !seed.same();
        into.put("outputsSame", outputs.stream().allMatch(Row::same) && job.nodes().stream().allMatch(Optional::isPresent));
        return differs;
    }

    private static <T> List<Optional<T>> indexed(List<Side> sides, java.util.function.IntFunction<Optional<T>> value) {
        List<Optional<T>> out = new ArrayList<>();
        for (int i = 0; i < sides.size(); i++) {
            out.add(value.apply(i));
        }
        return out;
    }

    /** Each attribute the operation declares (in any execution): the value the node gives, else the declared default. */
    private static List<Row> attributeRows(List<Side> sides, JobSides job) {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < sides.size(); i++) {
            int k = i;
            job.nodes().get(i).ifPresent(n -> {
                operation(sides.get(k), n).path("interface").path("attributes").forEach(a -> names.add(a.path("name").asText()));
                n.attributes().fieldNames().forEachRemaining(names::add);
            });
        }
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            rows.add(new Row(name, indexed(sides, i -> job.nodes().get(i).flatMap(n -> attribute(sides.get(i), n, name)))));
        }
        return rows;
    }

    private static Optional<String> attribute(Side side, Node.Operation node, String name) {
        if (node.attributes().has(name)) {
            return Optional.of(Json.compact(node.attributes().get(name)));
        }
        for (JsonNode a : operation(side, node).path("interface").path("attributes")) {
            if (a.path("name").asText().equals(name) && a.has("default")) {
                return Optional.of(Json.compact(a.get("default")) + " (default)");
            }
        }
        return Optional.empty();
    }

    /**
     * sha256 of each input (as the job's run folder recorded it when it fetched it) or output (as its results.json
     * reports it), port by port.
     */
    private List<Row> portRows(List<Side> sides, JobSides job, List<Optional<JsonNode>> results, boolean inputs) {
        Set<String> ports = new TreeSet<>();
        List<Map<String, String>> values = new ArrayList<>();
        for (int i = 0; i < sides.size(); i++) {
            Map<String, String> mine = new HashMap<>();
            Optional<Node.Operation> node = job.nodes().get(i);
            if (node.isPresent() && inputs) {
                Side side = sides.get(i);
                for (Connection read : side.pipeline().into(node.get().id())) {
                    String port = read.to().port();
                    Path meta = jobDir(side.execution(), node.get()).resolve("inputs").resolve(port).resolve("meta.json");
                    readJson(meta).map(m -> m.path("sha256").asText("")).filter(s -> !s.isEmpty()).ifPresent(sha -> mine.put(port, sha));
                    ports.add(port);
                }
            } else if (results.get(i).isPresent()) {
                results.get(i).get().path("outputs").fields().forEachRemaining(e -> {
                    ports.add(e.getKey());
                    String sha = e.getValue().path("sha256").asText("");
                    if (!sha.isEmpty()) {
                        mine.put(e.getKey(), sha);
                    }
                });
            }
            values.add(mine);
        }
        List<Row> rows = new ArrayList<>();
        for (String port : ports) {
            rows.add(new Row(port, values.stream().map(m -> Optional.ofNullable(m.get(port))).toList()));
        }
        return rows;
    }

    /** The keys of an object in each job's results.json, one row a key ({@code environment}: python, torch, …). */
    private static List<Row> keyRows(List<Optional<JsonNode>> results, String field) {
        Set<String> keys = new LinkedHashSet<>();
        results.forEach(r -> r.ifPresent(json -> json.path(field).fieldNames().forEachRemaining(keys::add)));
        List<Row> rows = new ArrayList<>();
        for (String key : keys) {
            rows.add(new Row(key, results.stream().map(r -> r.map(json -> json.path(field).path(key))
                    .filter(v -> !v.isMissingNode() && !v.isNull()).map(v -> v.isTextual() ? v.asText() : Json.compact(v))).toList()));
        }
        return rows;
    }

    /** The operation jobs of each execution, paired (see the class comment), in the pipeline order of the first that has them. */
    static List<JobSides> pair(List<Side> sides) {
        boolean samePipeline = sides.stream().map(s -> s.execution().run().pipeline()).distinct().count() == 1;
        Map<String, List<Optional<Node.Operation>>> byKey = new LinkedHashMap<>();
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < sides.size(); i++) {
            Side side = sides.get(i);
            Map<String, Integer> uses = new HashMap<>();
            for (Node node : ordered(side.pipeline())) {
                if (!(node instanceof Node.Operation op)) {
                    continue;
                }
                int use = uses.merge(op.operation(), 1, Integer::sum);
                String key = samePipeline ? op.id() : use == 1 ? op.operation() : op.operation() + " #" + use;
                byKey.computeIfAbsent(key, k -> new ArrayList<>(java.util.Collections.nCopies(sides.size(), Optional.empty()))).set(i, Optional.of(op));
                labels.putIfAbsent(key, operationName(side, op) + (use == 1 ? "" : " #" + use));
            }
        }
        if (samePipeline) {
            // a node id is no name: label by operation, numbered where one pipeline uses an operation twice
            Map<String, Long> counts = new HashMap<>();
            labels.values().forEach(l -> counts.merge(l, 1L, Long::sum));
            labels.replaceAll((key, label) -> counts.get(label) > 1 ? label + " (" + key + ")" : label);
        }
        List<JobSides> out = new ArrayList<>();
        byKey.forEach((key, nodes) -> out.add(new JobSides(key, labels.get(key), List.copyOf(nodes))));
        return out;
    }

    /** The pipeline's nodes, each after the nodes it reads from (model order among equals). */
    static List<Node> ordered(Pipeline pipeline) {
        List<Node> out = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (placed.size() < pipeline.nodes().size()) {
            boolean progress = false;
            for (Node n : pipeline.nodes().values()) {
                if (!placed.contains(n.id()) && pipeline.into(n.id()).stream().allMatch(c -> placed.contains(c.from().node())
                        || !pipeline.nodes().containsKey(c.from().node()))) {
                    placed.add(n.id());
                    out.add(n);
                    progress = true;
                }
            }
            if (!progress) { // a cycle the editor should have refused: keep the rest in model order
                pipeline.nodes().values().stream().filter(n -> !placed.contains(n.id())).forEach(n -> {
                    placed.add(n.id());
                    out.add(n);
                });
            }
        }
        return out;
    }

    private Path jobDir(Execution execution, Node.Operation node) {
        return workDir.resolve(execution.id()).resolve(node.id());
    }

    private static Optional<String> jobStatus(Execution execution, String job) {
        return execution.jobs().orElse(List.of()).stream().filter(j -> j.id().equals(job)).findFirst().map(j -> j.status().id());
    }

    private static JsonNode operation(Side side, Node.Operation node) {
        return side.at().model().path("operations").path(node.operation());
    }

    private static String operationName(Side side, Node.Operation node) {
        String name = operation(side, node).path("name").asText("");
        return name.isBlank() ? node.operation() : name;
    }

    private static String pipelineName(Side side) {
        return side.pipeline().name().isBlank() ? side.pipeline().id() : side.pipeline().name();
    }

    private static String shortCommit(String commit) {
        return commit.length() > 8 ? commit.substring(0, 8) : commit;
    }

    private static Optional<String> duration(Side side) {
        Execution e = side.execution();
        if (e.finished().isEmpty()) {
            return Optional.empty();
        }
        try {
            Duration d = Duration.between(Instant.parse(e.created()), Instant.parse(e.finished().get()));
            return Optional.of(String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0));
        } catch (DateTimeParseException notAnInstant) {
            return Optional.empty();
        }
    }

    private static Optional<JsonNode> readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = Json.MAPPER.readTree(file.toFile());
            return json != null && json.isObject() ? Optional.of(json) : Optional.empty();
        } catch (IOException unreadable) { // a job may write anything into its own folder
            return Optional.empty();
        }
    }

    /** The model's pipeline for a side, read once. */
    static Side side(Execution execution, ModelAt at) {
        return new Side(execution, at, PipelineJson.read(at.model(), execution.run().pipeline()));
    }
}
