"""Warm start for local jobs: a long-lived process that forks ready-made job interpreters.

Run as ``python -u -m deepforge.zygote <socket-path> [--exit-on-stdin-eof]``. It imports the heavy
libraries once (numpy, torch, matplotlib; each optional), then listens on a Unix domain socket. Each
connection carries one JSON line::

    {"bundle": "/abs/bundle", "env": {"PATH": "...", ...}, "confirm": false}

and gets one JSON line back: ``{"ok": true, "pid": <pgid>}`` or ``{"ok": false, "error": "..."}``.
``{"ping": true}`` answers ``{"ok": true, "pid": <zygote pid>, "preloaded": [...], "threads": n}``.

When a job has ended and its ``exitcode`` is written, the zygote's standard output gets the line
``{"exited": true}``, so the server need not poll for it.

A forked job is equivalent to the cold path of the local adapter
(``setsid sh -c '"$0" -u main.py > console.log 2>&1; echo $? > exitcode.tmp && mv exitcode.tmp exitcode'``),
at the cost of one process creation:

* the child calls ``setsid()`` (so its pid is the job's process group id), changes into the bundle,
  takes exactly the given environment and default signal handlers, and becomes the job. Its exit code
  (128 + n when killed by signal n) lands in ``exitcode`` via ``exitcode.tmp``, as the shell wrapper
  writes it: the zygote records it when the job ends (it looks before it reaps, so ``exitcode`` exists
  before the process is gone), and a job that ends normally records it itself too (so it is there even
  when the zygote went away meanwhile, e.g. with a restarted server);
* with ``--isolate`` the zygote makes the child as PID 1 of a new PID namespace (``clone`` as ``fork``
  makes it): before it becomes the job it enters the job's other namespaces and gives up its
  capabilities (see ``deepforge.isolate``), and as the job it ends on TERM and HUP, which an init
  otherwise never gets;
* the job sends fd 1 and 2 to ``console.log`` (unbuffered, like ``-u``), reads
  fd 0 from /dev/null, rebuilds ``sys.path`` the way ``python main.py`` would (bundle first, the
  job's PYTHONPATH, then the interpreter's own entries), forgets the modules the zygote loaded from
  its own PYTHONPATH (so ``deepforge`` is the bundle's copy), sets ``sys.argv = ["main.py"]``, the
  torch thread count from OMP_NUM_THREADS and matplotlib's backend from MPLBACKEND, and runs
  ``main.py`` as ``__main__``. ``SystemExit`` ends it with its code; an uncaught exception prints
  its traceback (without the zygote's frames) and exits 1.

With ``"confirm": true`` the job starts only once the client writes a second line (``{"go": true}``)
after reading the reply; if the client goes away first the job is dropped before it ran anything,
so a client that gave up waiting can safely start the job another way.

Settings that libraries read once at load time (OPENBLAS_NUM_THREADS, LD_PRELOAD, ...) cannot
change per job: a request whose environment differs from the zygote's in one of them is refused,
so the caller starts that job cold. The zygote itself never starts a thread and never touches
torch's thread pools, so forking after the imports is safe.
"""

import gc
import json
import os
import selectors
import signal
import socket
import sys
import time

PRELOAD = ("numpy", "torch", "matplotlib")
#: the job runtime itself, kept in a job when its bundle links this very runtime (never plotting: it imports
#: matplotlib, which must see the job's MPLBACKEND)
RUNTIME_PRELOAD = ("deepforge", "deepforge.runtime", "deepforge.events", "deepforge.serialization",
                   "deepforge.tqdm_progress")
#: standard-library modules the job runtime needs: loaded once here instead of in every job
STDLIB_PRELOAD = ("json", "hashlib", "pickle", "platform", "traceback", "importlib.metadata", "tempfile",
                  "shutil", "threading", "atexit", "io", "struct", "zlib")

