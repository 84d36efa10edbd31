package org.deepforge.exec.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.exec.compute.ComputeAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following a job's files: whole lines only, and an endless line is skipped instead of stalling the reader. */
class LineTailTest {
    @TempDir
    Path dir;

    /** The file as the shared-disk default of the compute contract reads it. */
    static LineTail.Source file(Path f) {
        return offset -> ComputeAdapter.readFile(f, offset);
    }

    void append(Path f, String s) throws Exception {
        Files.writeString(f, s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void aPartialLineWaitsForItsEnd() throws Exception {
        Path f = dir.resolve("console.log");
        LineTail tail = new LineTail(0, 100);
        List<String> lines = new ArrayList<>();
        assertThat(tail.read(file(f), lines)).isZero();
        append(f, "one\ntw");
        tail.read(file(f), lines);
        assertThat(lines).containsExactly("one");
        append(f, "o\nthree\n");
        tail.read(file(f), lines);
        assertThat(lines).containsExactly("one", "two", "three");
        assertThat(tail.offset()).isEqualTo(Files.size(f));
    }

    @Test
    void anOverlongLineIsSkippedEvenBeforeItEnds() throws Exception {
        Path f = dir.resolve("events.jsonl");
        LineTail tail = new LineTail(0, 10);
        List<String> lines = new ArrayList<>();
        append(f, "ok\n" + "x".repeat(50));
        assertThat(tail.read(file(f), lines)).isZero();
        assertThat(lines).containsExactly("ok");
        assertThat(tail.offset()).as("the reader moved past the long line's start").isEqualTo(Files.size(f));
        append(f, "y".repeat(50));
        assertThat(tail.read(file(f), lines)).isZero();
        append(f, "zz\nafter\n");
        assertThat(tail.read(file(f), lines)).isEqualTo(1);
        assertThat(lines).containsExactly("ok", "after");
    }

    @Test
    void aLongLineEndedInOneReadIsCounted() throws Exception {
        Path f = dir.resolve("events.jsonl");
        append(f, "a\n" + "x".repeat(20) + "\nb\n");
        List<String> lines = new ArrayList<>();
        assertThat(new LineTail(0, 10).read(file(f), lines)).isEqualTo(1);
        assertThat(lines).containsExactly("a", "b");
    }

    @Test
    void aBacklogIsTakenInBoundedReadsThatTogetherGiveEveryLine() throws Exception {
        Path f = dir.resolve("events.jsonl");
        String line = "{\"type\":\"metric\",\"name\":\"loss\",\"value\":0.125,\"step\":12345}";
        int n = 600_000; // about 34 MB: more than two reads
        try (var out = Files.newBufferedWriter(f)) {
            for (int i = 0; i < n; i++) {
                out.write(line);
                out.write('\n');
            }
        }
        LineTail tail = new LineTail(0, 1 << 20);
        List<String> batch = new ArrayList<>();
        tail.read(file(f), batch);
        assertThat(tail.more()).isTrue();
        assertThat(batch.size()).as("one read's worth").isLessThan(n / 2);
        int total = batch.size();
        int reads = 1;
        while (tail.more()) {
            batch.clear();
            tail.read(file(f), batch);
            assertThat(batch).allMatch(line::equals);
            total += batch.size();
            reads++;
        }
        assertThat(total).isEqualTo(n);
        assertThat(reads).isEqualTo(3);
        assertThat(tail.offset()).isEqualTo(Files.size(f));
    }
}
