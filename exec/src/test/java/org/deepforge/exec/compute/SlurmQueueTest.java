package org.deepforge.exec.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.deepforge.exec.compute.ComputeAdapter.State;
import org.junit.jupiter.api.Test;

/** The adapter's parts that need no cluster: batched polling, state mapping, the SSH command line. */
class SlurmQueueTest {
    /** A fake cluster: every job RUNNING, and a count of the commands run. */
    static final class Counting implements SlurmTransport {
        final AtomicInteger calls = new AtomicInteger();
        final List<List<String>> commands = new ArrayList<>();

        @Override
        public synchronized Result run(List<String> command, String stdin) {
            calls.incrementAndGet();
            commands.add(command);
            StringBuilder out = new StringBuilder();
            for (String id : command.get(command.indexOf("-j") + 1).split(",")) {
                out.append(id).append("|RUNNING|None|1:00|0|\n");
            }
            return new Result(0, out.toString(), "");
        }
    }

    @Test
    void twoHundredJobsArePolledWithOneSqueuePerCycle() throws Exception {
        Counting cluster = new Counting();
        AtomicLong clock = new AtomicLong();
        SlurmQueue queue = new SlurmQueue(cluster, () -> {}, clock::get);
        for (int i = 1; i <= 100; i++) {
            queue.submitted(Integer.toString(i));
        }
        assertThat(queue.state("1", false)).isEqualTo(new State.Running());
        assertThat(cluster.calls.get()).isEqualTo(1);
        // submitted after that answer: waiting until the next poll, without asking Slurm
        for (int i = 101; i <= 200; i++) {
            queue.submitted(Integer.toString(i));
        }
        assertThat(queue.state("150", false)).isEqualTo(new State.Waiting("PENDING (submitted)"));
        assertThat(queue.state("2", false)).isEqualTo(new State.Running());
        assertThat(cluster.calls.get()).isEqualTo(1);
        clock.addAndGet((SlurmQueue.FRESH_MILLIS + 50) * 1_000_000); // the answer is stale now
        for (int round = 0; round < 3; round++) {
            for (int i = 1; i <= 200; i++) {
                assertThat(queue.state(Integer.toString(i), false)).isEqualTo(new State.Running());
            }
        }
        assertThat(cluster.calls.get()).isEqualTo(2);
        assertThat(cluster.commands.get(0).get(0)).isEqualTo("squeue");
        clock.addAndGet((SlurmQueue.FRESH_MILLIS + 50) * 1_000_000); // the answer is stale now
        queue.state("1", false);
        assertThat(cluster.calls.get()).isEqualTo(3);
        assertThat(cluster.commands.get(2).get(cluster.commands.get(2).indexOf("-j") + 1).split(",")).hasSize(200);
    }

    @Test
    void listenersHearOfChangesSeenByAPoll() throws Exception {
        Counting cluster = new Counting();
        AtomicInteger heard = new AtomicInteger();
        AtomicLong clock = new AtomicLong();
        SlurmQueue queue = new SlurmQueue(cluster, heard::incrementAndGet, clock::get);
        queue.submitted("1");
        queue.state("1", false);
        assertThat(heard.get()).isEqualTo(1);
        clock.addAndGet((SlurmQueue.FRESH_MILLIS + 50) * 1_000_000); // the answer is stale now
        queue.state("1", false);
        assertThat(heard.get()).as("nothing changed").isEqualTo(1);
    }

