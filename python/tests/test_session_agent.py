"""The session agent (deepforge.session.agent) driving a real ipykernel for a fake server on a Unix socket.

Run with Debian's interpreter: ``/usr/bin/python3 -m pytest python/tests/test_session_agent.py -q``.
"""

import json
import re
import signal
import socket

import pytest

from deepforge.session.agent import STREAM_CHUNK, Outbox, fit_data
from sessionfake import FakeServer, alive, session_directory, start_agent, stop_agent, wait_until

SECRET = "s3cret"
DESCRIBE = "application/vnd.deepforge.describe+json"


class Session:
    def __init__(self, directory, server, process):
        self.directory, self.server, self.process = directory, server, process

    def kernel_pid(self, cell):
        done, outputs = self.server.run(cell, "import os; os.getpid()")
        assert done["status"] == "ok", outputs
        return int(outputs[-1]["data"]["text/plain"])


def _start(tmp_path, **options):
    directory = session_directory(tmp_path, secret=SECRET, **options)
    server = FakeServer(directory / "agent.sock", SECRET)
    process = start_agent(directory)
    return Session(directory, server, process)


def _stop(session):
    stop_agent(session.process)
    session.server.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One agent for the tests that leave its kernel as they found it."""
    session = _start(tmp_path_factory.mktemp("shared"))
    session.server.idle()
    yield session
    _stop(session)


@pytest.fixture
def own(tmp_path):
    session = _start(tmp_path)
    session.server.idle()
    yield session
    _stop(session)


def test_the_hello_carries_the_secret_pid_and_environment(shared):
    hello = shared.server.hellos[0]
    assert hello["type"] == "hello" and hello["session"] == "s1" and hello["secret"] == SECRET
    assert hello["protocol"] == 1 and hello["pid"] == shared.process.pid
    environment = hello["environment"]
    assert re.match(r"3\.\d+", environment["python"])
    assert environment["ipykernel"].startswith("6.") and environment["numpy"]
    assert isinstance(environment["cuda"], bool)


def test_a_cell_gives_its_result_and_execution_count(shared):
    done, outputs = shared.server.run("add", "1+1")
    assert done["status"] == "ok" and isinstance(done["executionCount"], int)
    assert outputs == [{"kind": "result", "executionCount": done["executionCount"],
                        "data": {"text/plain": "2"}}]


def test_prints_are_streams(shared):
    done, outputs = shared.server.run("print", "import sys\nprint('hello')\nprint('oops', file=sys.stderr)")
    assert done["status"] == "ok"
    text = {name: "".join(o["text"] for o in outputs if o["name"] == name) for name in ("stdout", "stderr")}
    assert text == {"stdout": "hello\n", "stderr": "oops\n"}


def test_long_output_comes_in_chunks(shared):
    done, outputs = shared.server.run("long", "print('x' * 3000000)")
    assert done["status"] == "ok"
    assert all(len(o["text"]) <= STREAM_CHUNK for o in outputs) and len(outputs) >= 3
    assert "".join(o["text"] for o in outputs) == "x" * 3000000 + "\n"


def test_an_exception_is_an_error_with_a_plain_traceback(shared):
    done, outputs = shared.server.run("divide", "1/0")
    assert done["status"] == "error"
    [error] = outputs
    assert error["kind"] == "error" and error["ename"] == "ZeroDivisionError"
    assert error["evalue"] == "division by zero"
    assert any("1/0" in line for line in error["traceback"])
    assert not any("\x1b" in line for line in error["traceback"])


def test_a_figure_is_displayed_as_png(shared):
    done, outputs = shared.server.run(
        "figure", "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()")
    assert done["status"] == "ok"
    images = [o for o in outputs if o["kind"] == "display" and "image/png" in o["data"]]
    assert len(images) == 1 and images[0]["data"]["image/png"].startswith("iVBOR")


def test_importing_torch_prints_nothing(shared):
    done, outputs = shared.server.run("torch", "import torch")
    assert done["status"] == "ok" and outputs == []


def test_an_updated_display_is_a_display(shared):
    done, outputs = shared.server.run(
        "update", "from IPython.display import display\nh = display('first', display_id=True)\nh.update('second')")
    assert done["status"] == "ok"
    assert [o["data"]["text/plain"] for o in outputs if o["kind"] == "display"] == ["'first'", "'second'"]


def test_cells_run_one_at_a_time_in_the_order_sent(shared):
    for i in range(4):
        shared.server.send({"type": "execute", "id": "order%d" % i,
                            "code": "order = globals().get('order', []) + [%d]; order" % i})
    counts = [shared.server.done("order%d" % i)["executionCount"] for i in range(4)]
    assert counts == sorted(counts) and len(set(counts)) == 4
    assert shared.server.outputs("order3")[-1]["data"]["text/plain"] == "[0, 1, 2, 3]"
    dones = [m["id"] for m in shared.server.messages if m["type"] == "done" and m["id"].startswith("order")]
    assert dones == ["order0", "order1", "order2", "order3"]


def test_an_interrupt_stops_the_running_cell_with_keyboard_interrupt(shared):
    shared.server.run("before", "kept = 7")
    shared.server.send({"type": "execute", "id": "spin", "code": "print('spinning', flush=True)\nwhile True: pass"})
    wait_until(lambda: shared.server.outputs("spin"), what="the cell to start")
    shared.server.send({"type": "interrupt"})
    done = shared.server.done("spin")
    assert done["status"] in ("error", "aborted")
    assert [o["ename"] for o in shared.server.outputs("spin") if o["kind"] == "error"] == ["KeyboardInterrupt"]
    done, outputs = shared.server.run("after", "kept")
    assert done["status"] == "ok" and outputs[-1]["data"]["text/plain"] == "7"


def test_the_kernel_runs_in_the_session_directory_without_the_secret(shared):
    done, outputs = shared.server.run("env", "import os, sys, json\njson.dumps([os.getcwd(), os.environ['HOME'], "
                                              "[k for k, v in os.environ.items() if %r in v], sys.path[0]])" % SECRET)
    assert done["status"] == "ok", outputs
    cwd, home, leaking, first = json.loads(eval(outputs[-1]["data"]["text/plain"]))
    assert cwd == str(shared.directory) and home == str(shared.directory / "home")
    assert leaking == [] and first in ("", str(shared.directory))


def test_the_kernel_is_seeded_with_the_sessions_seed_again_after_a_restart(own):
    import random
    import numpy
    random.seed(0)
    numpy.random.seed(0)
    expected = [random.random(), float(numpy.random.rand())]
    draw = "import random, numpy\n[random.random(), float(numpy.random.rand())]"
    done, outputs = own.server.run("draw", draw)
    assert done["status"] == "ok", outputs
    assert eval(outputs[-1]["data"]["text/plain"]) == expected
    own.server.send({"type": "restart"})
    own.server.wait_for(lambda m: m == {"type": "status", "state": "restarting"}, what="restarting")
    done, outputs = own.server.run("again", draw)
    assert done["status"] == "ok", outputs
    assert eval(outputs[-1]["data"]["text/plain"]) == expected


def test_df_is_bound_and_explore_displays_a_description_with_a_plot(shared):
    shared.server.run("array", "import numpy as np\nx = np.arange(2 * 5 * 6 * 3, dtype=float).reshape(2, 5, 6, 3)")
    done, outputs = shared.server.run("explore", "df.explore('x[0, :, :, 2]')")
    assert done["status"] == "ok", outputs
    [display] = [o for o in outputs if o["kind"] == "display"]
    description = display["data"][DESCRIBE]
    assert description["expression"] == "x[0, :, :, 2]" and description["shape"] == [5, 6]
    assert description["plot"]["kind"] == "image"
    assert (description["plot"]["width"], description["plot"]["height"]) == (6, 5)


def test_malformed_lines_are_ignored(shared):
    shared.server.send_raw(b"not json\n[1, 2]\n{\"type\": \"bogus\"}\n{\"type\": \"execute\", \"id\": 3}\n")
    shared.server.send({"type": "ping"})
    shared.server.wait_for(lambda m: m["type"] == "pong", what="a pong")
    assert shared.process.poll() is None
    done, _ = shared.server.run("still", "1")
    assert done["status"] == "ok"


def test_a_line_over_16_mib_is_ignored(shared):
    shared.server.send_raw(b'{"type": "execute", "id": "huge", "code": "' + b"1" * (17 << 20) + b'"}\n')
    shared.server.send({"type": "ping"})
    shared.server.wait_for(lambda m: m["type"] == "pong", what="a pong")
    done, _ = shared.server.run("after-huge", "2")
    assert done["status"] == "ok" and shared.server.outputs("huge") == []


def test_unicode_passes_both_ways(shared):
    done, outputs = shared.server.run("unicode", "print('Ωμέγα ✓ \\udcff'); 'naïve 🚀'")
    assert done["status"] == "ok"
    assert outputs[0]["text"].startswith("Ωμέγα ✓ ")
    assert outputs[-1]["data"]["text/plain"] == "'naïve 🚀'"


def test_resources_are_reported_while_connected(shared):
    message = shared.server.wait_for(lambda m: m["type"] == "resources", what="resources")
    assert message["rssBytes"] > 10 << 20 and message["cpuSeconds"] > 0
    assert isinstance(message["cuda"], bool)


def test_a_wrong_secret_runs_no_cell_and_the_agent_keeps_trying(tmp_path):
    directory = session_directory(tmp_path, secret="not-the-server's")
    marker = directory / "ran"
    server = FakeServer(directory / "agent.sock", SECRET, before_welcome={
        "type": "execute", "id": "sneaky", "code": "open(%r, 'w').close()" % str(marker)})
    process = start_agent(directory)
    try:
        wait_until(lambda: len(server.hellos) >= 3, what="the agent to try again")
        assert server.messages == [] and not marker.exists()
        assert process.poll() is None
    finally:
        stop_agent(process)
        server.close()


def test_a_restart_aborts_the_running_and_queued_cells_and_forgets_variables(own):
    server = own.server
    server.run("set", "a = 5")
    old = own.kernel_pid("pid1")
    server.send({"type": "execute", "id": "long", "code": "print('started', flush=True)\nwhile True: pass"})
    server.send({"type": "execute", "id": "queued", "code": "a"})
    wait_until(lambda: server.outputs("long"), what="the long cell to start")
    server.send({"type": "restart"})
    assert server.done("long")["status"] == "aborted"
    assert server.done("queued")["status"] == "aborted"
    server.wait_for(lambda m: m == {"type": "status", "state": "restarting"}, what="restarting")
    done, outputs = server.run("forgotten", "a")
    assert done["status"] == "error" and outputs[-1]["ename"] == "NameError"
    done, outputs = server.run("df", "df.__name__")
    assert outputs[-1]["data"]["text/plain"] == "'deepforge.session.workspace'"
    assert own.kernel_pid("pid2") != old
    wait_until(lambda: not alive(old), what="the old kernel to be gone")


def test_a_reconnection_keeps_the_variables_and_the_output_produced_meanwhile(own):
    server, go = own.server, own.directory / "go"
    server.run("set", "b = 41")
    server.send({"type": "execute", "id": "waits", "code":
                 "import os, time\nprint('waiting', flush=True)\n"
                 "while not os.path.exists('go'): time.sleep(0.02)\nprint('went')\nb + 1"})
    wait_until(lambda: server.outputs("waits"), what="the cell to start")
    hellos = len(server.hellos)
    server.close()
    go.touch()
    server.open()
    wait_until(lambda: len(server.hellos) > hellos and server.connected(), what="the agent to reconnect")
    assert server.done("waits")["status"] == "ok"
    outputs = server.outputs("waits")
    assert "".join(o["text"] for o in outputs if o["kind"] == "stream") == "waiting\nwent\n"
    assert outputs[-1]["data"]["text/plain"] == "42"
    done, outputs = server.run("again", "b")
    assert outputs[-1]["data"]["text/plain"] == "41"


def test_a_kernel_that_dies_is_reported_and_started_again(own):
    server = own.server
    done, outputs = server.run("die", "import os\nos._exit(3)")
    assert done["status"] == "error"
    assert [o["ename"] for o in outputs if o["kind"] == "error"] == ["KernelDied"]
    server.wait_for(lambda m: m == {"type": "status", "state": "dead"}, what="the dead status")
    done, outputs = server.run("alive", "df.__name__")
    assert done["status"] == "ok", outputs


def test_shutdown_stops_the_kernel_the_processes_it_started_and_the_agent(own):
    kernel = own.kernel_pid("pid")
    done, outputs = own.server.run("child", "import subprocess\nsubprocess.Popen(['sh', '-c', 'trap \"\" INT TERM; sleep 600']).pid")
    child = int(outputs[-1]["data"]["text/plain"])
    assert alive(child)
    own.server.send({"type": "shutdown"})
    assert own.process.wait(120) == 0
    wait_until(lambda: not alive(kernel), what="the kernel to be gone")
    wait_until(lambda: not alive(child), what="the kernel's child to be gone")
    log = (own.directory / "console.log").read_text()
    assert "Traceback" not in log and "zmq" not in log.lower(), log


def test_an_agent_that_cannot_reach_the_server_exits_after_the_idle_timeout(tmp_path):
    directory = session_directory(tmp_path, idle_timeout=3)
    process = start_agent(directory)
    try:
        assert process.wait(120) == 0
        log = (directory / "console.log").read_text()
        kernel = re.search(r"kernel (\d+) started", log)
        assert kernel and "unreachable" in log, log
        wait_until(lambda: not alive(int(kernel.group(1))), what="the kernel to be gone")
    finally:
        stop_agent(process)


def test_the_agent_connects_over_tcp_too(tmp_path):
    server = FakeServer(("127.0.0.1", 0), SECRET)
    directory = session_directory(tmp_path, secret=SECRET, connect="tcp:127.0.0.1:%d" % server.path[1])
    process = start_agent(directory)
    try:
        server.idle()
        done, outputs = server.run("tcp", "6 * 7")
        assert done["status"] == "ok" and outputs[-1]["data"]["text/plain"] == "42"
    finally:
        stop_agent(process)
        server.close()


def test_sigterm_stops_the_kernel_and_the_agent(own):
    kernel = own.kernel_pid("pid")
    own.process.send_signal(signal.SIGTERM)
    assert own.process.wait(120) == 0
    wait_until(lambda: not alive(kernel), what="the kernel to be gone")


def test_the_status_is_said_again_after_a_reconnection(own):
    hellos = len(own.server.hellos)
    own.server.close()
    own.server.open()
    wait_until(lambda: len(own.server.hellos) > hellos, what="a new hello")
    count = lambda: sum(m == {"type": "status", "state": "idle"} for m in own.server.messages)
    wait_until(lambda: count() >= 2, what="the idle status again")


def _lines(sock):
    data = b""
    sock.settimeout(10)
    while True:
        chunk = sock.recv(1 << 16)
        if not chunk:
            return [json.loads(line) for line in data.splitlines()]
        data += chunk


def test_output_kept_while_disconnected_loses_its_oldest_stream_text_first():
    outbox = Outbox(limit=20000)
    for i in range(100):
        outbox.put({"type": "output", "id": "c", "output": {"kind": "stream", "name": "stdout",
                                                           "text": "%04d" % i + "x" * 996}})
    outbox.put({"type": "done", "id": "c", "status": "ok", "executionCount": 1})
    outbox.put({"type": "resources", "rssBytes": 1, "cpuSeconds": 0, "cuda": False}, keep=False)
    ours, theirs = socket.socketpair()
    outbox.attach(ours)
    assert outbox.drain(30)
    outbox.detach(ours)
    outbox.close()
    lines = _lines(theirs)
    note, *streams, done = lines
    assert note["output"]["name"] == "stderr" and "were dropped" in note["output"]["text"]
    assert 5 <= len(streams) <= 20 and streams[-1]["output"]["text"].startswith("0099")
    assert done["type"] == "done"


def test_a_display_too_large_for_a_line_loses_its_largest_representation():
    data = fit_data({"text/plain": "<Figure>", "image/png": "A" * 5000, "text/html": "<b>x</b>"}, limit=1000)
    assert "image/png" not in data and data["text/html"] == "<b>x</b>"
    assert data["text/plain"].startswith("<Figure>\n[deepforge: omitted image/png")
