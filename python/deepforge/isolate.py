"""Per-job isolation inside the warm zygote's sandbox (Linux namespaces through ctypes).

The zygote itself runs under bubblewrap with the system read-only, the runtime read-only and the
whole jobs directory writable, keeping CAP_SYS_ADMIN and CAP_SETPCAP (in its own user namespace
when the server is not root). At its start it empties its capability bounding set and its ambient
set and sets no_new_privs (``confine_zygote``): it never runs another program, so it loses nothing,
and every job it makes inherits all three. A job must see far less, so before any of its code runs:

* the zygote makes the job's process as PID 1 of a new PID namespace (``clone_into_new_pid_namespace``,
  one process creation, as ``os.fork`` does it);
* that process (``enter``) leaves the zygote's mount namespace (and network namespace when the job
  has no network): its bundle is bound aside, fresh tmpfs cover /tmp, /dev/shm, the jobs directory and
  the zygote's socket directory, and the bundle is moved back to its own path -- so no other bundle and
  no socket is reachable; then it mounts a /proc of that namespace (``mount_proc``) and gives up the
  capabilities it still has (``drop_privileges``) before main.py runs.

The job is its namespace's init: when it ends, the kernel ends whatever else still runs there. An init
gets only the signals it handles, so the job ends on TERM and HUP through handlers (``exit_on``), as a
fresh interpreter would end by them, and orphans of its own children are left to it (zombies until it
ends, as under any init that does not reap). An ``abort()`` in the job ends it by SIGSEGV (the C library's
fallback when SIGABRT is ignored), and it cannot SIGKILL itself.
"""

import ctypes
import ctypes.util
import errno
import os
import signal
import sys
import threading

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


#: clone(2)'s system call number, and whether it takes the thread-local storage before the child's tid address
#: (CONFIG_CLONE_BACKWARDS) or after it (x86-64)
_CLONE = {"x86_64": (56, False), "aarch64": (220, True), "riscv64": (220, True), "ppc64le": (120, True)}.get(os.uname().machine)
CLONE_CHILD_CLEARTID = 0x00200000
CLONE_CHILD_SETTID = 0x01000000
PR_GET_TID_ADDRESS = 40
#: calls through this keep the GIL held, so the child of a raw clone returns holding it, as its parent does
_python = ctypes.PyDLL(None, use_errno=True)
_python.syscall.restype = ctypes.c_long
_python.syscall.argtypes = [ctypes.c_long, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]


def _tid_address():
    """Where the C library keeps this thread's id: what it gives the kernel to fill in when ``fork`` makes a process
    (the kernel reports it back through PR_GET_TID_ADDRESS, which needs CONFIG_CHECKPOINT_RESTORE)."""
    address = ctypes.c_void_p()
    _check(_libc.prctl(PR_GET_TID_ADDRESS, ctypes.addressof(address), 0, 0, 0), "prctl(PR_GET_TID_ADDRESS)")
    if not address.value or ctypes.c_int.from_address(address.value).value != threading.get_native_id():
        raise IsolationError(errno.ENOTSUP, "the C library's thread id is not where the kernel says it is")
    return address.value


_tid = None


def prepare_clone():
    """Finds where the C library keeps this thread's id, once (``clone_into_new_pid_namespace`` needs it)."""
    global _tid
    if _tid is None:
        _tid = _tid_address()


def clone_into_new_pid_namespace():
    """``os.fork()``, except that the child is PID 1 of a new PID namespace; returns the child's pid, 0 in the child.

    The clone is made the way the C library's ``fork`` makes it (the child's thread id written where the library
    keeps it, and cleared at its end), with the interpreter's fork hooks around it (``PyOS_BeforeFork`` and the
    after-fork calls: its locks, threads and ``os.register_at_fork`` callbacks, ``random`` reseeding itself among
    them). The C library's own ``pthread_atfork`` handlers do not run: only for a single-threaded caller (the zygote
    never starts a thread), whose locks no other thread can hold."""
    if _CLONE is None:
        raise IsolationError(errno.ENOSYS, "no clone(2) system call number known for %s" % os.uname().machine)
    prepare_clone()
    number, backwards = _CLONE
    flags = CLONE_NEWPID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | signal.SIGCHLD
    ctypes.pythonapi.PyOS_BeforeFork()
    if backwards:
        pid = _python.syscall(number, flags, None, None, None, _tid)
    else:
        pid = _python.syscall(number, flags, None, None, _tid, None)
    if pid == 0:
        ctypes.pythonapi.PyOS_AfterFork_Child()
        return 0
    error = ctypes.get_errno()
    ctypes.pythonapi.PyOS_AfterFork_Parent()
    if pid < 0:
        raise IsolationError(error, "clone(CLONE_NEWPID): %s" % os.strerror(error))
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


def exit_on(signals=(signal.SIGTERM, signal.SIGHUP)):
    """In the job, PID 1 of its namespace: ends it on these signals, which end a process by default but never an init
    that does not handle them (the code is the one a process killed by the signal reports: 128 + its number). Only
    between two of the interpreter's steps, so a long call into a library finishes first (a cancel sends KILL after its
    grace period); a job that installs its own handler gets the signal as in any process."""
    def end(sig, _frame):
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: B902 - ending now
                pass
        os._exit(128 + sig)

    for sig in signals:
        signal.signal(sig, end)


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


def confine_zygote():
    """In the zygote, once: empties the capability bounding and ambient sets and sets no_new_privs, which every job it
    makes inherits. Keeps the capabilities it has (it needs them to make each job's namespaces); it never runs another
    program, so the bounding set (which only limits what a program run later may gain) costs it nothing."""
    global _bounded
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            last = int(f.read())
    except (OSError, ValueError):
        last = 63
    for cap in range(last + 1):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:
            _check(-1, "dropping capability %d from the bounding set" % cap)
    if _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EINVAL:
        _check(-1, "clearing the ambient capabilities")  # EINVAL: a kernel without ambient capabilities
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _bounded = True


#: whether this process (or the zygote it was made from) emptied its bounding and ambient sets and set no_new_privs
_bounded = False


def drop_privileges():
    """Gives up every capability for good and forbids gaining any (setuid binaries, file capabilities). In a job of a
    confined zygote only the capabilities it holds are left to give up: one call."""
    if not _bounded:
        confine_zygote()
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
