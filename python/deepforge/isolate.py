"""Per-job isolation inside the warm zygote's sandbox (Linux namespaces through ctypes).

The zygote itself runs under bubblewrap with the system read-only, the runtime read-only and the
whole jobs directory writable, keeping CAP_SYS_ADMIN and CAP_SETPCAP (in its own user namespace
when the server is not root). A job forked from it must see far less, so before any of its code
runs:

* the zygote forks the job's first process into a new PID namespace (``fork_into_new_pid_namespace``),
  where it is PID 1;
* that process (``enter``) leaves the zygote's mount namespace (and network namespace when the job
  has no network): its bundle is bound aside, fresh tmpfs cover /tmp, /dev/shm, the jobs directory and
  the zygote's socket directory, and the bundle is moved back to its own path -- so no other bundle and
  no socket is reachable; then it mounts a /proc of that namespace (``mount_proc``), gives up every
  capability (``drop_privileges``: bounding set, ambient, effective, permitted, inheritable) and sets
  no_new_privs, and forks the job, which inherits all of that before main.py runs; it stays
  (``become_init``) to forward TERM/INT/HUP to the job, record its exit code and exit with its status
  (which ends every process left in the namespace).
"""

import ctypes
import ctypes.util
import errno
import os
import signal

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWIPC = 0x08000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_BIND = 4096
MS_REMOUNT = 32
MS_MOVE = 8192
MS_REC = 16384
MS_PRIVATE = 1 << 18
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
PR_SET_PDEATHSIG = 1
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

#: where the waiter parks the bundle while the directories above it are covered (made by the sandbox)
STAGE = "/.deepforge-stage"

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


class IsolationError(OSError):
    pass


def _check(result, what):
    if result != 0:
        e = ctypes.get_errno()
        raise IsolationError(e, "%s: %s" % (what, os.strerror(e)))


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(), flags,
                       data and data.encode()), "mount %s on %s" % (source or fstype, target))


def _tmpfs(target, mode="0755"):
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=%s,size=50%%" % mode)


def _covered(path, roots):
    path = os.path.join(path, "")
    return any(path.startswith(os.path.join(r, "")) for r in roots)


#: clone(2)'s system call number where its first argument is the flags (the others are all 0 here)
_CLONE = {"x86_64": 56, "aarch64": 220, "riscv64": 220, "ppc64le": 120}.get(os.uname().machine)
#: calls through this keep the GIL held, so the child of a raw clone returns holding it, as its parent does
_python = ctypes.PyDLL(None, use_errno=True)
_python.syscall.restype = ctypes.c_long
_python.syscall.argtypes = [ctypes.c_long, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]


def fork_into_new_pid_namespace():
    """Like ``os.fork()``, except that the child is PID 1 of a new PID namespace; returns the child's pid, 0 in the child.

    A raw clone(2): the interpreter's fork hooks do not run in the child, so it is only for a single-threaded caller
    whose child runs nothing but trusted set-up code and forks again (with ``os.fork``) before any job code runs."""
    if _CLONE is None:
        raise IsolationError(errno.ENOSYS, "no clone(2) system call number known for %s" % os.uname().machine)
    pid = _python.syscall(_CLONE, CLONE_NEWPID | signal.SIGCHLD, None, None, None, None)
    if pid < 0:
        _check(-1, "clone(CLONE_NEWPID)")
    return pid


def enter(bundle, jobs_root, hide=(), keep=(), network=True):
    """In PID 1 of the job's new PID namespace: new mount (and network) namespace showing this bundle only.

    ``keep``: read-only paths (the runtime) that stay visible even if /tmp or the jobs directory covered them."""
    flags = CLONE_NEWNS | CLONE_NEWIPC
    if not network:
        flags |= CLONE_NEWNET
    _check(_libc.unshare(flags), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    bundle = os.path.realpath(bundle)
    parked = []
    for i, path in enumerate([bundle] + [os.path.realpath(k) for k in keep]):
        stage = os.path.join(STAGE, str(i))
        if os.path.isdir(path) and os.path.isdir(stage):
            _mount(path, stage, None, MS_BIND | MS_REC)
            parked.append((path, stage))
    if not parked or parked[0][0] != bundle:
        raise IsolationError(errno.ENOENT, "cannot park the bundle %s" % bundle)
    covered = []
    for target in ["/tmp", jobs_root] + list(hide):
        if target and os.path.isdir(target) and not _covered(target, covered):
            _tmpfs(target, "1777" if target == "/tmp" else "0755")
            covered.append(target)
    if os.path.isdir("/dev/shm"):
        _tmpfs("/dev/shm", "1777")
    for path, stage in parked:
        os.makedirs(path, exist_ok=True)
        _mount(stage, path, None, MS_MOVE)
    inputs = os.path.join(bundle, "inputs")
    for name in sorted(os.listdir(inputs)) if os.path.isdir(inputs) else ():
        # an input's data are hard links to a stored artifact: the job reads it, never changes it
        # (an input fetched from remote storage has no data yet: the job downloads it)
        data = os.path.join(inputs, name, "data")
        if os.path.exists(data):
            _mount(data, data, None, MS_BIND | MS_REC)
            _mount(None, data, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(bundle)


def become_init(job_pid, record=None):
    """PID 1 of the job's namespace: forwards signals, reaps, exits with the job's status (never returns);
    ``record(code)`` is called with it first."""
    def forward(sig, _frame):
        try:
            os.kill(job_pid, sig)
        except OSError:
            pass

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, forward)
    drop_privileges()  # nothing to do if the caller did (the job's init drops them before it forks the job)
    code = 127
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == job_pid:
            code = 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            break
    if record is not None:
        record(code)
    os._exit(code)  # the kernel ends whatever else still runs in this namespace


def mount_proc():
    """In PID 1 of the new namespace: a /proc that shows this namespace only."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for path in ("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"):
        if os.path.exists(path):  # kernel settings stay read-only, as bubblewrap leaves them
            _mount(path, path, None, MS_BIND | MS_REC)
            _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


#: whether this process (or the one it was forked from) gave up its privileges: they never come back
_dropped = False


def drop_privileges():
    """Gives up every capability for good and forbids gaining any (setuid binaries, file capabilities)."""
    global _dropped
    if _dropped:
        return
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            last = int(f.read())
    except (OSError, ValueError):
        last = 63
    for cap in range(last + 1):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:
            _check(-1, "dropping capability %d from the bounding set" % cap)
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _dropped = True
