package org.deepforge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.deepforge.server.crash.CrashTrials;

/**
 * Crash recovery: a real server in its own JVM is killed with kill -9 while 8 writers post edits, 20
 * times over one data directory (every other trial also leaves a branch's lock file behind); prints the
 * trials, acknowledged edits, lost edits (must be 0), lock files recovered and the fsck results.
 * Options: --trials N (20), --seed N.
 */
public final class CrashBench {
    private CrashBench() {}

    public static void main(String[] args) throws Exception {
        int trials = Bench.intArg(args, "--trials", 20);
        long seed = Bench.intArg(args, "--seed", 1);
        Path dir = Files.createTempDirectory("deepforge-crash-bench");
        CrashTrials.Report r = new CrashTrials(dir.resolve("data"), CrashTrials.ownClasspath(), System.out).run(trials, seed);
        System.out.printf("%n| figure | value |%n|---|---|%n| trials | %d |%n| acknowledged edits | %d |%n| lost edits (must be 0) | %d |%n"
                        + "| lock files left by kills or planted | %d (%d planted) |%n| lock files left after restart | %d |%n"
                        + "| git fsck --full clean | %d/%d |%n| verdict | %s |%n",
                r.trials(), r.acknowledged(), r.lost(), r.locksFoundAfterKill(), r.locksPlanted(), r.locksLeftAfterRestart(),
                r.fsckClean(), r.trials(), r.ok() ? "ok" : "FAILED: " + r.problems());
        System.out.println("data directory kept for inspection: " + dir);
        if (!r.ok()) {
            System.exit(1);
        }
    }
}
