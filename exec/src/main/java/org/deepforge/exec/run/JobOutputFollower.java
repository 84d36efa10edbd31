package org.deepforge.exec.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.exec.compute.ComputeAdapter;
import org.deepforge.exec.compute.ComputeAdapter.JobStream;
import org.deepforge.exec.events.JobEvent;
import org.deepforge.exec.events.JobEvents;
import org.deepforge.model.Json;

/**
 * Follows one job's output through its compute adapter ({@link ComputeAdapter#read}): the console lines and the
 * checked events written since the last look, from offsets that survive a restart; and, once the job ended, its
 * outputs and results. The engine reads nothing a job writes any other way, so an adapter whose jobs run on
 * another machine needs no shared disk.
 */
final class JobOutputFollower {
    /** A console line longer than this is left out (with a note), so one endless line cannot stall the reader. */
    static final int MAX_CONSOLE_LINE = 1 << 20;
    /** At most this many notes a look about dropped events, then a count. */
    static final int MAX_DROP_NOTES = 5;

    /**
     * What the job wrote since the last look: console lines (with notes about what was left out), then events; {@code more}
     * when a stream was read only as far as one read goes (a backlog: pass this batch on and read again).
     */
    record Batch(List<String> console, List<JobEvent> events, boolean more) {
        boolean isEmpty() {
            return console.isEmpty() && events.isEmpty();
        }
    }

    private final ComputeAdapter compute;
    private final ComputeAdapter.Handle handle;
    private final LineTail console;
    private final LineTail events;

    /** Follows the job from these offsets on (0, 0 for a new job; where reading stopped after a restart). */
    JobOutputFollower(ComputeAdapter compute, ComputeAdapter.Handle handle, long consoleOffset, long eventsOffset) {
        this.compute = compute;
        this.handle = handle;
        this.console = new LineTail(consoleOffset, MAX_CONSOLE_LINE);
        this.events = new LineTail(eventsOffset, JobEvents.MAX_LINE);
    }

    long consoleOffset() {
        return console.offset();
    }

    long eventsOffset() {
        return events.offset();
    }

    /** Reads what the job wrote since the last look. A dropped event is told in the job's own console, where its author looks. */
    Batch read() {
        List<String> lines = new ArrayList<>();
        int cut = console.read(offset -> compute.read(handle, JobStream.CONSOLE, offset), lines);
        if (cut > 0) {
            lines.add("deepforge: " + cut + " console line(s) longer than " + MAX_CONSOLE_LINE + " bytes left out");
        }
        List<String> raw = new ArrayList<>();
        int oversized = events.read(offset -> compute.read(handle, JobStream.EVENTS, offset), raw);
        List<JobEvent> accepted = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        if (oversized > 0) {
            dropped.add(oversized + " event line(s) longer than " + JobEvents.MAX_LINE + " bytes");
        }
        for (String line : raw) {
            JobEvents.Parsed parsed = JobEvents.parse(line);
            if (parsed instanceof JobEvents.Parsed.Accepted a) {
                accepted.add(a.event());
            } else if (parsed instanceof JobEvents.Parsed.Dropped d) {
                dropped.add(d.reason());
            }
        }
        dropped.stream().limit(MAX_DROP_NOTES).forEach(reason -> lines.add("deepforge: dropped " + reason));
        if (dropped.size() > MAX_DROP_NOTES) {
            lines.add("deepforge: dropped " + (dropped.size() - MAX_DROP_NOTES) + " more malformed event line(s)");
        }
        return new Batch(lines, accepted, console.more() || events.more());
    }

    /**
     * Once the job ended: brings its outputs into the bundle ({@link ComputeAdapter#collect}) and returns its
     * results, or null when it wrote none. The results are also kept in the bundle (where the cache and provenance
     * read them) when the adapter did not put them there.
     */
    static JsonNode finish(ComputeAdapter compute, ComputeAdapter.Handle handle) throws IOException {
        compute.collect(handle);
        byte[] bytes;
        try (InputStream in = compute.read(handle, JobStream.RESULTS, 0)) {
            bytes = in.readAllBytes();
        }
        if (bytes.length == 0) {
            return null;
        }
        JsonNode results = Json.MAPPER.readTree(bytes);
        Path kept = handle.bundle().resolve(JobStream.RESULTS.file());
        if (!Files.exists(kept)) {
            Files.write(kept, bytes);
        }
        return results;
    }
}
