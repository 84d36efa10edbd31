"""The session agent: drives a standard Jupyter kernel for the DeepForge server (docs/sessions.md).

Run in the session directory as ``python -u main.py``. It reads ``session.json`` and ``secret``,
connects to the server as ``connect`` says (``unix:agent.sock`` relative to the session directory, or
``tcp:HOST:PORT``), says hello and waits for the welcome, and relays between the server's JSON lines
and the kernel (Debian's ``ipykernel`` started by ``jupyter_client``):

* cells run one at a time in the order sent; their iopub messages become ``output`` lines (stream,
  display -- ``update_display_data`` too --, result, error with ANSI codes stripped) and their
  ``execute_reply`` a ``done`` line (ok, error, aborted);
* ``interrupt`` sends SIGINT to the kernel; ``restart`` gives a fresh kernel, and the running and queued
  cells end ``aborted``; ``shutdown`` stops the kernel and the agent exits 0; ``ping`` gets ``pong``;
* ``status`` says starting, idle, busy, restarting or dead (and is repeated after every welcome);
  ``resources`` (memory and CPU time of the agent's process tree) every 5 s while connected;
* ``done`` has the ``executionCount`` of the cell's reply (none when the cell never ran);
* a kernel that dies by itself is reported ``dead`` (its cell fails, the queued ones are aborted) and
  started again once;
* when the connection drops the agent reconnects every second with a new hello, keeping the kernel and
  its variables; what it has to say meanwhile is kept (at most ``MAX_BUFFER`` bytes: the oldest stream
  text goes first, replaced by a note) and sent after the welcome. Unreachable for
  ``idleTimeoutSeconds``, it shuts the kernel down and exits.

The kernel's environment holds no secret; its HOME, IPYTHONDIR, MPLCONFIGDIR and Jupyter runtime
directory are under ``<session>/home``; the session directory is its working directory and on its
``sys.path``, and ``df`` is :mod:`deepforge.session.workspace`; the modules ``session.json`` lists as
``libraries`` (the project's libraries, whose packages lie in the session directory) are imported
before the first cell (one that fails is reported on the kernel's stderr, the session's
``console.log``). Figures use matplotlib's inline
backend (``image/png`` displays). Lines are at most 16 MiB: long stream text is sent in chunks, and a
display too large for a line loses its largest representations, each replaced by a note. The agent's
own log goes to stderr (the session's ``console.log``); a malformed line from the server is logged and
ignored.
"""

import collections
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import queue
import re
import select
import signal
import socket
import sys
import threading
import time

__all__ = ["main", "Agent", "PROTOCOL"]

PROTOCOL = 1
MAX_LINE = 16 << 20            # bytes in a line, either way
MAX_WELCOME_LINE = 64 << 10
STREAM_CHUNK = 1 << 20         # characters of stream text in one output line
MAX_BUFFER = 8 << 20           # bytes kept while the server is unreachable
RESOURCES_INTERVAL = 5.0
RECONNECT_INTERVAL = 1.0
WELCOME_TIMEOUT = 30.0
KERNEL_READY_TIMEOUT = 120.0
DEFAULT_IDLE_TIMEOUT = 3600.0
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")

SETUP = """\
def _deepforge_setup():
    import os, sys
    here = os.getcwd()
    if here not in sys.path:
        sys.path.insert(0, here)
    import warnings
    # importing torch imports tqdm.auto, which in a kernel asks for ipywidgets (the console has none) and warns
    warnings.filterwarnings("ignore", message="IProgress not found")
    import deepforge.session.workspace
    get_ipython().user_ns["df"] = deepforge.session.workspace
    import json
    try:
        with open(os.path.join(here, "session.json"), encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, ValueError):
        config = {}
    seed = config.get("seed") if isinstance(config, dict) else None
    if isinstance(seed, int) and not isinstance(seed, bool):
        import deepforge.seeding
        deepforge.seeding.seed(seed)  # random and numpy now, torch when it is imported
    libraries = config.get("libraries") if isinstance(config, dict) else None
    import importlib
    for name in libraries if isinstance(libraries, list) else ():
        try:
            importlib.import_module(name)  # the project's libraries register their serializers
        except Exception as error:
            print("deepforge: the library module %s could not be imported: %s: %s" % (name, type(error).__name__, error),
                  file=sys.__stderr__, flush=True)
_deepforge_setup()
del _deepforge_setup
"""


