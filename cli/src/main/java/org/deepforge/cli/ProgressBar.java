package org.deepforge.cli;

import java.io.PrintWriter;
import org.deepforge.cli.client.Progress;

/** A one-line progress bar on the terminal (stderr), redrawn at most every 100 ms and cleared when done. */
final class ProgressBar implements Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private String label = "";
    private long total = -1;
    private long done;
    private long drawn;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void start(String label, long total) {
        this.label = label;
        this.total = total;
        this.done = 0;
        this.drawn = 0;
        draw();
    }

    @Override
    public void advance(long bytes) {
        done += bytes;
        long now = System.nanoTime();
        if (now - drawn > 100_000_000L) {
            draw();
        }
    }

    @Override
    public void done() {
        err.print("\r\033[K");
        err.flush();
    }

    private void draw() {
        drawn = System.nanoTime();
        String bar;
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            bar = "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + (done * 100 / total) + "% of " + size(total);
        } else {
            bar = size(done);
        }
        err.print("\r\033[K" + label + " " + bar);
        err.flush();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String units = "KMGTPE";
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length() - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %siB", v, units.charAt(u));
    }
}
