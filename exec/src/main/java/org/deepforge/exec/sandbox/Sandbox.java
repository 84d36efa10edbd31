package org.deepforge.exec.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one place where users' code is confined: builds the command line of Debian's bubblewrap
 * ({@code bwrap}) from an allow-list of binds. Everything not bound is invisible: the sandbox sees the
 * system read-only ({@code /usr}, the few {@code /etc} files programs need), what {@link Spec#readOnly} and
 * {@link Spec#writable} name, a private {@code /tmp} and {@code /dev/shm}, and its own {@code /proc}
 * when it has its own PID namespace.
 *
 * <p>The sandbox runs in a user namespace of its own ({@code --unshare-user}, mapping the same user id), which
 * an ordinary user needs; as root that also empties the capability bounding set, and where the kernel
 * refuses root a user namespace, root's sandbox goes without one. {@link #probe} says whether either works on this
 * kernel, so callers can refuse to run users' code instead of running it unconfined.
 */
public final class Sandbox {
    /** Files of /etc a Python job needs (users, name resolution, TLS roots, time zone, the dynamic linker, Debian's alternatives). */
    static final List<String> ETC = List.of("/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/host.conf",
            "/etc/resolv.conf", "/etc/gai.conf", "/etc/services", "/etc/protocols", "/etc/ssl", "/etc/ca-certificates",
            "/etc/localtime", "/etc/timezone", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
            "/etc/matplotlibrc", "/etc/mime.types", "/etc/locale.alias", "/etc/fonts", "/etc/os-release", "/etc/debian_version",
            "/etc/python3", "/etc/machine-id");
    /** The top-level system directories; on a merged-/usr system most are links into /usr. */
    static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

    /**
     * What one sandbox may see. {@code readOnly}/{@code writable}: host paths bound at the same path;
     * {@code pidNamespace}: its own processes only (and its own /proc); {@code network}: keeps the host's
     * network (false: a network namespace with nothing in it); {@code capabilities}: kept inside (e.g.
     * {@code CAP_SYS_ADMIN} for a zygote that isolates its own children); {@code dirs}: empty directories to
     * create; {@code dieWithParent}: ends with the process that started it; {@code chdir}: where it starts;
     * {@code readOnlyInside}: parts of writable paths bound again read-only (a job's {@code inputs/}, whose files
     * are hard links to stored artifacts).
     */
    public record Spec(List<Path> readOnly, List<Path> writable, boolean pidNamespace, boolean network, List<String> capabilities,
                       List<String> dirs, boolean dieWithParent, Optional<Path> chdir, List<Path> readOnlyInside) {
        public Spec {
            readOnlyInside = List.copyOf(readOnlyInside);
            readOnly = List.copyOf(readOnly);
            writable = List.copyOf(writable);
            capabilities = List.copyOf(capabilities);
            dirs = List.copyOf(dirs);
        }

        /**
         * A job in a directory of its own: its own processes, the network as asked, nothing else writable, and
         * the data of its inputs read-only (the stored artifacts themselves, linked in; an input fetched from
         * remote storage has no data yet and is downloaded by the job).
         */
        public static Spec job(Path dir, List<Path> readOnly, boolean network) {
            return new Spec(readOnly, List.of(dir), true, network, List.of(), List.of(), false, Optional.of(dir), inputData(dir));
        }

        /** The same with {@code path} (inside a writable path) bound again read-only as well. */
        public Spec withReadOnlyInside(Path path) {
            List<Path> inside = new ArrayList<>(readOnlyInside);
            inside.add(path);
            return new Spec(readOnly, writable, pidNamespace, network, capabilities, dirs, dieWithParent, chdir, inside);
        }

        /** {@code inputs/<name>/data} of every input that is there. */
        static List<Path> inputData(Path dir) {
            Path inputs = dir.resolve("inputs");
            if (!Files.isDirectory(inputs)) {
                return List.of();
            }
            try (var names = Files.list(inputs)) {
                return names.map(n -> n.resolve("data")).filter(Files::exists).sorted().toList();
            } catch (IOException e) {
                return List.of();
            }
        }
    }

    private final String bwrap;
    private final boolean userNamespace;

    Sandbox(String bwrap, boolean userNamespace) {
        this.bwrap = bwrap;
        this.userNamespace = userNamespace;
    }

    /** A sandbox that works on this machine, or why none does (bubblewrap missing, namespaces not allowed). */
    public sealed interface Probe permits Probe.Works, Probe.Fails {
        record Works(Sandbox sandbox) implements Probe {}

        record Fails(String why) implements Probe {}
    }

    private static volatile Probe probed;

    /** Tries {@code /usr/bin/bwrap} once per JVM (a trivial sandbox with its own PID namespace). */
    public static Probe probe() {
        Probe p = probed;
        if (p == null) {
            p = probe("/usr/bin/bwrap");
            probed = p;
        }
        return p;
    }

    static Probe probe(String bwrap) {
        if (!Files.isExecutable(Path.of(bwrap))) {
            return new Probe.Fails(bwrap + " is missing: install Debian's bubblewrap (apt-get install bubblewrap)");
        }
        boolean root = uid() == 0;
        // a user namespace of its own even as root (then the bounding set is empty too); as root without one if need be
        Probe withUser = probe(new Sandbox(bwrap, true), root);
        return withUser instanceof Probe.Fails && root ? probe(new Sandbox(bwrap, false), true) : withUser;
    }

    private static Probe probe(Sandbox sandbox, boolean root) {
        String bwrap = sandbox.bwrap;
        Spec spec = new Spec(List.of(), List.of(), true, false, List.of(), List.of(), true, Optional.empty(), List.of());
        try {
            Process p = new ProcessBuilder(sandbox.command(spec, List.of("/usr/bin/true"))).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Probe.Fails(bwrap + " did not start a sandbox within 20 s");
            }
            if (p.exitValue() != 0) {
                return new Probe.Fails(bwrap + " cannot create namespaces on this kernel (" + out + ")"
                        + (root ? "" : "; unprivileged user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone=1)"));
            }
            return new Probe.Works(sandbox);
        } catch (IOException e) {
            return new Probe.Fails("cannot run " + bwrap + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe.Fails("interrupted while trying " + bwrap);
        }
    }

    private static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.split("\\s+")[2]); // the effective uid
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no sandbox anyway
        }
        return -1;
    }

    /** Whether the sandbox runs in a user namespace of its own (the server is not root). */
    public boolean userNamespace() {
        return userNamespace;
    }

    /** The command that runs {@code command} inside a sandbox as {@code spec} says. */
    public List<String> command(Spec spec, List<String> command) {
        List<String> a = new ArrayList<>();
        a.add(bwrap);
        if (userNamespace) {
            a.add("--unshare-user");
        }
        a.add("--unshare-ipc");
        a.add("--unshare-uts");
        a.add("--unshare-cgroup-try");
        if (spec.pidNamespace()) {
            a.add("--unshare-pid");
        }
        if (!spec.network()) {
            a.add("--unshare-net");
        }
        if (spec.dieWithParent()) {
            a.add("--die-with-parent");
        }
        for (String dir : SYSTEM) {
            Path p = Path.of(dir);
            if (Files.isSymbolicLink(p)) {
                try {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), dir));
                } catch (IOException e) {
                    // unreadable link: leave it out
                }
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                a.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        for (String file : ETC) {
            a.addAll(List.of("--ro-bind-try", file, file));
        }
        a.addAll(List.of("--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/dev/shm", "--tmpfs", "/dev/shm"));
        a.addAll(List.of("--proc", "/proc"));
        for (Path p : spec.readOnly()) {
            a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        }
        for (Path p : spec.writable()) {
            a.addAll(List.of("--bind", p.toString(), p.toString()));
        }
        for (Path p : spec.readOnlyInside()) {
            a.addAll(List.of("--ro-bind", p.toString(), p.toString()));
        }
        for (String dir : spec.dirs()) {
            a.addAll(List.of("--dir", dir));
        }
        if (spec.capabilities().isEmpty()) {
            a.addAll(List.of("--cap-drop", "ALL"));
        } else {
            for (String cap : spec.capabilities()) {
                a.addAll(List.of("--cap-add", cap));
            }
        }
        a.addAll(List.of("--remount-ro", "/")); // the sandbox's own root (where /etc's few files hang) is not a place to write either
        spec.chdir().ifPresent(d -> a.addAll(List.of("--chdir", d.toString())));
        a.add("--");
        a.addAll(command);
        return List.copyOf(a);
    }

    /**
     * The host paths an interpreter needs besides the system: its installation when it lies outside /usr
     * (a virtual environment or a Python built elsewhere).
     */
    public static List<Path> interpreter(String python) {
        try {
            Path real = Path.of(python).toAbsolutePath();
            if (!real.startsWith("/usr/") && real.getParent() != null && real.getParent().getParent() != null) {
                // <prefix>/bin/python: the prefix holds its library (and a venv's pyvenv.cfg)
                Path prefix = real.getParent().getParent();
                Path target = real.toRealPath();
                List<Path> paths = new ArrayList<>(List.of(prefix));
                if (!target.startsWith("/usr/") && !target.startsWith(prefix) && target.getParent().getParent() != null) {
                    paths.add(target.getParent().getParent());
                }
                return List.copyOf(paths);
            }
        } catch (IOException | RuntimeException e) {
            // not there: the job will say so
        }
        return List.of();
    }
}