#: read by native libraries or the interpreter when they load; a job that wants another value goes cold
FROZEN_ENV = (
    "OPENBLAS_NUM_THREADS",
    "GOTO_NUM_THREADS",
    "OMP_PROC_BIND",
    "OMP_PLACES",
    "OMP_DYNAMIC",
    "OMP_WAIT_POLICY",
    "GOMP_SPINCOUNT",
    "KMP_AFFINITY",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "PYTHONHOME",
    "PYTHONHASHSEED",
    "PYTHONSTARTUP",
    "PYTHONNOUSERSITE",
    "PYTHONOPTIMIZE",
    "PYTHONDEVMODE",
    "PYTHONWARNINGS",
    "PYTHONMALLOC",
    "PYTHONUTF8",
    "PYTHONIOENCODING",
    "MPLCONFIGDIR",
    "MATPLOTLIBRC",
)

MAX_REQUEST = 1 << 20
REQUEST_TIMEOUT = 5.0


def _log(message):
    sys.stderr.write("deepforge.zygote[%d]: %s\n" % (os.getpid(), message))
    sys.stderr.flush()


def preload(names=PRELOAD):
    """Imports what is installed of ``names``; returns the names that loaded."""
    loaded = []
    for name in names:
        try:
            __import__(name)
        except Exception as e:  # not installed, or broken: jobs import it themselves
            _log("not preloading %s: %s: %s" % (name, type(e).__name__, e))
            continue
        loaded.append(name)
    return loaded


def _thread_count():
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return -1


def _coerced_ctype():
    """LC_CTYPE as the interpreter set it at start-up (PEP 538 C locale coercion), or None if it did not."""
    try:
        with open("/proc/self/environ", "rb") as f:  # the environment this process was started with
            initial = {kv.partition(b"=")[0] for kv in f.read().split(b"\0") if kv}
    except OSError:
        return None
    if b"LC_CTYPE" not in initial and "LC_CTYPE" in os.environ:
        return os.environ["LC_CTYPE"]
    import locale  # not coerced here (a UTF-8 LANG, say): find the target the way the interpreter does

    current = locale.setlocale(locale.LC_CTYPE)
    try:
        for name in ("C.UTF-8", "C.utf8", "UTF-8"):
            try:
                locale.setlocale(locale.LC_CTYPE, name)
                return name
            except locale.Error:
                continue
    finally:
        locale.setlocale(locale.LC_CTYPE, current)
    return None


def job_environment(env, coerced):
    """The environment a fresh ``python main.py`` would see: ``env``, plus LC_CTYPE where it coerces the C locale."""
    env = dict(env)
    if (coerced and not env.get("LC_ALL") and env.get("PYTHONCOERCECLOCALE") != "0"
            and (env.get("LC_CTYPE") or env.get("LANG") or "C") in ("C", "POSIX")):
        env["LC_CTYPE"] = coerced
    return env


class Job:
    """What the forked child carries up to ``main`` once it is released."""

    def __init__(self, bundle, env, isolated=False, forget=(), generator=None):
        self.bundle = bundle
        self.env = env
        self.isolated = isolated
        #: the names of the zygote's modules the job imports afresh (``_forgettable``)
        self.forget = forget
        #: the memory of numpy's global generator, which the job fills anew (``_global_generator``)
        self.generator = generator


