package org.deepforge.exec.compute;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A compute adapter whose jobs run where the server's file system does not reach, as on a machine without a
 * shared disk: {@link #submit} copies the bundle into a directory tree of the adapter's own (as a transfer
 * would; links into the runtime stay links, the runtime being installed there too) and runs
 * {@code python -u main.py} there as a local process; what the job writes (console, events, results, outputs)
 * stays in that tree and reaches the server only through {@link #read} and {@link #collect}. The server's bundle
 * never sees the job's files otherwise, so an engine that read them directly would find nothing.
 */
public final class PrivateTreeCompute implements ComputeAdapter {
    private final Path tree;
    private final LocalCompute runner;

    /** Jobs run under {@code tree}, as processes {@code runner} starts there. */
    public PrivateTreeCompute(Path tree, LocalCompute runner) {
        this.tree = tree;
        this.runner = runner;
    }

    @Override
    public String name() {
        return "private-tree";
    }

    @Override
    public JsonNode configSchema() {
        return runner.configSchema();
    }

    @Override
    public void validate(JsonNode config) {
        runner.validate(config);
    }

    /** Where the job of this (server-side) bundle runs: {@code <tree>/<execution>/<job>}. */
    public Path remote(Path bundle) {
        return tree.resolve(bundle.getParent().getFileName().toString()).resolve(bundle.getFileName().toString());
    }

    @Override
    public Handle submit(Path bundle, Map<String, String> env, JsonNode config) throws IOException {
        Path remote = remote(bundle);
        delete(remote);
        copy(bundle, remote);
        Handle started = runner.submit(remote, env, config);
        return new Handle(name(), started.ref(), bundle);
    }

    private Handle there(Handle handle) {
        return new Handle(runner.name(), handle.ref(), remote(handle.bundle()));
    }

    @Override
    public State state(Handle handle) {
        return runner.state(there(handle));
    }

    @Override
    public void onChange(Runnable listener) {
        runner.onChange(listener);
    }

    @Override
    public void cancel(Handle handle) {
        runner.cancel(there(handle));
    }

    @Override
    public InputStream read(Handle handle, JobStream stream, long offset) throws IOException {
        return ComputeAdapter.readFile(remote(handle.bundle()).resolve(stream.file()), offset);
    }

    @Override
    public void discard(Handle handle, JobStream stream) throws IOException {
        Files.deleteIfExists(remote(handle.bundle()).resolve(stream.file()));
    }

    @Override
    public void collect(Handle handle) throws IOException {
        Path outputs = remote(handle.bundle()).resolve("outputs");
        if (Files.isDirectory(outputs)) {
            copy(outputs, handle.bundle().resolve("outputs"));
        }
    }

    /** Copies a tree: directories and files (hard-linked inputs arrive as copies), symbolic links as links. */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.deleteIfExists(dest);
                    Files.createSymbolicLink(dest, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