    @Test
    void theBatchScriptCarriesTheConfigAndOnlyTheJobsEnvironment() {
        com.fasterxml.jackson.databind.node.ObjectNode config = org.deepforge.model.Json.MAPPER.createObjectNode()
                .put("partition", "gpu").put("cpus", 4).put("memory", "16G").put("gpus", 2).put("timeLimit", 90)
                .put("account", "proj-7").put("activate", "source /opt/venv/bin/activate");
        config.putArray("extraSbatch").add("#SBATCH --qos=short");
        String script = SlurmCompute.script(Path.of("/shared/runs/e1/train"), java.util.Map.of("EXTRA", "it's"), SlurmConfig.parse(config));
        assertThat(script).startsWith("#!/bin/bash\n#SBATCH --job-name=deepforge-e1-train\n").contains(
                "#SBATCH --output=/shared/runs/e1/train/console.log\n", "#SBATCH --open-mode=append\n",
                "#SBATCH --chdir=/shared/runs/e1/train\n", "#SBATCH --export=NONE\n", "#SBATCH --partition=gpu\n",
                "#SBATCH --cpus-per-task=4\n", "#SBATCH --mem=16G\n", "#SBATCH --gres=gpu:2\n", "#SBATCH --time=90\n",
                "#SBATCH --account=proj-7\n", "#SBATCH --qos=short\n", "export OMP_NUM_THREADS=4\n",
                "export DEEPFORGE_EVENTS=/shared/runs/e1/train/events.jsonl\n", "export EXTRA='it'\\''s'\n",
                "source /opt/venv/bin/activate\nexec python3 -u main.py\n");
        // every #SBATCH line comes before the first command, or sbatch ignores it
        int lastOption = script.lastIndexOf("#SBATCH");
        assertThat(script.indexOf("export ")).isGreaterThan(lastOption);
    }

    @Test
    void slurmStatesMapToTheAdaptersStates() {
        assertThat(SlurmStates.of("PENDING", "Resources", "1:00", "0:0")).isEqualTo(new State.Waiting("PENDING (Resources)"));
        assertThat(SlurmStates.of("CONFIGURING", "None", "1:00", "0:0")).isEqualTo(new State.Waiting("CONFIGURING"));
        assertThat(SlurmStates.of("COMPLETING", "None", "1:00", "0:0")).isEqualTo(new State.Running());
        assertThat(SlurmStates.of("COMPLETED", "None", "1:00", "0:0")).isEqualTo(new State.Exited(0));
        assertThat(SlurmStates.of(new SlurmQueue.Job("4", "FAILED", "NonZeroExitCode", "UNLIMITED", 768)))
                .isEqualTo(new State.Exited(3, "FAILED: exit code 3"));
        assertThat(SlurmStates.of(new SlurmQueue.Job("1", "TIMEOUT", "TimeLimit", "1:00", 15)))
                .isEqualTo(new State.Exited(143, "TIMEOUT: the job ran past its time limit of 00:01:00"));
        assertThat(SlurmStates.of("CANCELLED by 0", "None", "00:10:00", "0:15"))
                .isEqualTo(new State.Exited(143, "CANCELLED by scancel (the job was cancelled on the cluster)"));
        assertThat(((State.Exited) SlurmStates.of("OUT_OF_MEMORY", "OutOfMemory", "1:00", "0:125")).reason()).startsWith("OUT_OF_MEMORY:");
        assertThat(((State.Exited) SlurmStates.of("NODE_FAIL", "None", "1:00", "0:0")).code()).isNotZero();
        assertThat(SlurmStates.clock("2-03:04:05")).isEqualTo("51:04:05");
        assertThat(SlurmStates.clock("90")).isEqualTo("01:30:00");
        assertThat(SlurmStates.clock("1:02:03")).isEqualTo("01:02:03");
    }

    @Test
    void sshRunsTheCommandOnTheLoginNodeWithKeyAuthenticationOnly() {
        SlurmTransport.Ssh ssh = new SlurmTransport.Ssh("login.hpc.example", Optional.of("alice"),
                Optional.of(Path.of("/srv/deepforge/id_ed25519")), 22, Optional.empty());
        assertThat(ssh.sshCommand(List.of("squeue", "-h", "-o", "%i|%T", "-j", "1,2")))
                .containsSubsequence("ssh", "-o", "BatchMode=yes", "-i", "/srv/deepforge/id_ed25519", "alice@login.hpc.example", "--")
                .last().isEqualTo("squeue -h -o '%i|%T' -j 1,2");
        assertThat(SlurmTransport.shellQuote("it's")).isEqualTo("'it'\\''s'");
    }
}