class Zygote:
    def __init__(self, path, watch_stdin=False, names=PRELOAD, isolate=None, hide=(), keep=(), own_path=()):
        self.path = path
        #: the zygote's own PYTHONPATH entries: what ``python main.py`` would not have
        self.own_path = tuple(own_path)
        #: (number of modules loaded, same runtime) -> the names a job forgets, worked out once here, not in every job
        self.forgettable = {}
        #: the jobs directory when each job is isolated in its own namespaces (the zygote runs in a sandbox)
        self.isolate = isolate
        self.hide = tuple(hide)
        self.keep = tuple(keep)
        self.watch_stdin = watch_stdin
        self.names = tuple(names)
        self.pid = os.getpid()
        self.listener = None
        self.selector = None
        self.preloaded = []
        self.generator = None
        #: the signals a child resets to their default before it runs anything (``_changed_signals``)
        self.signals = ()
        self.frozen = {}
        self.coerced = _coerced_ctype()
        #: pid -> bundle of the running jobs, whose exit codes the zygote records
        self.jobs = {}
        #: the zygote's standard output, where a job's end is told (no job ever can write to it)
        self.notify = None

    # ---------------------------------------------------------------- the zygote

    def start(self):
        started = time.monotonic()
        self.preloaded = preload(self.names)
        preload(STDLIB_PRELOAD)
        preload(RUNTIME_PRELOAD)
        if self.isolate:
            from deepforge import isolate  # fails here, not in every job, if ctypes cannot load libc

            isolate.confine_zygote()
            isolate.prepare_clone()  # fails here (the server then starts isolated jobs cold) if the kernel cannot tell
        self.generator = _global_generator()
        runtime = sys.modules.get("deepforge.runtime")
        if runtime is not None:
            runtime.environment()  # package versions looked up here once, not in every forked job
        self.frozen = {k: os.environ.get(k) for k in FROZEN_ENV}
        self.notify = os.dup(1)
        global _NOTIFY
        _NOTIFY = self.notify
        gc.collect()
        gc.freeze()  # keep the collector from touching (and so copying) the preloaded objects in every job
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o077)
        try:
            listener.bind(self.path)
        finally:
            os.umask(old)
        listener.listen(64)
        self.listener = listener
        self.selector = selectors.DefaultSelector()
        self.selector.register(listener, selectors.EVENT_READ, "accept")
        if self.watch_stdin:
            self.selector.register(0, selectors.EVENT_READ, "stdin")
        signal.signal(signal.SIGCHLD, self._reap)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.signal(signal.SIGHUP, lambda *_: sys.exit(0))
        self.signals = _changed_signals()
        sys.stdout.write(json.dumps({"ready": True, "pid": self.pid, "socket": self.path,
                                     "preloaded": self.preloaded, "threads": _thread_count(),
                                     "seconds": round(time.monotonic() - started, 3)}) + "\n")
        sys.stdout.flush()

    def serve(self):
        """Answers requests until told to stop (returns None) or, in a released waiter, returns its Job."""
        while True:
            for key, _ in self.selector.select(timeout=1.0):
                if key.data == "stdin":
                    if not os.read(0, 4096):
                        return None
                    continue
                try:
                    conn, _ = self.listener.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                job = self.handle(conn)
                if job is not None:
                    return job
            self._reap()

    def _reap(self, *_):
        """Collects every ended child; records the exit code of a job forked directly before it is reaped."""
        while True:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            except InterruptedError:
                continue
            if info is None:
                return
            bundle = self.jobs.pop(info.si_pid, None)
            if bundle is not None:
                _record(info.si_status if info.si_code == os.CLD_EXITED else 128 + info.si_status, bundle)
                _tell_exited()
            try:
                os.waitpid(info.si_pid, 0)
            except ChildProcessError:
                pass

    def close(self):
        if os.getpid() != self.pid:
            return
        try:
            if self.listener is not None:
                self.listener.close()
            os.unlink(self.path)
        except OSError:
            pass

    def handle(self, conn):
        """One connection. Returns a Job only in a released waiter; the zygote always gets None."""
        try:
            conn.settimeout(REQUEST_TIMEOUT)
            reader = conn.makefile("rb")
            line = reader.readline(MAX_REQUEST)
            if not line:
                return None
            try:
                request = json.loads(line)
            except ValueError as e:
                self._reply(conn, {"ok": False, "error": "not a JSON line: %s" % e})
                return None
            if not isinstance(request, dict):
                self._reply(conn, {"ok": False, "error": "a request is a JSON object"})
                return None
            if request.get("ping"):
                self._reply(conn, {"ok": True, "pid": self.pid, "preloaded": self.preloaded,
                                   "threads": _thread_count()})
                return None
            error = self._check(request)
            if error:
                self._reply(conn, {"ok": False, "error": error})
                return None
            return self._fork(conn, reader, request)
        except Exception as e:  # a bad request or a bug must not take the zygote down
            if os.getpid() != self.pid:
                os._exit(1)
            _log("request failed: %s: %s" % (type(e).__name__, e))
            return None
        finally:
            if os.getpid() == self.pid:
                conn.close()

    @staticmethod
    def _reply(conn, answer):
        conn.sendall((json.dumps(answer) + "\n").encode("utf-8"))

    def _check(self, request):
        bundle, env = request.get("bundle"), request.get("env")
        if not isinstance(bundle, str) or not os.path.isabs(bundle):
            return "bundle must be an absolute path"
        if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
            return "env must map names to strings"
        if not os.path.isdir(bundle):
            return "no such bundle directory: %s" % bundle
        if self.isolate and not os.path.realpath(bundle).startswith(os.path.join(self.isolate, "")):
            return "the bundle %s is not in the jobs directory %s; start this job cold" % (bundle, self.isolate)
        if self.isolate:
            outside = _links_outside(bundle, self.keep)
            if outside:
                return ("the bundle links to %s, which this zygote's sandbox does not show; start this job cold"
                        % outside)
        if "network" in request and not isinstance(request["network"], bool):
            return "network must be true or false"
        if request.get("network") is False and not self.isolate:
            return "this zygote cannot take a job's network away; start this job cold"
        for name, value in self.frozen.items():
            if env.get(name) != value:
                return "%s differs from the zygote's (%r, not %r); start this job cold" % (name, env.get(name), value)
        if "matplotlib" in self.preloaded and os.path.exists(os.path.join(bundle, "matplotlibrc")):
            return "the bundle has its own matplotlibrc; start this job cold"
        return None

    def _forget(self, bundle):
        """The modules a job of this bundle (a real path) imports afresh (``_forgettable``), worked out in the zygote:
        in every job it would touch every module and so copy most of the memory it shares with the zygote."""
        key = (len(sys.modules), _same_runtime(bundle))
        names = self.forgettable.get(key)
        if names is None:
            names = self.forgettable[key] = tuple(_forgettable(self.own_path, set(PRELOAD), key[1]))
        return names

    def _fork(self, conn, reader, request):
        bundle = os.path.realpath(request["bundle"])
        forget = self._forget(bundle)
        status_r, status_w = os.pipe()
        go_r, go_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        if self.isolate:
            from deepforge import isolate

            pid = isolate.clone_into_new_pid_namespace()
        else:
            pid = os.fork()
        if pid == 0:
            return self._child_setup(conn, request, status_r, status_w, go_r, go_w, forget)
        os.close(status_w)
        os.close(go_r)
        try:
            with os.fdopen(status_r, "rb") as status:
                said = status.read()
            if said != b"ok":
                text = said.decode("utf-8", "replace") or "the job process died while starting"
                self._reply(conn, {"ok": False, "error": text})
                return None
            self._reply(conn, {"ok": True, "pid": pid})
            if request.get("confirm"):
                answer = reader.readline(4096)
                try:
                    go = bool(answer) and json.loads(answer).get("go") is True
                except (ValueError, AttributeError):
                    go = False
                if not go:
                    return None  # closing go_w drops the job before it ran anything
            # a released job is known as a job before its end can be reaped: only then is its exit code recorded
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
            try:
                os.write(go_w, b"g")
                self.jobs[pid] = bundle
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
            return None
        except OSError as e:
            _log("job %d dropped: %s" % (pid, e))
            return None
        finally:
            os.close(go_w)

    # ---------------------------------------------------------------- the child (the job, before it is released)

    def _child_setup(self, conn, request, status_r, status_w, go_r, go_w, forget):
        try:
            for sig in self.signals:  # the job sets those a fresh interpreter handles (run_job)
                signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.close(status_r)
            os.close(go_w)
            _close_notify()  # the job never writes where the zygote tells the server of ends
            self.selector.close()
            self.listener.close()
            conn.close()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.close(null)
            os.setsid()
            bundle = request["bundle"]
            if self.isolate:
                from deepforge import isolate

                isolate.enter(bundle, self.isolate, self.hide + (os.path.dirname(self.path),), self.keep,
                              request.get("network", True))
                isolate.mount_proc()
                isolate.drop_privileges()
            else:
                os.chdir(bundle)
            env = job_environment(request["env"], self.coerced)
            _take_environment(env)
            os.write(status_w, b"ok")
            os.close(status_w)
            go = os.read(go_r, 1)
            os.close(go_r)
        except BaseException as e:  # noqa: B902 - nothing may escape into the zygote's loop
            try:
                os.write(status_w, ("%s: %s" % (type(e).__name__, e)).encode("utf-8", "replace"))
            finally:
                os._exit(1)
        if go != b"g":
            os._exit(0)
        return Job(bundle, env, bool(self.isolate), forget, self.generator)


