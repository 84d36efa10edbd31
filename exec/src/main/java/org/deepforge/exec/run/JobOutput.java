package org.deepforge.exec.run;

import java.util.ArrayList;
import java.util.List;
import org.deepforge.exec.events.JobEvent;
import org.deepforge.exec.events.JobEvents;

/**
 * Follows what a job writes into its bundle: new console lines and validated events since the last
 * look, passed on to the listener, with the read positions kept on the job (so a restarted server
 * takes up reading where it stopped). Moved out of the engine as it was.
 */
final class JobOutput {
    /** A console line longer than this is left out (with a note), so one endless line cannot stall the reader. */
    static final int MAX_CONSOLE_LINE = 1 << 20;
    /** At most this many notes a look about dropped events, then a count. */
    static final int MAX_DROP_NOTES = 5;

    private final RunListener listener;

    JobOutput(RunListener listener) {
        this.listener = listener;
    }

    /** Passes on what the job wrote since the last look: console lines, then events. */
    void follow(Run run, Job j) {
        long console = j.consoleOffset;
        long events = j.eventsOffset;
        followFiles(run, j);
        if (console != j.consoleOffset || events != j.eventsOffset) {
            listener.position(run.id, j.node, j.handle.ref(), j.consoleOffset, j.eventsOffset);
        }
    }

    private void followFiles(Run run, Job j) {
        if (j.console == null || j.console.offset() != j.consoleOffset) {
            j.console = new LineTail(j.consoleOffset, MAX_CONSOLE_LINE);
        }
        if (j.events == null || j.events.offset() != j.eventsOffset) {
            j.events = new LineTail(j.eventsOffset, JobEvents.MAX_LINE);
        }
        List<String> lines = new ArrayList<>();
        int cut = j.console.read(j.handle.bundle().resolve("console.log"), lines);
        j.consoleOffset = j.console.offset();
        if (cut > 0) {
            lines.add("deepforge: " + cut + " console line(s) longer than " + MAX_CONSOLE_LINE + " bytes left out");
        }
        List<String> raw = new ArrayList<>();
        int oversized = j.events.read(j.handle.bundle().resolve("events.jsonl"), raw);
        j.eventsOffset = j.events.offset();
        List<JobEvent> events = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        if (oversized > 0) {
            dropped.add(oversized + " event line(s) longer than " + JobEvents.MAX_LINE + " bytes");
        }
        for (String line : raw) {
            JobEvents.Parsed parsed = JobEvents.parse(line);
            if (parsed instanceof JobEvents.Parsed.Accepted a) {
                events.add(a.event());
            } else if (parsed instanceof JobEvents.Parsed.Dropped d) {
                dropped.add(d.reason());
            }
        }
        // a dropped event is told in the job's own console, where its author looks, and never passed on
        dropped.stream().limit(MAX_DROP_NOTES).forEach(reason -> lines.add("deepforge: dropped " + reason));
        if (dropped.size() > MAX_DROP_NOTES) {
            lines.add("deepforge: dropped " + (dropped.size() - MAX_DROP_NOTES) + " more malformed event line(s)");
        }
        if (!lines.isEmpty()) {
            listener.console(run.id, j.node, lines);
        }
        if (!events.isEmpty()) {
            listener.events(run.id, j.node, events);
        }
    }
}
