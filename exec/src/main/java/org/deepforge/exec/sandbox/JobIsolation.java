package org.deepforge.exec.sandbox;

/**
 * How this server confines local jobs: in a {@link Sandbox} (the default), not at all because no sandbox
 * works here (then local jobs are refused), or not at all because the operator asked so for development.
 */
public sealed interface JobIsolation permits JobIsolation.Sandboxed, JobIsolation.Refused, JobIsolation.Unconfined {
    /** Jobs run in {@code sandbox}; {@code network}: whether jobs may have the network at all (per execution they may give it up). */
    record Sandboxed(Sandbox sandbox, boolean network) implements JobIsolation {}

    /** No sandbox works on this machine: local jobs are refused, saying {@code why}. */
    record Refused(String why) implements JobIsolation {
        public String message() {
            return "this server cannot run jobs in a sandbox: " + why + ". Users' code is never run unconfined; "
                    + "fix the sandbox, or (on a machine used by you alone, for development) start the server with --unsafe-no-sandbox";
        }
    }

    /** {@code --unsafe-no-sandbox}: jobs run as the server's user and see everything it sees. */
    record Unconfined() implements JobIsolation {}

    /** The sandbox if this machine has one, otherwise refusal. */
    static JobIsolation detect(boolean network) {
        Sandbox.Probe probe = Sandbox.probe();
        if (probe instanceof Sandbox.Probe.Works w) {
            return new Sandboxed(w.sandbox(), network);
        }
        return new Refused(((Sandbox.Probe.Fails) probe).why());
    }
}