#: the handlers a fresh interpreter installs; every other signal it leaves at SIG_DFL
_FRESH = {signal.SIGINT: signal.default_int_handler, signal.SIGPIPE: signal.SIG_IGN, signal.SIGXFSZ: signal.SIG_IGN}


def _changed_signals():
    """The signals whose handler is not a fresh interpreter's: the zygote's own, and any a library installed (also in
    C, which Python reports as None). Worked out once, so that a child resets just these, not a list of candidates."""
    changed = []
    for sig in signal.valid_signals():
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            handler = signal.getsignal(sig)
        except (OSError, ValueError):
            continue
        if handler != _FRESH.get(sig, signal.SIG_DFL):
            changed.append(int(sig))
    return tuple(changed)


#: the zygote's standard output (a duplicate), where ends are told; None in a job
_NOTIFY = None


def _close_notify():
    global _NOTIFY
    if _NOTIFY is not None:
        try:
            os.close(_NOTIFY)
        except OSError:
            pass
        _NOTIFY = None


def _tell_exited():
    """Tells the server that a job ended (its exitcode is written): one line, written at once (atomic in a pipe)."""
    if _NOTIFY is not None:
        try:
            os.write(_NOTIFY, b'{"exited": true}\n')
        except OSError:
            pass


def _record(code, directory="."):
    """Writes ``exitcode`` in ``directory`` through ``exitcode.tmp``, never following a link a job left there."""
    tmp = os.path.join(directory, "exitcode.tmp")
    try:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        with os.fdopen(fd, "w") as f:
            f.write("%d\n" % code)
        os.replace(tmp, os.path.join(directory, "exitcode"))
    except OSError:
        pass


