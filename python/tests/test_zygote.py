"""The warm-start zygote (deepforge.zygote): forked jobs behave like ``python -u main.py`` run cold.

Run with Debian's interpreter (torch lives there): ``/usr/bin/python3 -m pytest python/tests/test_zygote.py -q``.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PYTHON_ROOT = Path(__file__).resolve().parents[1]
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": os.environ.get("HOME", "/root"),
    "LANG": "C.UTF-8",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _wait(predicate, timeout=10.0, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class Zygote:
    def __init__(self, tmp):
        self.socket = str(tmp / "z.sock")
        env = dict(BASE_ENV, PYTHONPATH=str(PYTHON_ROOT))
        self.process = subprocess.Popen([sys.executable, "-u", "-m", "deepforge.zygote", self.socket,
                                         "--exit-on-stdin-eof"], cwd=str(tmp), env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.ready = json.loads(self.process.stdout.readline())

    def request(self, message, confirm_line=None):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(self.socket)
            s.sendall((json.dumps(message) + "\n").encode())
            reader = s.makefile("rb")
            reply = json.loads(reader.readline())
            if confirm_line is not None:
                s.sendall(confirm_line)
            return reply

    def fork(self, bundle, env=None):
        reply = self.request({"bundle": str(bundle), "env": dict(BASE_ENV if env is None else env)})
        assert reply["ok"], reply
        return reply["pid"]

    def stop(self):
        self.process.stdin.close()  # --exit-on-stdin-eof
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def zygote(tmp_path_factory):
    z = Zygote(tmp_path_factory.mktemp("zygote"))
    yield z
    z.stop()
    assert not os.path.exists(z.socket)


def bundle(tmp_path, code, name="b"):
    d = tmp_path / name
    d.mkdir()
    (d / "main.py").write_text(code)
    return d


def exitcode(d, timeout=10.0):
    assert _wait(lambda: (d / "exitcode").exists(), timeout), (d / "console.log").read_text()
    return (d / "exitcode").read_text()


def test_ready_line_and_no_threads_before_fork(zygote):
    assert zygote.ready["ready"] is True
    assert zygote.ready["threads"] == 1  # nothing may run beside the main thread when it forks
    ping = zygote.request({"ping": True})
    assert ping["ok"] and ping["pid"] == zygote.process.pid and ping["threads"] == 1
    print("preloaded:", zygote.ready["preloaded"], "in", zygote.ready["seconds"], "s")


def test_prints_and_exits_3(zygote, tmp_path):
    d = bundle(tmp_path, "import sys\nprint('hello out')\nprint('hello err', file=sys.stderr)\nsys.exit(3)\n")
    pgid = zygote.fork(d)
    assert pgid > 0
    assert exitcode(d) == "3\n"  # what `echo $? > exitcode.tmp && mv exitcode.tmp exitcode` writes
    assert (d / "console.log").read_text() == "hello out\nhello err\n"
    # the job records its code and the zygote, when it reaps it, records it again: await that second write too
    assert _wait(lambda: not (d / "exitcode.tmp").exists()), "exitcode.tmp left behind"
    assert (d / "exitcode").read_text() == "3\n"


def test_uncaught_exception_exits_1_with_the_jobs_traceback_only(zygote, tmp_path):
    d = bundle(tmp_path, "def f():\n    raise ValueError('path x.npy does not exist')\nf()\n")
    zygote.fork(d)
    assert exitcode(d) == "1\n"
    console = (d / "console.log").read_text()
    assert console.startswith("Traceback (most recent call last):\n")
    assert 'main.py", line 3, in <module>' in console
    assert console.rstrip().endswith("ValueError: path x.npy does not exist")
    assert "zygote" not in console


def test_sys_exit_with_a_message_and_a_syntax_error(zygote, tmp_path):
    a = bundle(tmp_path, "import sys\nsys.exit('bad input')\n", "a")
    b = bundle(tmp_path, "def (:\n", "b")
    zygote.fork(a)
    zygote.fork(b)
    assert exitcode(a) == "1\n" and (a / "console.log").read_text() == "bad input\n"
    assert exitcode(b) == "1\n"
    assert "SyntaxError" in (b / "console.log").read_text()
    assert "zygote" not in (b / "console.log").read_text()


def test_killed_by_sigkill_records_137(zygote, tmp_path):
    d = bundle(tmp_path, "import os, time\nopen('job.pid', 'w').write(str(os.getpid()))\nprint('ready')\ntime.sleep(60)\n")
    pgid = zygote.fork(d)
    assert _wait(lambda: (d / "job.pid").exists() and (d / "job.pid").read_text())
    job = int((d / "job.pid").read_text())
    assert job == pgid, "one process a job: the job leads its own process group"
    os.kill(job, signal.SIGKILL)
    assert exitcode(d) == "137\n"
    assert (d / "console.log").read_text() == "ready\n"


def test_environment_is_exactly_the_given_one(zygote, tmp_path):
    code = ("import json, os, sys\n"
            "import deepforge\n"
            "info = {'env': dict(os.environ), 'cwd': os.getcwd(), 'argv': sys.argv, 'path0': sys.path[0],\n"
            "        'file': __file__, 'name': __name__, 'deepforge': deepforge.__file__,\n"
            "        'torch': 'torch' in sys.modules, 'stdin': sys.stdin.read(),\n"
            "        'sigint': repr(__import__('signal').getsignal(2)), 'sigterm': repr(__import__('signal').getsignal(15))}\n"
            "if info['torch']:\n"
            "    import torch\n"
            "    info['threads'] = torch.get_num_threads()\n"
            "    info['torch_run'] = float(torch.ones(64, 64).matmul(torch.ones(64, 64)).sum())\n"
            "json.dump(info, open('info.json', 'w'))\n")
    d = bundle(tmp_path, code)
    (d / "deepforge").mkdir()
    (d / "deepforge" / "__init__.py").write_text("MARK = 'bundle copy'\n")
    env = dict(BASE_ENV, OMP_NUM_THREADS="2", DEEPFORGE_EVENTS=str(d / "events.jsonl"), MPLBACKEND="Agg",
               SOME_VALUE="a b\tc=d")
    zygote.fork(d, env)
    assert exitcode(d) == "0\n", (d / "console.log").read_text()
    info = json.loads((d / "info.json").read_text())
    assert info["env"] == env
    real = os.path.realpath(d)
    assert info["cwd"] == real and info["path0"] == real
    assert info["argv"] == ["main.py"] and info["name"] == "__main__"
    assert info["file"] == os.path.join(real, "main.py")
    assert info["deepforge"] == os.path.join(real, "deepforge", "__init__.py")  # the bundle's copy, not the zygote's
    assert info["stdin"] == ""
    assert info["sigint"] == repr(signal.default_int_handler) and info["sigterm"] == repr(signal.SIG_DFL)
    if info["torch"]:
        assert info["threads"] == 2
        assert info["torch_run"] == 64.0 ** 3


def test_matplotlib_backend_comes_from_the_jobs_env(zygote, tmp_path):
    if "matplotlib" not in zygote.ready["preloaded"]:
        pytest.skip("matplotlib is not installed")
    code = "import matplotlib\nimport matplotlib.pyplot as plt\nprint(matplotlib.get_backend())\n"
    d = bundle(tmp_path, code)
    zygote.fork(d, dict(BASE_ENV, MPLBACKEND="svg"))
    assert exitcode(d) == "0\n", (d / "console.log").read_text()
    assert (d / "console.log").read_text().strip().lower() == "svg"


def test_numpy_random_state_differs_between_jobs(zygote, tmp_path):
    if "numpy" not in zygote.ready["preloaded"]:
        pytest.skip("numpy is not installed")
    code = ("import random, numpy\n"
            "print(numpy.random.randint(1 << 30), numpy.random.normal(), random.getrandbits(30))\n"
            "numpy.random.seed(7)\n"
            "print(repr(numpy.random.random()), repr(numpy.random.normal()))\n")
    a, b = bundle(tmp_path, code, "a"), bundle(tmp_path, code, "b")
    zygote.fork(a)
    zygote.fork(b)
    assert exitcode(a) == "0\n" and exitcode(b) == "0\n"
    drawn_a, seeded_a = (a / "console.log").read_text().splitlines()
    drawn_b, seeded_b = (b / "console.log").read_text().splitlines()
    assert drawn_a != drawn_b
    # seeding the global generator afterwards gives what it gives in a fresh interpreter
    cold = subprocess.run([sys.executable, "-c", "import numpy\n" + code.split("\n", 2)[2]], capture_output=True,
                          text=True, check=True)
    assert seeded_a == seeded_b == cold.stdout.strip()


def test_process_group_isolation(zygote, tmp_path):
    code = ("import os, subprocess, time\n"
            "child = subprocess.Popen(['sleep', '60'])\n"
            "open('pids', 'w').write('%d %d' % (os.getpid(), child.pid))\n"
            "time.sleep(60)\n")
    d = bundle(tmp_path, code)
    pgid = zygote.fork(d)
    assert _wait(lambda: (d / "pids").exists() and len((d / "pids").read_text().split()) == 2)
    job, grandchild = map(int, (d / "pids").read_text().split())
    assert os.getsid(job) == pgid and os.getpgid(job) == pgid and os.getpgid(grandchild) == pgid
    assert os.getpgid(zygote.process.pid) != pgid and os.getsid(zygote.process.pid) != pgid
    os.killpg(pgid, signal.SIGKILL)
    assert _wait(lambda: not _alive(job) and not _alive(grandchild) and not _alive(pgid), 5)
    assert zygote.process.poll() is None  # the zygote is not in the job's group
    assert zygote.request({"ping": True})["ok"]


def test_a_job_that_ends_normally_records_its_exit_code_even_without_the_zygote(tmp_path):
    (tmp_path / "z").mkdir()
    own = Zygote(tmp_path / "z")
    d = bundle(tmp_path, "import os, sys\nprint('started')\nwhile not os.path.exists('go'):\n    pass\nsys.exit(4)\n")
    own.fork(d)
    assert _wait(lambda: (d / "console.log").exists() and (d / "console.log").read_text() == "started\n")
    own.stop()  # the zygote goes away (as with a restarted server); the job runs on
    (d / "go").write_text("")
    assert exitcode(d) == "4\n"


def test_ended_jobs_are_reaped(zygote, tmp_path):
    dirs = [bundle(tmp_path, "pass\n", "j%d" % i) for i in range(5)]
    pids = [zygote.fork(d) for d in dirs]
    for d in dirs:
        assert exitcode(d) == "0\n"

    def zombies():
        out = []
        for pid in pids:
            try:
                with open("/proc/%d/stat" % pid) as f:
                    out.append(f.read().rpartition(")")[2].split()[0])
            except OSError:
                pass
        return out

    assert _wait(lambda: zombies() == [], 3), zombies()


def test_refusals(zygote, tmp_path):
    missing = zygote.request({"bundle": str(tmp_path / "nope"), "env": BASE_ENV})
    assert missing["ok"] is False and "nope" in missing["error"]
    d = bundle(tmp_path, "pass\n")
    relative = zygote.request({"bundle": "b", "env": BASE_ENV})
    assert relative["ok"] is False
    frozen = zygote.request({"bundle": str(d), "env": dict(BASE_ENV, OPENBLAS_NUM_THREADS="4")})
    assert frozen["ok"] is False and "OPENBLAS_NUM_THREADS" in frozen["error"]
    assert zygote.request({"bundle": str(d), "env": {"A": 1}})["ok"] is False
    assert not (d / "console.log").exists() and not (d / "exitcode").exists()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(zygote.socket)
        s.sendall(b"not json\n")
        assert json.loads(s.makefile("rb").readline())["ok"] is False
    assert zygote.request({"ping": True})["ok"]


def test_an_isolating_zygote_leaves_bundles_linking_outside_what_it_shows_to_the_cold_path(tmp_path):
    sys.path.insert(0, str(PYTHON_ROOT))
    from deepforge import zygote

    runtime, library, d = tmp_path / "runtime", tmp_path / "library", bundle(tmp_path, "pass\n")
    (runtime / "deepforge").mkdir(parents=True)
    (library / "fakelib").mkdir(parents=True)
    (d / "deepforge").symlink_to(runtime / "deepforge")
    assert zygote._links_outside(str(d), (str(runtime),)) is None
    (d / "fakelib").symlink_to(library / "fakelib")
    assert zygote._links_outside(str(d), (str(runtime),)) == str(library / "fakelib")
    assert zygote._links_outside(str(d), (str(runtime), str(library))) is None


def test_confirm_runs_only_after_go(zygote, tmp_path):
    a, b = bundle(tmp_path, "print('a ran')\n", "a"), bundle(tmp_path, "print('b ran')\n", "b")
    ra = zygote.request({"bundle": str(a), "env": BASE_ENV, "confirm": True}, confirm_line=b'{"go": true}\n')
    rb = zygote.request({"bundle": str(b), "env": BASE_ENV, "confirm": True}, confirm_line=b"")  # client leaves
    assert ra["ok"] and rb["ok"]
    assert exitcode(a) == "0\n" and (a / "console.log").read_text() == "a ran\n"
    assert _wait(lambda: not _alive(rb["pid"]), 3)
    assert not (b / "console.log").exists() and not (b / "exitcode").exists()


def test_twenty_jobs_forked_from_the_zygote_all_finish(zygote, tmp_path):
    # how fast a warm dispatch is is a figure for bench/ (bench/run dag), not an assertion here
    dirs = [bundle(tmp_path, "pass\n", "l%d" % i) for i in range(20)]
    pids = [zygote.fork(d) for d in dirs]
    for d in dirs:
        assert exitcode(d) == "0\n"
    assert len(set(pids)) == len(pids), "each job is its own process"


@pytest.mark.parametrize("extra", [{}, {"LANG": "C"}, {"LC_ALL": "C"}, {"LANG": "C.UTF-8"}, {"LC_CTYPE": "POSIX"}])
def test_c_locale_coercion_matches_a_cold_interpreter(zygote, tmp_path, extra):
    env = {k: v for k, v in BASE_ENV.items() if k != "LANG"}
    env.update(extra)
    code = "import json, os\njson.dump(dict(os.environ), open('env.json', 'w'))\n"
    cold = bundle(tmp_path, code, "cold")
    subprocess.run([sys.executable, "-u", "main.py"], cwd=str(cold), env=env, check=True)
    warm = bundle(tmp_path, code, "warm")
    zygote.fork(warm, env)
    assert exitcode(warm) == "0\n", (warm / "console.log").read_text()
    assert json.loads((warm / "env.json").read_text()) == json.loads((cold / "env.json").read_text())
