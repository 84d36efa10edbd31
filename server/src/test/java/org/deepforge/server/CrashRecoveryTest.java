package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.deepforge.server.crash.CrashTrials;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a real server (its own JVM) while 8 writers post edits, some trials leaving a branch's
 * lock file behind on purpose: after each restart nothing acknowledged is lost, every branch takes a new
 * edit and git fsck --full is clean. A few trials here; bench/run crash runs 20.
 */
class CrashRecoveryTest {
    @Test
    void killedMidWriteTheServerRestartsWithEveryAcknowledgedEditAndEveryBranchWritable() throws Exception {
        Path dir = Files.createTempDirectory("deepforge-crash");
        int trials = Integer.getInteger("crash.trials", 4);
        CrashTrials.Report report = new CrashTrials(dir.resolve("data"), CrashTrials.ownClasspath(), System.out)
                .run(trials, Long.getLong("crash.seed", 12L));
        assertThat(report.problems()).isEmpty();
        assertThat(report.acknowledged()).isPositive();
        assertThat(report.lost()).isZero();
        assertThat(report.locksPlanted()).isPositive();
        assertThat(report.locksLeftAfterRestart()).isZero();
        assertThat(report.fsckClean()).isEqualTo(trials);
    }
}