# -------------------------------------------------------------------- the job


def _set_streams():
    fd = os.open("console.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    import io

    encoding = sys.stdout.encoding if sys.stdout is not None else "utf-8"
    out = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=encoding, errors="strict",
                           write_through=True)
    err = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=encoding, errors="backslashreplace",
                           write_through=True)
    sys.stdout = sys.__stdout__ = out
    sys.stderr = sys.__stderr__ = err


def _forgettable(roots, keep, same_runtime=False):
    """The zygote's copy of ``deepforge`` and whatever else it loaded from its own PYTHONPATH, which a
    job drops so that it imports those from its bundle and its own path, as ``python main.py`` would. When
    the bundle links the very runtime the zygote loaded (local jobs), its preloaded runtime modules are
    kept: the job would only import the same files again."""
    roots = [os.path.join(os.path.abspath(r), "") for r in roots if r]
    for name, module in list(sys.modules.items()):
        top = name.partition(".")[0]
        if top == "deepforge":
            if not (same_runtime and name in RUNTIME_PRELOAD):
                yield name
            continue
        if top in keep or module is None:
            continue
        paths = list(getattr(module, "__path__", None) or [])
        f = getattr(module, "__file__", None)
        if f:
            paths.append(f)
        if any(os.path.abspath(p).startswith(root) for p in paths for root in roots):
            yield name


def _links_outside(bundle, keep):
    """The target of the first link at the top of ``bundle`` (the runtime, a library's package) that lies neither in
    the bundle nor in one of the ``keep`` paths; None when there is none."""
    bundle = os.path.realpath(bundle)
    shown = [os.path.join(os.path.realpath(p), "") for p in (bundle,) + tuple(keep)]
    for name in sorted(os.listdir(bundle)):
        path = os.path.join(bundle, name)
        if os.path.islink(path):
            target = os.path.join(os.path.realpath(path), "")
            if not any(target.startswith(p) for p in shown):
                return target.rstrip(os.sep)
    return None


