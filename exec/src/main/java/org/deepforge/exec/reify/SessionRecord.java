package org.deepforge.exec.reify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.deepforge.model.Ids;
import org.deepforge.model.ModelView;
import org.deepforge.model.PythonNames;
import org.deepforge.store.StoreException;

/**
 * The provenance of an artifact an interactive session saved (docs/sessions.md, "Saving and provenance"), read once and
 * checked: {@code {"session": {"id", "commit", …}, "kind": "console" | "training", "cells": [code…], "training"?: config,
 * "inputs": [{"artifact", "name", "sha256", "variable"}], "architectures": [{"id", "name", "commit"}], "variable"?, "seed"}}.
 * The record is data a session wrote, so ids, variable names and sizes are checked here and a bad one is refused
 * with a {@link StoreException} (400) saying what is wrong.
 */
record SessionRecord(String session, String commit, String kind, List<String> cells, Optional<JsonNode> training,
                     List<Loaded> inputs, Map<String, String> architectureCommits, Optional<String> variable, OptionalLong seed) {
    /** Most cells one record may hold. */
    static final int MAX_CELLS = 10_000;
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** An artifact the session loaded into {@code variable}. */
    record Loaded(String artifact, String name, String sha256, String variable) {}

    /** Whether an artifact's provenance was written by a session. */
    static boolean isSession(JsonNode provenance) {
        return provenance != null && provenance.path("session").isObject();
    }

    static SessionRecord read(JsonNode p, Function<String, StoreException> damaged) {
        JsonNode s = p.path("session");
        String session = s.path("id").asText("");
        if (!Ids.isId(session)) {
            throw damaged.apply("\"" + shorten(session) + "\" is not a session id");
        }
        String commit = s.path("commit").asText("");
        if (!commit.isEmpty() && !COMMIT.matcher(commit).matches()) {
            throw damaged.apply("\"" + shorten(commit) + "\" is not a commit");
        }
        String kind = p.path("kind").asText("");
        if (!kind.equals("console") && !kind.equals("training")) {
            throw damaged.apply("its kind is \"" + shorten(kind) + "\", not console or training");
        }
        List<String> cells = new ArrayList<>();
        long chars = 0;
        for (JsonNode cell : p.path("cells")) {
            if (!cell.isTextual()) {
                throw damaged.apply("a cell is not code (a string)");
            }
            chars += cell.asText().length();
            cells.add(cell.asText());
        }
        if (cells.size() > MAX_CELLS || chars > ModelView.MAX_CODE_CHARS) {
            throw damaged.apply("its cells (" + cells.size() + ", " + chars + " characters) are more than one operation may hold ("
                    + ModelView.MAX_CODE_CHARS + " characters)");
        }
        List<Loaded> inputs = new ArrayList<>();
        for (JsonNode in : p.path("inputs")) {
            String artifact = in.path("artifact").asText("");
            if (!Ids.isId(artifact)) {
                throw damaged.apply("\"" + shorten(artifact) + "\" is not an artifact id");
            }
            inputs.add(new Loaded(artifact, in.path("name").asText(artifact), in.path("sha256").asText(""),
                    variable(in.path("variable").asText(""), "a loaded artifact's variable", damaged)));
        }
        Map<String, String> architectures = new LinkedHashMap<>();
        for (JsonNode a : p.path("architectures")) {
            String id = a.path("id").asText("");
            String at = a.path("commit").asText("");
            if (!Ids.isId(id) || !(at.isEmpty() || COMMIT.matcher(at).matches())) {
                throw damaged.apply("architecture \"" + shorten(id) + "\" at \"" + shorten(at) + "\" is not an architecture id at a commit");
            }
            architectures.put(id, at);
        }
        JsonNode training = p.get("training");
        if (kind.equals("training") && (training == null || !training.isObject())) {
            throw damaged.apply("it is a training's record without the training's configuration");
        }
        JsonNode seed = p.path("seed");
        Optional<String> saved = Optional.ofNullable(p.path("variable").textValue()).filter(v -> !v.isBlank());
        return new SessionRecord(session, commit, kind, List.copyOf(cells), Optional.ofNullable(training).filter(JsonNode::isObject),
                List.copyOf(inputs), Map.copyOf(architectures), saved,
                seed.isIntegralNumber() && seed.canConvertToLong() && seed.asLong() >= 0 && seed.asLong() <= 4_294_967_295L
                        ? OptionalLong.of(seed.asLong()) : OptionalLong.empty());
    }

    /** {@code name} if it can name a variable (and so an input port): a Python identifier, not a keyword or self. */
    static String variable(String name, String what, Function<String, StoreException> damaged) {
        if (!Ids.isIdentifier(name) || PythonNames.isKeyword(name) || name.equals("self")) {
            throw damaged.apply("\"" + shorten(name) + "\" cannot be " + what);
        }
        return name;
    }

    static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
