package org.deepforge.exec.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.model.Json;

/** An adapter that starts nothing: its jobs run until cancelled (or {@link #exit}), so a {@link FakeAgent} plays the agent. */
final class FakeCompute implements ComputeAdapter {
    final Map<String, Path> submitted = new ConcurrentHashMap<>();
    final Set<String> ended = ConcurrentHashMap.newKeySet();
    final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    final Map<String, Map<String, String>> environments = new ConcurrentHashMap<>();
    private final String name;

    FakeCompute(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public JsonNode configSchema() {
        return Json.MAPPER.createObjectNode();
    }

    @Override
    public Handle submit(Path bundle, Map<String, String> env, JsonNode config) {
        String ref = Integer.toString(submitted.size() + 1);
        submitted.put(ref, bundle);
        environments.put(ref, Map.copyOf(env));
        return new Handle(name(), ref, bundle);
    }

    void exit(String ref) {
        ended.add(ref);
    }

    @Override
    public State state(Handle handle) {
        return ended.contains(handle.ref()) ? new State.Exited(0) : new State.Running();
    }

    @Override
    public void cancel(Handle handle) {
        cancelled.add(handle.ref());
        ended.add(handle.ref());
    }
}
