package org.deepforge.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap of a server running in a JVM of its own, read from outside without a route of the server's: its GC log
 * ({@code -Xlog:gc:file=…}, one line a collection with the heap in use before and after it) and {@code jcmd}. The heap
 * in use only grows between collections, so the most it held is the largest "before" of a collection, or what it
 * holds now.
 */
final class ServerHeap {
    /** {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 245M->12M(1024M) 3.456ms}. */
    private static final Pattern COLLECTION = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final long pid;
    private final Path gcLog;
    private long read;
    private long highWater;
    private long lastAfter;

    ServerHeap(long pid, Path gcLog) {
        this.pid = pid;
        this.gcLog = gcLog;
    }

    /** Starts a phase: the high-water mark from now on. */
    void mark() throws IOException, InterruptedException {
        scan();
        highWater = usedNow();
    }

    /** The most heap (MB) in use since {@link #mark}: the largest before-collection figure, or what is in use now. */
    long highWaterMb() throws IOException, InterruptedException {
        scan();
        highWater = Math.max(highWater, usedNow());
        return highWater;
    }

    /** Runs a full collection ({@code System.gc()} in the server) and returns the heap still in use after it (MB): the live data. */
    long liveMb() throws IOException, InterruptedException {
        jcmd("GC.run");
        scan();
        return lastAfter;
    }

    private long usedNow() throws IOException, InterruptedException {
        Matcher m = USED.matcher(jcmd("GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) >> 10 : 0;
    }

    /** Reads the collections logged since the last look. */
    private void scan() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(gcLog.toFile(), "r")) {
            if (f.length() <= read) {
                return;
            }
            f.seek(read);
            byte[] bytes = new byte[(int) (f.length() - read)];
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n') + 1; // a line still being written is read next time
            read += text.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
            Matcher m = COLLECTION.matcher(text.substring(0, end));
            while (m.find()) {
                highWater = Math.max(highWater, Long.parseLong(m.group(1)));
                lastAfter = Long.parseLong(m.group(2));
            }
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }
}