def _same_runtime(bundle):
    """Whether the bundle's ``deepforge`` package is the directory the zygote imported its own from."""
    mine = sys.modules.get("deepforge")
    if mine is None or not getattr(mine, "__file__", None):
        return False
    try:
        return os.path.realpath(os.path.join(bundle, "deepforge")) == os.path.realpath(os.path.dirname(mine.__file__))
    except OSError:
        return False


def run_job(job, base_path):
    """In the job process: becomes ``python -u main.py`` in the bundle. Ends by raising SystemExit."""
    _set_streams()
    env = job.env
    signal.signal(signal.SIGINT, signal.default_int_handler)  # what a fresh interpreter installs
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if job.isolated:
        from deepforge import isolate

        isolate.exit_on()  # the job is its namespace's init
    try:
        time.tzset()
        import locale

        locale.setlocale(locale.LC_CTYPE, "")
    except Exception:  # an unknown locale name: Python keeps the C locale, as at start-up
        pass
    bundle = job.bundle = os.path.realpath(job.bundle)  # where its exit code is recorded, whatever the job changes
    extra = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    for name in job.forget:
        sys.modules.pop(name, None)
    sys.path[:] = [bundle] + extra + base_path
    _invalidate_import_caches()
    sys.argv = ["main.py"]
    sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
    _configure_libraries(env, job.generator)
    script = os.path.join(bundle, "main.py")
    _exec_main(script)
    raise SystemExit(0)


def _take_environment(env):
    """Makes ``env`` the process's environment (``os.environ`` and the C library's), changing only what differs: a
    forked job copies every page it writes to, and clearing and refilling the whole environment writes to many."""
    environ = os.environ
    for name in [n for n in environ if n not in env]:
        del environ[name]
    for name, value in env.items():
        if environ.get(name) != value:
            environ[name] = value


def _invalidate_import_caches():
    """What ``importlib.invalidate_caches()`` does for the path finders: each cached finder rereads its directory when
    next asked, paths without one (None) are forgotten, namespace packages look at their path again. Not the
    metadata finder's cache, which notices a changed directory by its mtime anyway; not clearing the importer cache,
    which would free every finder and its listings (memory each forked job would copy)."""
    for name, finder in list(sys.path_importer_cache.items()):
        if finder is None or not os.path.isabs(name):
            del sys.path_importer_cache[name]
        elif hasattr(finder, "invalidate_caches"):
            finder.invalidate_caches()
    namespace = getattr(sys.modules.get("importlib._bootstrap_external"), "_NamespacePath", None)
    if namespace is not None and hasattr(namespace, "_epoch"):
        namespace._epoch += 1


def _global_generator():
    """The state of numpy's global generator (what ``numpy.random.random()`` draws from) as the 625 words of memory
    MT19937 keeps it in -- its 624 key words, then its position -- checked against ``get_state()``; None where numpy's
    generator is not laid out so, or holds a normal deviate for its next draw."""
    np = sys.modules.get("numpy")
    if np is None or "numpy.random" not in sys.modules:
        return None
    try:
        import ctypes

        legacy = np.random.mtrand._rand
        name, key, position, has_gauss = legacy.get_state()[:4]
        if name != "MT19937" or has_gauss or len(key) != 624:
            return None
        words = (ctypes.c_uint32 * 625).from_address(legacy._bit_generator.ctypes.state_address)
        if list(words[:624]) != key.tolist() or words[624] != position:
            return None
        return words
    except Exception:  # another numpy: the job seeds through numpy.random.seed
        return None


