"""A fake DeepForge server for the session agent's tests: it listens on the session's Unix socket,
checks the hello's secret, and records what the agent says. Everything waits on conditions."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

PYTHON_ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 90.0  # a busy 2-core machine starts kernels slowly


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_until(predicate, timeout=TIMEOUT, step=0.05, what="a condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    value = predicate()
    assert value, "timed out waiting for %s" % what
    return value


class FakeServer:
    """Listens on ``path``; answers a hello with the right secret with a welcome (or, with
    ``reject``, closes the connection). ``messages`` holds every line the agent sent after a
    welcome; ``hellos`` every hello."""

    def __init__(self, path, secret, reject=False, before_welcome=None):
        """``path``: a Unix socket's path, or ``(host, port)`` for TCP (port 0: any)."""
        self.path = path if isinstance(path, tuple) else str(path)
        self.secret, self.reject = secret, reject
        self.before_welcome = before_welcome
        self.lock = threading.Condition()
        self.messages, self.hellos = [], []
        self.connection = None
        self.listener = None
        self.open()

    def open(self):
        if isinstance(self.path, tuple):
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(self.path)
            self.path = listener.getsockname()
        else:
            if os.path.exists(self.path):
                os.unlink(self.path)
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(self.path)
        listener.listen(4)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        reader = conn.makefile("rb")
        try:
            hello = json.loads(reader.readline())
            with self.lock:
                self.hellos.append(hello)
                self.lock.notify_all()
            if self.before_welcome is not None:
                conn.sendall((json.dumps(self.before_welcome) + "\n").encode())
            if self.reject or hello.get("secret") != self.secret:
                conn.close()
                return
            with self.lock:
                self.connection = conn
            self.send({"type": "welcome"})
            for line in reader:
                with self.lock:
                    self.messages.append(json.loads(line))
                    self.lock.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            with self.lock:
                if self.connection is conn:
                    self.connection = None
            conn.close()

    def send(self, message):
        with self.lock:
            conn = self.connection
        assert conn is not None, "no agent is connected"
        conn.sendall((json.dumps(message) + "\n").encode())

    def send_raw(self, data):
        with self.lock:
            conn = self.connection
        conn.sendall(data)

    def connected(self):
        with self.lock:
            return self.connection is not None

    def close(self):
        """Stop listening and drop the agent (as a server restart does)."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            conn, self.connection = self.connection, None
        if conn is not None:
            conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def wait_for(self, predicate, timeout=TIMEOUT, what="a message"):
        """The first message (since the start) for which ``predicate`` holds."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                for message in self.messages:
                    if predicate(message):
                        return message
                left = deadline - time.monotonic()
                assert left > 0, "timed out waiting for %s; got %s" % (what, self.messages[-20:])
                self.lock.wait(min(left, 0.5))

    def outputs(self, cell):
        with self.lock:
            return [m["output"] for m in self.messages if m.get("type") == "output" and m.get("id") == cell]

    def done(self, cell, timeout=TIMEOUT):
        return self.wait_for(lambda m: m.get("type") == "done" and m.get("id") == cell, timeout,
                             "cell %s to finish" % cell)

    def run(self, cell, code, timeout=TIMEOUT):
        """Execute ``code`` as cell ``cell``; (done message, outputs)."""
        self.send({"type": "execute", "id": cell, "code": code})
        done = self.done(cell, timeout)
        return done, self.outputs(cell)

    def idle(self):
        return self.wait_for(lambda m: m == {"type": "status", "state": "idle"}, what="the kernel idle")


def session_directory(tmp_path, idle_timeout=600, secret="s3cret", connect="unix:agent.sock"):
    directory = tmp_path / "session"
    directory.mkdir()
    (directory / "main.py").write_text("from deepforge.session.agent import main; main()\n")
    (directory / "session.json").write_text(json.dumps({
        "session": "s1", "project": "p", "branch": "main", "commit": "0" * 40, "connect": connect,
        "idleTimeoutSeconds": idle_timeout, "seed": 0, "architectures": {}}))
    (directory / "secret").write_text(secret + "\n")
    os.chmod(directory / "secret", 0o600)
    for name in ("inputs", "outputs", "home"):
        (directory / name).mkdir()
    return directory


def start_agent(directory):
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONPATH": str(PYTHON_ROOT), "HOME": str(directory / "home")}
    log = open(directory / "console.log", "wb")
    try:
        return subprocess.Popen([sys.executable, "-u", "main.py"], cwd=str(directory), env=env,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()


def stop_agent(process):
    """SIGTERM (the agent stops its kernel), SIGKILL if that takes too long."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
