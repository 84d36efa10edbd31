package org.deepforge.exec.compute;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deepforge.exec.compute.ComputeAdapter.State;

/** Slurm's job states (as squeue, scontrol and sacct print them) in the adapter's terms, with the user-facing reason. */
final class SlurmStates {
    private SlurmStates() {}

    /** From an squeue line, whose exit code is the raw wait status. */
    static State of(SlurmQueue.Job job) {
        int status = job.exit();
        return of(job.state(), job.reason(), job.timeLimit(), ((status >> 8) & 0xff) + ":" + (status & 0x7f));
    }

    /**
     * From a state word, the scheduler's reason, the time limit (Slurm's format) and an exit code "code:signal"
     * (scontrol's and sacct's form).
     */
    static State of(String state, String reason, String timeLimit, String exitCode) {
        String[] parts = exitCode.split(":");
        int code = parse(parts[0]);
        int signal = parts.length > 1 ? parse(parts[1]) : 0;
        int exit = signal > 0 ? 128 + signal : code;
        String word = state.split("[ +]")[0];
        String why = reason == null || reason.isBlank() || reason.equals("None") || reason.equals("(null)") ? "" : " (" + reason + ")";
        return switch (word) {
            case "PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_FED", "REQUEUE_HOLD", "RESV_DEL_HOLD", "SUSPENDED", "STOPPED",
                    "RESIZING", "POWER_UP_NODE" -> new State.Waiting(word + why);
            case "RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING", "UPDATE_DB" -> new State.Running();
            case "COMPLETED" -> exit == 0 ? new State.Exited(0) : new State.Exited(exit, "COMPLETED with exit code " + exit);
            case "FAILED" -> new State.Exited(exit == 0 ? 1 : exit, signal > 0
                    ? "FAILED: killed by signal " + signal : "FAILED: exit code " + exit);
            case "CANCELLED" -> new State.Exited(exit == 0 ? 143 : exit, "CANCELLED by scancel (the job was cancelled on the cluster)");
            case "TIMEOUT" -> new State.Exited(exit == 0 ? 143 : exit,
                    "TIMEOUT: the job ran past its time limit of " + clock(timeLimit));
            case "OUT_OF_MEMORY" -> new State.Exited(exit == 0 ? 137 : exit,
                    "OUT_OF_MEMORY: the job used more memory than it asked for (raise \"memory\")");
            case "NODE_FAIL" -> new State.Exited(exit == 0 ? 1 : exit, "NODE_FAIL: the node running the job failed" + why);
            case "BOOT_FAIL" -> new State.Exited(exit == 0 ? 1 : exit, "BOOT_FAIL: the node for the job did not boot" + why);
            case "DEADLINE" -> new State.Exited(exit == 0 ? 1 : exit, "DEADLINE: the job could not finish before its deadline");
            case "PREEMPTED" -> new State.Exited(exit == 0 ? 143 : exit, "PREEMPTED: a job of higher priority took its place");
            case "REVOKED", "SPECIAL_EXIT" -> new State.Exited(exit == 0 ? 1 : exit, word + why);
            default -> new State.Waiting(word + why);
        };
    }

    /** Slurm's time ("1:00" is one minute, "2-03:04:05", "UNLIMITED") as HH:MM:SS (days folded into hours). */
    static String clock(String slurmTime) {
        String t = slurmTime == null ? "" : slurmTime.strip();
        if (!t.matches("(\\d+-)?\\d+(:\\d+){0,2}")) {
            return t.isEmpty() ? "(unknown)" : t;
        }
        long days = 0;
        if (t.contains("-")) {
            days = Long.parseLong(t.substring(0, t.indexOf('-')));
            t = t.substring(t.indexOf('-') + 1);
        }
        String[] p = t.split(":");
        long seconds = switch (p.length) {
            // squeue's M:SS and H:MM:SS; a lone number after "D-" is hours
            case 1 -> days > 0 ? Long.parseLong(p[0]) * 3600 : Long.parseLong(p[0]) * 60;
            case 2 -> Long.parseLong(p[0]) * 60 + Long.parseLong(p[1]);
            default -> Long.parseLong(p[0]) * 3600 + Long.parseLong(p[1]) * 60 + Long.parseLong(p[2]);
        } + days * 86400;
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /** The {@code Key=Value} fields of a one-line {@code scontrol show job -o} record. */
    static Map<String, String> fields(String line) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String word : line.strip().split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                f.putIfAbsent(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return f;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
