package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.deepforge.model.Json;
import org.deepforge.store.ModelAt;
import org.deepforge.store.ProjectStore;
import org.deepforge.store.StoreException;
import org.deepforge.store.VersionControl;
import org.deepforge.store.history.ChangeDescriber;
import org.deepforge.store.history.ModelNames;

/**
 * What a rerun would run: the commit an execution ran ("recorded") and its branch's head ("current"), each with its
 * short id and message, and what changed between them in the pipeline and the operations it uses, named as users
 * name them ("Train changed since this run").
 */
final class RunChanges {
    private final ProjectStore store;
    private final VersionControl vc;

    RunChanges(ProjectStore store, VersionControl vc) {
        this.store = store;
        this.vc = vc;
    }

    ObjectNode since(RunSpec run) throws IOException {
        String pipeline = run.pipeline();
        ObjectNode out = Json.MAPPER.createObjectNode();
        ModelAt recorded = store.model(run.project(), run.commit());
        out.set("recorded", version(run.project(), recorded.commit()));
        Optional<ModelAt> head;
        try {
            head = Optional.of(store.model(run.project(), run.branch()));
        } catch (StoreException gone) {
            head = Optional.empty();
        }
        ArrayNode changed = out.putArray("changed");
        if (head.isEmpty()) {
            out.putNull("current");
            return out;
        }
        out.set("current", version(run.project(), head.get().commit()).put("branch", run.branch()));
        JsonNode was = recorded.model();
        JsonNode now = head.get().model();
        Set<String> used = RunService.operationsUsed(was, pipeline);
        Map<String, List<String>> byOperation = new TreeMap<>();
        List<String> pipelineChanges = new ArrayList<>();
        List<String> utilChanges = new ArrayList<>();
        for (var c : ChangeDescriber.describe(was, now)) {
            List<String> t = ModelNames.tokens(c.path());
            if (t.size() >= 2 && t.get(0).equals("operations") && used.contains(t.get(1))) {
                byOperation.computeIfAbsent(t.get(1), k -> new ArrayList<>()).add(c.text());
            } else if (t.size() >= 2 && t.get(0).equals("pipelines") && t.get(1).equals(pipeline)) {
                pipelineChanges.add(c.text());
            } else if (t.size() >= 1 && t.get(0).equals("utils")) {
                utilChanges.add(c.text());
            }
        }
        for (var entry : byOperation.entrySet()) {
            add(changed, "operation", entry.getKey(), entry.getKey() + " changed since this run", entry.getValue());
        }
        if (!pipelineChanges.isEmpty()) {
            String name = now.path("pipelines").path(pipeline).path("name").asText(was.path("pipelines").path(pipeline).path("name").asText(pipeline));
            add(changed, "pipeline", name, "the pipeline " + name + " changed since this run", pipelineChanges);
        }
        if (!utilChanges.isEmpty()) {
            add(changed, "utils", "utils", "shared utility code changed since this run", utilChanges);
        }
        return out;
    }

    private static void add(ArrayNode changed, String kind, String name, String summary, List<String> changes) {
        ObjectNode o = changed.addObject().put("kind", kind).put("name", name).put("summary", summary);
        ArrayNode lines = o.putArray("changes");
        changes.forEach(lines::add);
    }

    private ObjectNode version(String project, String commit) throws IOException {
        var page = vc.history(project, commit, 1, Optional.empty());
        ObjectNode o = Json.MAPPER.createObjectNode().put("commit", commit).put("short", commit.substring(0, 7));
        if (!page.commits().isEmpty()) {
            var c = page.commits().get(0);
            o.put("message", c.message().lines().findFirst().orElse("")).put("author", c.authorName()).put("time", c.time().toString());
        }
        return o;
    }
}