def log(message, *args):
    print("deepforge.session.agent: " + (message % args if args else message), file=sys.stderr,
          flush=True)


def strip_ansi(text):
    return _ANSI.sub("", text)


# ---------------------------------------------------------------- JSON lines

def _finite(value):
    """The value with NaN and infinities (not JSON) replaced by null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def encode(message):
    """One JSON line (bytes, with its newline)."""
    try:
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(message), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "replace") + b"\n"


def _json_size(value):
    return len(json.dumps(value, ensure_ascii=False, default=str).encode("utf-8", "replace"))


def fit_data(data, limit=MAX_LINE - (64 << 10)):
    """A display's mimetype bundle that fits a line: the largest representations are replaced by a
    ``text/plain`` note until it does."""
    if not isinstance(data, dict):
        return {"text/plain": str(data)}
    sizes = {key: _json_size(value) for key, value in data.items()}
    if sum(sizes.values()) <= limit:
        return data
    data, omitted = dict(data), []
    for key in sorted(sizes, key=sizes.get, reverse=True):
        if sum(sizes[k] for k in data) <= limit:
            break
        del data[key]
        omitted.append("%s (%d bytes)" % (key, sizes[key]))
    note = "[deepforge: omitted %s: over the %d MiB line limit]" % (", ".join(omitted), MAX_LINE >> 20)
    plain = data.get("text/plain")
    data["text/plain"] = (plain + "\n" + note) if isinstance(plain, str) and len(plain) < 1 << 20 else note
    return data


def stream_chunks(text):
    for start in range(0, len(text), STREAM_CHUNK):
        yield text[start:start + STREAM_CHUNK]


# ---------------------------------------------------------------- environment and resources

def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cuda():
    """Whether torch is built with CUDA and an NVIDIA device is present (without importing torch)."""
    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    try:
        with open(os.path.join(list(spec.submodule_search_locations)[0], "version.py"),
                  encoding="utf-8") as f:
            built = re.search(r"^cuda\s*(?::[^=]*)?=\s*['\"]", f.read(), re.M) is not None
    except OSError:
        return False
    return built and os.path.exists("/dev/nvidiactl")


def environment():
    return {"python": platform.python_version(), "torch": _version("torch"),
            "numpy": _version("numpy"), "ipykernel": _version("ipykernel"), "cuda": _cuda()}


def _process_tree(root):
    """Pids of ``root`` and its descendants (from /proc)."""
    children = collections.defaultdict(list)
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name, "rb") as f:
                    stat = f.read()
                children[int(stat[stat.rindex(b")") + 2:].split()[1])].append(int(name))
            except (OSError, ValueError, IndexError):
                continue
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def resources(root, cuda):
    """``{"rssBytes", "cpuSeconds", "cuda"}`` of the process tree under ``root``."""
    page, ticks = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    rss, cpu = 0, 0
    for pid in _process_tree(root):
        try:
            with open("/proc/%d/stat" % pid, "rb") as f:
                stat = f.read()
            fields = stat[stat.rindex(b")") + 2:].split()
            cpu += sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
            rss += int(fields[21]) * page
        except (OSError, ValueError, IndexError):
            continue
    return {"type": "resources", "rssBytes": rss, "cpuSeconds": round(cpu / ticks, 2), "cuda": cuda}


# ---------------------------------------------------------------- the outgoing lines

class Outbox:
    """Lines to the server, written by one thread; kept while there is no connection (at most
    ``limit`` bytes: the oldest stream outputs are dropped first, leaving a note)."""

    def __init__(self, limit=MAX_BUFFER):
        self._limit = limit
        self._cond = threading.Condition()
        self._lines = collections.deque()   # [kind, cell id, bytes]
        self._bytes = 0
        self._dropped = collections.OrderedDict()   # cell id -> bytes of output dropped
        self._sock = None
        self._closed = False
        self._writer = threading.Thread(target=self._write, name="outbox", daemon=True)
        self._writer.start()

    @property
    def connected(self):
        return self._sock is not None

    def put(self, message, keep=True):
        """Send ``message``; without a connection keep it (``keep``) or drop it."""
        line = encode(message)
        if len(line) > MAX_LINE:
            log("dropped a %s line of %d bytes: over the line limit", message.get("type"), len(line))
            return
        kind = message.get("type")
        if kind == "output":
            kind = "stream" if message["output"].get("kind") == "stream" else "output"
        with self._cond:
            if self._sock is None and not keep:
                return
            self._lines.append([kind, message.get("id"), line])
            self._bytes += len(line)
            if self._sock is None and self._bytes > self._limit:
                self._trim()
            self._cond.notify_all()

    def _trim(self):
        """Drop the oldest stream outputs (then other outputs) until the kept lines take at most
        three quarters of the limit; the note of what went is sent first after the reconnection."""
        target = self._limit * 3 // 4
        for victims in (("stream",), ("stream", "output")):
            kept = collections.deque()
            for entry in self._lines:
                kind, cell, line = entry
                if self._bytes > target and kind in victims:
                    self._bytes -= len(line)
                    self._dropped[cell] = self._dropped.get(cell, 0) + len(line)
                else:
                    kept.append(entry)
            self._lines = kept
            if self._bytes <= target:
                return

    def attach(self, sock):
        with self._cond:
            for cell, dropped in reversed(self._dropped.items()):
                note = encode({"type": "output", "id": cell, "output": {
                    "kind": "stream", "name": "stderr",
                    "text": "[deepforge: %d bytes of output were dropped while the server was "
                            "unreachable]\n" % dropped}})
                self._lines.appendleft(["note", cell, note])
                self._bytes += len(note)
            self._dropped.clear()
            self._sock = sock
            self._cond.notify_all()

    def detach(self, sock):
        with self._cond:
            if self._sock is sock:
                self._sock = None
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def drain(self, timeout):
        """Wait until everything was written (or there is no connection, or ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._lines and self._sock is not None and time.monotonic() < deadline:
                self._cond.wait(0.1)
            return not self._lines

    def close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._writer.join(5)

    def _write(self):
        while True:
            with self._cond:
                while not self._closed and (self._sock is None or not self._lines):
                    self._cond.wait()
                if self._closed:
                    return
                sock, entry = self._sock, self._lines[0]
            try:
                sock.sendall(entry[2])
            except OSError as error:
                log("lost the connection while writing: %s", error)
                self.detach(sock)
                continue
            with self._cond:
                if self._lines and self._lines[0] is entry:
                    self._lines.popleft()
                    self._bytes -= len(entry[2])
                self._cond.notify_all()


# ---------------------------------------------------------------- the kernel

class Cell:
    __slots__ = ("id", "code", "msg_id", "reply", "idle", "replied_at")

    def __init__(self, cell_id, code):
        self.id, self.code = cell_id, code
        self.msg_id = self.reply = self.replied_at = None
        self.idle = False


class KernelRunner(threading.Thread):
    """Owns the kernel (jupyter_client is used from this thread only) and runs the cells in order.
    Commands arrive through :meth:`command`."""

    def __init__(self, directory, outbox, environ=None):
        super().__init__(name="kernel", daemon=True)
        self.directory = directory
        self.outbox = outbox
        self.environ = dict(os.environ if environ is None else environ)
        self.commands = queue.Queue()
        self.shutdown_requested = False
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self.finished = threading.Event()
        self.km = self.kc = None
        self.pending = collections.deque()
        self.current = None
        self.owner = collections.OrderedDict()   # execute msg_id -> cell id
        self.state = None
        self.status_lock = threading.Lock()
        self.alive = False
        self.checked_at = 0.0

    def command(self, *command):
        self.commands.put(command)
        self._wake()

    def request_shutdown(self):
        """Ask for a shutdown (safe in a signal handler: takes no lock)."""
        self.shutdown_requested = True
        self._wake()

    def _wake(self):
        try:
            os.write(self._wake_w, b".")
        except BlockingIOError:
            pass  # the pipe is full: the thread is woken anyway

    @property
    def kernel_pid(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process.pid if process is not None else None

    # ---- status and outputs

    def _status(self, state):
        with self.status_lock:
            if state != self.state:
                self.state = state
                self.outbox.put({"type": "status", "state": state})

    def announce(self):
        """Say the current status again (to a server that just welcomed the agent)."""
        with self.status_lock:
            if self.state is not None:
                self.outbox.put({"type": "status", "state": self.state}, keep=False)

    def _output(self, cell_id, output):
        self.outbox.put({"type": "output", "id": cell_id, "output": output})

    def _done(self, cell, status, count=None):
        done = {"type": "done", "id": cell.id, "status": status}
        if isinstance(count, int):
            done["executionCount"] = count
        self.outbox.put(done)

    # ---- the kernel process

    def _kernel_env(self):
        home = os.path.join(self.directory, "home")
        env = dict(self.environ)
        path = [self.directory] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env.update({
            "HOME": home, "IPYTHONDIR": os.path.join(home, ".ipython"),
            "MPLCONFIGDIR": os.path.join(home, ".config", "matplotlib"),
            "JUPYTER_RUNTIME_DIR": os.path.join(home, ".jupyter", "runtime"),
            "PYTHONPATH": os.pathsep.join(dict.fromkeys(path)),
            "MPLBACKEND": INLINE_BACKEND, "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "PYTHONUNBUFFERED": "1",
        })
        for name in ("IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR"):
            os.makedirs(env[name], exist_ok=True)
        return env

    def _start_kernel(self):
        """Start a kernel and run the setup cell; False (status dead) if it does not come up."""
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpec

        self._status("starting")
        env = self._kernel_env()
        km = KernelManager(connection_file=os.path.join(
            env["JUPYTER_RUNTIME_DIR"], "kernel-%d-%d.json" % (os.getpid(), int(time.time() * 1000))))
        km._kernel_spec = KernelSpec(
            argv=[sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                  "-f", "{connection_file}"],
            display_name="DeepForge", language="python", env={}, interrupt_mode="signal")
        self.km = km
        try:
            km.start_kernel(env=env, cwd=self.directory)
            self.kc = km.client()
            self.kc.start_channels()
            self.kc.wait_for_ready(timeout=KERNEL_READY_TIMEOUT)
            self._setup()
        except Exception as error:
            log("the kernel did not start: %s", error)
            self._stop_kernel(now=True)
            self.alive = False
            self._status("dead")
            return False
        log("kernel %s started", self.kernel_pid)
        self.alive = True
        self.checked_at = time.monotonic()
        self._status("idle")
        return True

    def _setup(self):
        msg_id = self.kc.execute(SETUP, silent=True, store_history=False, allow_stdin=False)
        self.owner[msg_id] = None
        deadline = time.monotonic() + KERNEL_READY_TIMEOUT
        while time.monotonic() < deadline:
            self._pump_iopub(0.05)
            try:
                reply = self.kc.get_shell_msg(timeout=0.05)
            except queue.Empty:
                if not self.km.is_alive():
                    raise RuntimeError("the kernel died during its setup")
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                content = reply["content"]
                if content.get("status") != "ok":
                    log("the setup cell failed: %s",
                        strip_ansi("\n".join(content.get("traceback") or [content.get("evalue", "")])))
                return
        raise RuntimeError("the setup cell did not finish in %d s" % KERNEL_READY_TIMEOUT)

    def _stop_kernel(self, now):
        kc, km = self.kc, self.km
        self.kc = self.km = None
        self.alive = False
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception as error:
                log("stopping the kernel's channels: %s", error)
            try:
                kc.context.destroy(linger=0)
            except Exception:
                pass
        if km is not None:
            group = getattr(km.provisioner, "pgid", None) if km.has_kernel else None
            try:
                if km.has_kernel:
                    km.shutdown_kernel(now=now)
            except Exception as error:
                log("stopping the kernel: %s", error)
            if group and group != os.getpgrp():  # what the cells started goes with the kernel
                try:
                    os.killpg(group, signal.SIGKILL)
                except OSError:
                    pass
            try:
                km.context.destroy(linger=0)
            except Exception:
                pass

    # ---- the loop

    def run(self):
        try:
            self._start_kernel()
            while True:
                if not self._commands():
                    return
                if self.current is None and self.pending:
                    self._begin(self.pending.popleft())
                self._wait(0.5)
                self._pump_iopub(0)
                if self.current is not None:
                    self._pump_shell()
                self._watch()
        except Exception:
            import traceback
            log("the kernel thread failed:\n%s", traceback.format_exc())
            self._stop_kernel(now=True)
        finally:
            self.finished.set()

    def _commands(self):
        """Handle the queued commands; False after a shutdown."""
        while True:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                if not self.shutdown_requested:
                    return True
                command = ("shutdown",)
            kind = command[0]
            if kind == "execute":
                self.pending.append(Cell(command[1], command[2]))
            elif kind == "interrupt":
                if self.alive and self.current is not None:
                    try:
                        self.km.interrupt_kernel()
                    except Exception as error:
                        log("interrupting the kernel: %s", error)
            elif kind == "restart":
                self._status("restarting")
                self._abort_all()
                self._stop_kernel(now=True)
                self._start_kernel()
            elif kind == "shutdown":
                busy = self.current is not None
                self._abort_all()
                self._stop_kernel(now=busy)
                log("kernel stopped")
                return False

    def _abort_all(self):
        cells = ([self.current] if self.current is not None else []) + list(self.pending)
        self.current = None
        self.pending.clear()
        for cell in cells:
            self._done(cell, "aborted")

    def _begin(self, cell):
        if not self.alive:
            self._output(cell.id, {"kind": "error", "ename": "KernelDead",
                                   "evalue": "the kernel is not running; restart the session",
                                   "traceback": []})
            self._done(cell, "error")
            return
        self._status("busy")
        cell.msg_id = self.kc.execute(cell.code, silent=False, store_history=True,
                                      allow_stdin=False, stop_on_error=False)
        self.owner[cell.msg_id] = cell.id
        while len(self.owner) > 1000:
            self.owner.popitem(last=False)
        self.current = cell

    def _finish(self):
        cell, self.current = self.current, None
        reply = cell.reply
        status = reply.get("status")
        self._done(cell, status if status in ("ok", "error", "aborted") else "error",
                   reply.get("execution_count"))
        if not self.pending:
            self._status("idle")

    def _wait(self, timeout):
        """Until the kernel or a command has something to say (or ``timeout`` seconds)."""
        import zmq

        poller = zmq.Poller()
        poller.register(self._wake_r, zmq.POLLIN)
        if self.kc is not None:
            poller.register(self.kc.iopub_channel.socket, zmq.POLLIN)
            if self.current is not None and self.current.reply is None:
                poller.register(self.kc.shell_channel.socket, zmq.POLLIN)
        poller.poll(timeout * 1000)
        try:
            while os.read(self._wake_r, 4096):
                pass
        except BlockingIOError:
            pass

    def _pump_shell(self):
        cell = self.current
        while cell.reply is None:
            try:
                reply = self.kc.get_shell_msg(timeout=0)
            except queue.Empty:
                return
            if (reply["parent_header"].get("msg_id") == cell.msg_id
                    and reply["msg_type"] == "execute_reply"):
                cell.reply, cell.replied_at = reply["content"], time.monotonic()
        # the outputs of a cell come before its idle status; wait for it, a little
        if cell.idle or time.monotonic() - cell.replied_at > 5:
            self._finish()

    def _pump_iopub(self, timeout):
        if self.kc is None:
            return
        try:
            msg = self.kc.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self._iopub(msg)
            try:
                msg = self.kc.get_iopub_msg(timeout=0)
            except queue.Empty:
                return

    def _iopub(self, msg):
        parent = msg.get("parent_header", {}).get("msg_id")
        kind, content = msg.get("msg_type"), msg.get("content", {})
        if kind == "status":
            if (self.current is not None and parent == self.current.msg_id
                    and content.get("execution_state") == "idle"):
                self.current.idle = True
            return
        if parent not in self.owner:
            return
        cell_id = self.owner[parent]
        output = self._convert(kind, content)
        if output is None:
            return
        if cell_id is None:  # the setup cell (its error is logged from its reply)
            if output["kind"] == "stream":
                log("setup: %s", output["text"].rstrip())
            return
        if output["kind"] == "stream":
            for chunk in stream_chunks(output["text"]):
                self._output(cell_id, dict(output, text=chunk))
        else:
            self._output(cell_id, output)

    @staticmethod
    def _convert(kind, content):
        if kind == "stream":
            return {"kind": "stream", "name": "stderr" if content.get("name") == "stderr" else "stdout",
                    "text": str(content.get("text", ""))}
        if kind in ("display_data", "update_display_data"):
            return {"kind": "display", "data": fit_data(content.get("data", {}))}
        if kind == "execute_result":
            return {"kind": "result", "executionCount": content.get("execution_count"),
                    "data": fit_data(content.get("data", {}))}
        if kind == "error":
            traceback = [strip_ansi(str(line)) for line in content.get("traceback") or []]
            while traceback and _json_size(traceback) > MAX_LINE // 2:
                traceback = traceback[:len(traceback) // 2] + ["[deepforge: traceback truncated]"]
            return {"kind": "error", "ename": str(content.get("ename", "")),
                    "evalue": strip_ansi(str(content.get("evalue", "")))[:1 << 20],
                    "traceback": traceback}
        return None

    def _watch(self):
        """Notice a kernel that died by itself: report it, fail its cell and start it again once."""
        if not self.alive or time.monotonic() - self.checked_at < 1.0:
            return
        self.checked_at = time.monotonic()
        if self.km.is_alive():
            return
        process = getattr(self.km.provisioner, "process", None)
        code = process.poll() if process is not None else None
        log("the kernel died (exit status %s); starting it again", code)
        self.alive = False
        self._status("dead")
        if self.current is not None:
            self._output(self.current.id, {
                "kind": "error", "ename": "KernelDied",
                "evalue": "the kernel died (exit status %s) while running this cell; its variables are "
                          "lost and it was started again" % code, "traceback": []})
            cell, self.current = self.current, None
            self._done(cell, "error")
        for cell in self.pending:
            self._done(cell, "aborted")
        self.pending.clear()
        self._stop_kernel(now=True)
        self._start_kernel()


# ---------------------------------------------------------------- the agent

class Agent:
    def __init__(self, directory, config, secret, environ=None):
        self.directory = directory
        self.config = config
        self.secret = secret
        self.idle_timeout = float(config.get("idleTimeoutSeconds") or DEFAULT_IDLE_TIMEOUT)
        self.environment = environment()
        self.outbox = Outbox()
        self.kernel = KernelRunner(directory, self.outbox, environ)
        self.stopping = threading.Event()
        self.last_problem = None

    def run(self):
        """Serve until shutdown or the idle timeout; the exit status."""
        self.kernel.start()
        threading.Thread(target=self._resources, name="resources", daemon=True).start()
        last_contact = time.monotonic()
        while not self.kernel.finished.is_set():
            sock = self._connect()
            if sock is None:
                if time.monotonic() - last_contact > self.idle_timeout:
                    log("the server was unreachable for %d s: shutting down", self.idle_timeout)
                    self.shutdown()
                    break
                self.kernel.finished.wait(RECONNECT_INTERVAL)
                continue
            log("connected")
            self.last_problem = None
            self.outbox.attach(sock)
            self.kernel.announce()
            self._read(sock)
            if self.kernel.finished.is_set():
                self.outbox.drain(10)
            self.outbox.detach(sock)
            sock.close()
            last_contact = time.monotonic()
            if not self.kernel.finished.is_set():
                log("disconnected; reconnecting")
        self.kernel.finished.wait()
        self.stopping.set()
        self.outbox.close()
        return 0

    def shutdown(self):
        self.kernel.request_shutdown()

    # ---- connection

    def _address(self):
        connect = str(self.config.get("connect", "unix:agent.sock"))
        if connect.startswith("unix:"):
            return socket.AF_UNIX, os.path.join(self.directory, connect[len("unix:"):])
        if connect.startswith("tcp:"):
            host, _, port = connect[len("tcp:"):].rpartition(":")
            return socket.AF_INET6 if ":" in host else socket.AF_INET, (host.strip("[]"), int(port))
        raise ValueError("session.json: connect must be unix:PATH or tcp:HOST:PORT, not %r" % connect)

    def _hello(self):
        return {"type": "hello", "session": self.config.get("session"), "secret": self.secret,
                "protocol": PROTOCOL, "pid": os.getpid(), "environment": self.environment}

    def _connect(self):
        """A socket whose handshake succeeded, or None."""
        family, address = self._address()
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(10)
            sock.connect(address)
            sock.sendall(encode(self._hello()))
            line = self._read_line(sock, time.monotonic() + WELCOME_TIMEOUT)
            answer = json.loads(line) if line else None
            if not isinstance(answer, dict) or answer.get("type") != "welcome":
                raise ConnectionError("no welcome (%s)" % ("closed" if line is None else "%.80r" % line))
            sock.settimeout(None)
            return sock
        except (OSError, ValueError) as error:
            problem = "connecting: %s" % error
            if problem != self.last_problem:  # said once, not every second
                log("%s (trying every %g s)", problem, RECONNECT_INTERVAL)
                self.last_problem = problem
            sock.close()
            return None

    @staticmethod
    def _read_line(sock, deadline):
        data = b""
        while b"\n" not in data:
            if len(data) > MAX_WELCOME_LINE:
                raise ConnectionError("the server's first line is too long")
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = sock.recv(1)  # byte by byte: what follows the welcome stays in the socket
            if not chunk:
                return None
            data += chunk
        return data.decode("utf-8", "replace")

    def _read(self, sock):
        buffer, skipping = bytearray(), False
        while not self.kernel.finished.is_set():
            try:
                ready, _, _ = select.select([sock], [], [], 1.0)
                if not ready:
                    continue
                chunk = sock.recv(1 << 16)
            except (OSError, ValueError):
                return
            if not chunk:
                return
            start = len(buffer)
            buffer += chunk
            while True:
                end = buffer.find(b"\n", start)
                if end < 0:
                    if len(buffer) > MAX_LINE:
                        log("ignored a line over %d bytes from the server", MAX_LINE)
                        buffer.clear()
                        skipping = True
                    break
                line = bytes(buffer[:end])
                del buffer[:end + 1]
                start = 0
                if skipping:
                    skipping = False
                    continue
                self._dispatch(line)

    def _dispatch(self, line):
        try:
            message = json.loads(line.decode("utf-8"))
        except ValueError as error:
            log("ignored a malformed line from the server (%s): %.200r", error, line)
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "execute":
            if isinstance(message.get("id"), str) and isinstance(message.get("code"), str):
                self.kernel.command("execute", message["id"], message["code"])
            else:
                log("ignored an execute without a string id and code")
        elif kind in ("interrupt", "restart", "shutdown"):
            self.kernel.command(kind)
        elif kind == "ping":
            self.outbox.put({"type": "pong"}, keep=False)
        elif kind == "welcome":
            pass
        else:
            log("ignored a line of unknown type %.80r", kind)

    def _resources(self):
        while not self.stopping.wait(RESOURCES_INTERVAL):
            if self.outbox.connected:
                try:
                    self.outbox.put(resources(os.getpid(), self.environment["cuda"]), keep=False)
                except Exception as error:
                    log("measuring resources: %s", error)


def main():
    """Run the agent of the session in the current directory; exits when the session ends."""
    directory = os.getcwd()
    with open(os.path.join(directory, "session.json"), encoding="utf-8") as f:
        config = json.load(f)
    with open(os.path.join(directory, "secret"), encoding="utf-8") as f:
        secret = f.read().strip()
    agent = Agent(directory, config, secret)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: agent.shutdown())
    try:
        status = agent.run()
    except KeyboardInterrupt:
        agent.shutdown()
        agent.kernel.finished.wait(30)
        status = 130
    log("exit %d", status)
    sys.exit(status)