def _reseed(np, words):
    """A whole new state for numpy's global generator from the system's entropy. The zygote seeded it once, so every
    job would otherwise draw the same numbers. ``numpy.random.seed`` would take a few ms here, its Python and numpy's
    code copying pages the job shares with the zygote; with ``words`` (``_global_generator``) the entropy goes straight
    into the generator's key, as random as ``seed`` makes it, its first bit set as ``seed`` sets it (so the key is
    never all zeros), and the position at the end of the key, so the next draw starts a fresh block."""
    if words is None:
        np.random.seed(np.frombuffer(os.urandom(2496), dtype=np.uint32))
        return
    memoryview(words).cast("B")[:2496] = os.urandom(2496)
    words[0] |= 0x80000000
    words[624] = 624


def _configure_libraries(env, generator=None):
    np = sys.modules.get("numpy")
    if np is not None and "numpy.random" in sys.modules:
        _reseed(np, generator)
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            n = int(env.get("OMP_NUM_THREADS", "").split(",")[0])
        except ValueError:
            n = os.cpu_count() or 1
        if n > 0:
            torch.set_num_threads(n)
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        backend = env.get("MPLBACKEND")
        if backend:
            mpl.rcParams["backend"] = backend
        else:
            dict.__setitem__(mpl.rcParams, "backend", dict.__getitem__(mpl.rcParamsOrig, "backend"))


def _exec_main(script):
    import builtins
    import importlib.machinery
    import io
    import types

    main = types.ModuleType("__main__")
    main.__file__ = script
    main.__cached__ = None
    main.__builtins__ = builtins
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", script)
    main.__spec__ = None
    sys.modules["__main__"] = main
    try:
        with io.open_code(script) as f:
            source = f.read()
        code = compile(source, script, "exec", dont_inherit=True)
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except BaseException as e:  # noqa: B902 - what the interpreter does with an uncaught exception
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != script:
            tb = tb.tb_next
        e.__traceback__ = tb  # a SyntaxError in main.py has no frame to show
        sys.excepthook(type(e), e, tb)
        raise SystemExit(130 if isinstance(e, KeyboardInterrupt) else 1)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    watch_stdin = "--exit-on-stdin-eof" in argv
    # --preload=numpy: a light zygote forks much faster than one holding torch (fewer pages to map)
    names = PRELOAD
    for a in argv:
        if a.startswith("--preload="):
            names = tuple(n for n in a[len("--preload="):].split(",") if n)
    # --isolate=<jobs dir>: each job gets its own namespaces (see deepforge.isolate); --hide=<dir>: also covered
    isolate = next((os.path.realpath(a[len("--isolate="):]) for a in argv if a.startswith("--isolate=")), None)
    hide = [a[len("--hide="):] for a in argv if a.startswith("--hide=")]
    keep = [a[len("--keep="):] for a in argv if a.startswith("--keep=")]
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        sys.stderr.write("usage: python -u -m deepforge.zygote <socket-path> [--exit-on-stdin-eof] [--preload=a,b]\n")
        return 2
    # what python main.py would not have: the zygote's own directory and PYTHONPATH entries
    own = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    base_path = [p for p in sys.path[1:] if p not in own and os.path.abspath(p) not in map(os.path.abspath, own)]
    zygote = Zygote(os.path.abspath(args[0]), watch_stdin, names, isolate, hide, keep, own)
    try:
        zygote.start()
        job = zygote.serve()
    finally:
        zygote.close()
    if job is None:
        return 0
    try:
        run_job(job, base_path)
        code = 0
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            code = e.code or 0
        else:
            print(e.code, file=sys.stderr)  # what the interpreter does with sys.exit("message")
            code = 1
    _fast_exit(code, job.bundle)


def _fast_exit(code, record=None):
    """Ends the job as the interpreter would -- non-daemon threads joined, exit handlers run, output
    flushed -- but without tearing down the modules the zygote preloaded (torch, numpy,
    matplotlib), which costs a forked job over 100 ms and changes nothing it wrote."""
    try:
        import threading

        threading._shutdown()
    except BaseException:  # noqa: B902 - the job is over; only the exit code matters now
        pass
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:  # noqa: B902
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: B902
            pass
    if record:
        _record(code & 0xFF, record)  # as its status will read; the zygote, if still there, records it again
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
