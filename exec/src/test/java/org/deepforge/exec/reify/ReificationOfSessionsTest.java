package org.deepforge.exec.reify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.deepforge.model.Json;
import org.deepforge.ops.OperationRules;
import org.deepforge.ops.Operations;
import org.deepforge.ops.analysis.Analysis;
import org.deepforge.ops.analysis.PythonRuntime;
import org.deepforge.store.Author;
import org.deepforge.store.ChangeSet;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.VersionControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Open as pipeline" of a session's training, committed to a real project repository. */
class ReificationOfSessionsTest {
    static final Author ADA = new Author("ada", "Ada", "ada@localhost");

    @TempDir
    Path dir;
    Analysis analysis;
    ProjectStore store;
    VersionControl vc;

    @BeforeEach
    void setUp() {
        analysis = new Analysis("/usr/bin/python3", PythonRuntime.unpack(dir.resolve("runtime")).root(), Duration.ofSeconds(60));
        store = new ProjectStore(dir.resolve("data"));
        store.setHook(new OperationRules(analysis));
        vc = new VersionControl(store);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        analysis.close();
    }

    @Test
    void aTrainingOnAnArchitectureChangedSinceTheSessionStartedIsRebuiltWithTheArchitectureAsItWas() throws Exception {
        String project = store.create("Sessions", "", Json.MAPPER.readTree("""
                {"architectures": {"a1": {"name": "net", "layers": {"l1": {"type": "Linear", "arguments": {"in_features": 2, "out_features": 2}}},
                                          "connections": {}}}}"""), ADA).id();
        String started = store.model(project, "").commit();
        String branch = store.get(project).defaultBranch();
        store.apply(project, branch, new ChangeSet(Optional.empty(), "wider", Json.MAPPER.readTree("""
                [{"op": "replace", "path": "/architectures/a1/layers/l1/arguments/out_features", "value": 3}]"""), ADA));
        ObjectNode saved = (ObjectNode) Json.MAPPER.readTree("""
                {"d1": {"name": "digits", "type": "pickle", "storage": {"adapter": "local", "key": "k1", "sha256": "ab12", "size": 1}},
                 "m1": {"name": "trained", "type": "pickle", "storage": {"adapter": "local", "key": "k2", "sha256": "ef56", "size": 2},
                        "provenance": {"session": {"id": "s1", "adapter": "local", "branch": "main", "commit": "%s", "started": "2026-12-07T00:00:00Z"},
                                       "kind": "training", "cells": [],
                                       "training": {"training": "t1", "data": "xy", "architecture": "a1", "loss": {"name": "MSELoss"},
                                                    "optimizer": {"name": "SGD", "arguments": {"lr": 0.1}}, "epochs": 2, "seed": 5},
                                       "inputs": [{"artifact": "d1", "name": "digits", "sha256": "ab12", "variable": "xy"}],
                                       "architectures": [{"id": "a1", "name": "net", "commit": "%s"}], "environment": {}, "seed": 5}}}"""
                .formatted(started, started));
        ObjectNode add = Json.MAPPER.createObjectNode().put("op", "add").put("path", "/artifacts");
        add.set("value", saved);
        store.apply(project, branch, new ChangeSet(Optional.empty(), "saved from a session", Json.MAPPER.createArrayNode().add(add), ADA, true));

        Reification.Opened opened = new Reification(store, vc, null, new Operations(store, analysis)).open(project, "m1", "from-session", ADA);
        assertThat(opened.branchCreated()).isTrue();
        assertThat(opened.toJson().path("execution").isNull()).isTrue();
        assertThat(opened.toJson().path("seed").asLong()).isEqualTo(5);
        JsonNode model = store.model(project, "from-session").model();
        JsonNode train = model.at("/pipelines/" + opened.result().pipeline() + "/nodes/train");
        String arch = train.at("/references/model").asText();
        assertThat(arch).isNotEqualTo("a1").isEqualTo(opened.result().addedArchitectures().get(0));
        assertThat(model.at("/architectures/" + arch + "/layers/l1/arguments/out_features").asInt()).as("as it was at the session's start").isEqualTo(2);
        assertThat(model.at("/architectures/a1/layers/l1/arguments/out_features").asInt()).isEqualTo(3);
        JsonNode iface = model.at("/operations/TrainNetwork/interface");
        assertThat(iface.path("syntaxError").isNull()).isTrue();
        assertThat(iface.path("inputs").findValuesAsText("name")).containsExactly("data");
        assertThat(iface.path("outputs").findValuesAsText("name")).containsExactly("model");
        assertThat(train.at("/attributes/optimizer_arguments/lr").asDouble()).isEqualTo(0.1);
    }
}
