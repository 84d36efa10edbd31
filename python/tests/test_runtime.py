"""Tests of the job runtime (python/deepforge: serialization, runtime, events, plotting).

Jobs run as the spec describes: a bundle in tmp_path (operations/, utils/, architectures/,
job.json, inputs/, a copy of the deepforge package and a generated-style main.py), started as
``python -u main.py`` in its directory with Debian's /usr/bin/python3, in a real subprocess.
"""
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PYTHON_DIR))

from deepforge import serialization  # noqa: E402

# Debian's interpreter (python3-torch, numpy, matplotlib); DEEPFORGE_TEST_PYTHON picks another,
# e.g. a venv with torch 2.x.
PYTHON = os.environ.get("DEEPFORGE_TEST_PYTHON") or (
    "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
HEAVY = ("numpy", "torch", "matplotlib")


# ---------------------------------------------------------------- fixtures and helpers

def _env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "MPLBACKEND", "DISPLAY") and not k.startswith("DEEPFORGE_")}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _main_py(operation, attributes, inputs, references, outputs):
    """main.py the way docs/jobs.md describes it: import the operation, load the inputs, build
    the references, run execute, save the outputs (all inside runtime.run)."""
    arguments = [f"{k}={v!r}" for k, v in attributes.items()]
    arguments += [f"{r}=runtime.build_reference({r!r})" for r in references]
    lines = [f'"""Job main: runs {operation}."""', "from deepforge import runtime", "", "",
             "def main():", f"    from operations.{operation} import {operation}", ""]
    lines += [f"    {name} = runtime.load_input({name!r})" for name in inputs]
    lines += [f"    operation = {operation}({', '.join(arguments)})",
              f"    result = operation.execute({', '.join(inputs)})"]
    if len(outputs) == 1:
        lines.append(f"    runtime.save_outputs({{{outputs[0]!r}: result}})")
    elif outputs:
        lines.append(f"    {', '.join(outputs)}, = result")
        lines.append("    runtime.save_outputs({%s})" % ", ".join(f"{o!r}: {o}" for o in outputs))
    lines += ["", "", 'if __name__ == "__main__":', "    runtime.run(main)", ""]
    return "\n".join(lines)


class Bundle:
    def __init__(self, root):
        self.root = Path(root)

    def path(self, *parts):
        return self.root.joinpath(*parts)

    def run(self, timeout=120, **env):
        process = subprocess.run([PYTHON, "-u", "main.py"], cwd=self.root, env=_env(**env),
                                 capture_output=True, text=True, timeout=timeout)
        self.returncode, self.stdout, self.stderr = (
            process.returncode, process.stdout, process.stderr)
        return self

    def results(self):
        return json.loads(self.path("results.json").read_text())

    def events(self, name="events.jsonl"):
        path = self.path(name)
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def output(self, name):
        return serialization.load(self.path("outputs", name))


def make_bundle(root, operation, code, *, attributes=None, inputs=None, outputs=(),
                references=None, utils=None, architectures=None):
    """A bundle; ``inputs`` maps names to values (saved here with serialization.save) or to
    the directory of an earlier job's output (copied, as the adapter would fetch it)."""
    root = Path(root)
    root.mkdir(parents=True)
    shutil.copytree(PYTHON_DIR / "deepforge", root / "deepforge",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for package, files in (("operations", {operation: code}), ("utils", utils),
                           ("architectures", architectures)):
        if files is None:
            continue
        (root / package).mkdir()
        (root / package / "__init__.py").write_text("")
        for name, text in files.items():
            (root / package / f"{name}.py").write_text(textwrap.dedent(text))
    for name, value in (inputs or {}).items():
        if isinstance(value, Path):
            shutil.copytree(value, root / "inputs" / name)
        else:
            serialization.save(value, root / "inputs" / name)
    job = {"execution": "e1", "job": "j-" + operation, "operation": operation,
           "attributes": attributes or {}, "inputs": list(inputs or {}),
           "outputs": list(outputs), "references": references or {}}
    (root / "job.json").write_text(json.dumps(job, indent=2))
    (root / "main.py").write_text(_main_py(operation, attributes or {}, list(inputs or {}),
                                           list(references or {}), list(outputs)))
    return Bundle(root)


SCALE = '''
    import os
    import numpy as np


    class Scale:
        def __init__(self, factor: float = 1.0):
            self.factor = factor

        def execute(self, data):
            if self.factor < 0:
                raise ValueError("path x.npy does not exist")
            print("scaling", data.shape)
            return data * self.factor, {"backend": os.environ.get("MPLBACKEND"),
                                        "shape": list(data.shape)}
'''


# ---------------------------------------------------------------- jobs

def test_job_runs_and_writes_outputs_and_results(tmp_path):
    data = np.arange(12, dtype=np.float32).reshape(3, 4)
    bundle = make_bundle(tmp_path / "job", "Scale", SCALE, attributes={"factor": 2.5},
                         inputs={"data": data}, outputs=["scaled", "info"]).run()
    assert bundle.returncode == 0, bundle.stderr
    assert "scaling (3, 4)" in bundle.stdout

    scaled = bundle.output("scaled")
    assert scaled.dtype == np.float32 and np.array_equal(scaled, data * 2.5)
    assert bundle.output("info") == {"backend": "module://deepforge.plotting", "shape": [3, 4]}

    results = bundle.results()
    assert results["status"] == "success"
    assert results["error"] is None and results["traceback"] is None
    assert isinstance(results["seconds"], (int, float)) and results["seconds"] >= 0
    for name, kind in (("scaled", "numpy.ndarray"), ("info", "pickle")):
        data_file = bundle.path("outputs", name, "data")
        meta = json.loads(bundle.path("outputs", name, "meta.json").read_text())
        expected = {"type": kind, "sha256": _sha256(data_file), "size": data_file.stat().st_size}
        assert meta == expected and results["outputs"][name] == expected
    environment = results["environment"]
    assert environment["python"] == subprocess.run(
        [PYTHON, "-c", "import platform; print(platform.python_version())"],
        capture_output=True, text=True).stdout.strip()
    assert environment["numpy"] == np.__version__
    assert environment["torch"] and environment["matplotlib"] and environment["platform"]

    # no $DEEPFORGE_EVENTS: the channel is ./events.jsonl; each output is an artifact event
    artifacts = {e["name"]: e for e in bundle.events() if e["type"] == "artifact"}
    assert artifacts["scaled"]["sha256"] == results["outputs"]["scaled"]["sha256"]
    assert artifacts["scaled"]["valueType"] == "numpy.ndarray"
    assert artifacts["info"]["size"] == results["outputs"]["info"]["size"]


def test_failing_operation_reports_the_exception(tmp_path):
    bundle = make_bundle(tmp_path / "job", "Scale", SCALE, attributes={"factor": -1.0},
                         inputs={"data": np.zeros(3)}, outputs=["scaled", "info"])
    bundle.run(DEEPFORGE_EVENTS=tmp_path / "events.jsonl")
    assert bundle.returncode == 1
    results = bundle.results()
    assert results["status"] == "failed"
    assert results["error"] == "ValueError: path x.npy does not exist"
    assert "Traceback (most recent call last)" in bundle.stderr
    assert 'operations/Scale.py", line' in bundle.stderr
    assert bundle.stderr.rstrip().endswith("ValueError: path x.npy does not exist")
    assert "in execute" in results["traceback"]
    assert results["outputs"] == {}
    assert not bundle.path("outputs").exists()


def test_missing_input_and_broken_operation_fail_cleanly(tmp_path):
    bundle = make_bundle(tmp_path / "a", "Scale", SCALE, inputs={"data": np.zeros(2)},
                         outputs=["scaled", "info"])
    shutil.rmtree(bundle.path("inputs", "data"))
    bundle.run()
    assert bundle.returncode == 1
    assert bundle.results()["error"].startswith("FileNotFoundError: input 'data' is missing")

    broken = make_bundle(tmp_path / "b", "Scale", "class Scale(:\n", outputs=["x"]).run()
    assert broken.returncode == 1 and broken.results()["status"] == "failed"
    assert broken.results()["error"].startswith("SyntaxError: ")


ARCHITECTURE = '''
    import torch


    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            torch.manual_seed(0)
            self.linear = torch.nn.Linear(3, 2)

        def forward(self, x):
            return self.linear(x) * 2
'''

INIT = '''
    import torch
    from deepforge import Architecture


    class Init:
        def __init__(self, model: Architecture, twin: Architecture, spare: Architecture = None):
            self.model = model
            self.twin = twin
            self.spare = spare

        def execute(self):
            assert self.spare is None, "an unset reference builds None"
            assert type(self.twin).__name__ == "Tiny" and self.twin is not self.model
            return self.model, self.model.linear.weight.detach().clone()
'''

APPLY = '''
    import torch


    class Apply:
        def execute(self, model, weight, x):
            assert type(model).__module__ == "architectures.a1", type(model)
            assert isinstance(weight, torch.Tensor) and not isinstance(model, torch.Tensor)
            assert torch.equal(model.linear.weight, weight)
            return model(x)
'''


def test_module_from_a_bundle_architecture_travels_between_jobs(tmp_path):
    pytest.importorskip("torch")
    first = make_bundle(tmp_path / "first", "Init", INIT, outputs=["model", "weight"],
                        references={"model": {"kind": "architecture", "module": "architectures.a1",
                                              "class": "Tiny"},
                                    # as the bundle writer has it: an id and no class
                                    "twin": {"kind": "architecture", "id": "a1",
                                             "module": "architectures.a1"},
                                    "spare": {"kind": "architecture", "id": None}},
                        architectures={"a1": ARCHITECTURE}).run()
    assert first.returncode == 0, first.stderr
    assert first.results()["outputs"]["model"]["type"] == "torch.nn.Module"
    assert first.results()["outputs"]["weight"]["type"] == "torch.Tensor"

    import torch
    x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    second = make_bundle(tmp_path / "second", "Apply", APPLY, outputs=["y"],
                         inputs={"model": first.path("outputs", "model"),
                                 "weight": first.path("outputs", "weight"), "x": x},
                         architectures={"a1": ARCHITECTURE}).run()
    assert second.returncode == 0, second.stderr
    y = second.output("y")
    torch.manual_seed(0)
    expected = torch.nn.Linear(3, 2)(x) * 2
    assert torch.allclose(y, expected)


UNITS = '''
    from deepforge.serialization import register


    class Meters:
        def __init__(self, value):
            self.value = value


    def _save(obj, path):
        with open(path, "w") as f:
            f.write("%r m\\n" % obj.value)


    def _load(path):
        with open(path) as f:
            return Meters(float(f.read().split()[0]))


    register("units.Meters", Meters, _save, _load)
'''

MEASURE = '''
    from utils.units import Meters


    class Measure:
        def execute(self):
            return Meters(12.5)
'''

DOUBLE = '''
    class Double:
        def execute(self, length):
            assert type(length).__name__ == "Meters", type(length)
            return {"twice": length.value * 2}
'''


def test_user_registered_type_from_utils(tmp_path):
    first = make_bundle(tmp_path / "first", "Measure", MEASURE, outputs=["length"],
                        utils={"units": UNITS}).run()
    assert first.returncode == 0, first.stderr
    assert json.loads(first.path("outputs", "length", "meta.json").read_text())["type"] \
        == "units.Meters"
    assert first.path("outputs", "length", "data").read_text() == "12.5 m\n"

    # the next job never imports utils.units itself: run() imports utils/ before inputs load
    second = make_bundle(tmp_path / "second", "Double", DOUBLE, outputs=["result"],
                         inputs={"length": first.path("outputs", "length")},
                         utils={"units": UNITS}).run()
    assert second.returncode == 0, second.stderr
    assert second.output("result") == {"twice": 25.0}

    # without the utils module the type is unknown, and the error names it
    third = make_bundle(tmp_path / "third", "Double", DOUBLE, outputs=["result"],
                        inputs={"length": first.path("outputs", "length")}).run()
    assert third.returncode == 1
    error = third.results()["error"]
    assert error.startswith("deepforge.serialization.UnknownTypeError") and "'units.Meters'" in error


FAKELIB = """
    from deepforge.serialization import register


    class Thing:
        def __init__(self, value):
            self.value = value


    def _save(thing, path):
        with open(path, "w") as f:
            f.write("thing:%d" % thing.value)


    def _load(path):
        with open(path) as f:
            return Thing(int(f.read()[len("thing:"):]))


    register("fakelib.Thing", Thing, _save, _load)
"""

MAKE_THING = """
    class MakeThing:
        def execute(self):
            import fakelib
            return fakelib.Thing(7)
"""

TRIPLE = """
    class Triple:
        def execute(self, thing):
            return {"module": type(thing).__module__, "value": thing.value * 3}
"""


def _with_library(bundle, libraries, package=True):
    """Puts the library package ``fakelib`` beside deepforge/ and lists ``libraries`` in job.json, as
    BundleWriter does for a project with a library (docs/libraries.md)."""
    if package:
        (bundle.path("fakelib")).mkdir()
        bundle.path("fakelib", "__init__.py").write_text(textwrap.dedent(FAKELIB))
    job = json.loads(bundle.path("job.json").read_text())
    job["libraries"] = libraries
    bundle.path("job.json").write_text(json.dumps(job))
    return bundle


def test_libraries_of_job_json_are_imported_before_inputs_load(tmp_path):
    first = _with_library(make_bundle(tmp_path / "first", "MakeThing", MAKE_THING, outputs=["thing"]),
                          ["fakelib"]).run()
    assert first.returncode == 0, first.stderr
    assert json.loads(first.path("outputs", "thing", "meta.json").read_text())["type"] == "fakelib.Thing"
    assert first.path("outputs", "thing", "data").read_text() == "thing:7"

    # the operation never imports fakelib: the runtime imported job.json's libraries before loading its input
    second = _with_library(make_bundle(tmp_path / "second", "Triple", TRIPLE, outputs=["result"],
                                       inputs={"thing": first.path("outputs", "thing")}), ["fakelib"]).run()
    assert second.returncode == 0, second.stderr
    assert second.output("result") == {"module": "fakelib", "value": 21}


def test_a_library_module_that_cannot_be_imported_fails_the_job_naming_it(tmp_path):
    bundle = _with_library(make_bundle(tmp_path / "job", "MakeThing", MAKE_THING, outputs=["thing"]),
                           ["fakelib"], package=False).run()
    assert bundle.returncode == 1
    results = bundle.results()
    assert results["status"] == "failed"
    assert results["error"].startswith("ImportError: the library module fakelib could not be imported "
                                       "(ModuleNotFoundError: No module named 'fakelib')")
    assert not bundle.path("outputs", "thing").exists()


def test_job_json_libraries_must_be_module_names(tmp_path):
    bundle = _with_library(make_bundle(tmp_path / "job", "MakeThing", MAKE_THING, outputs=["thing"]),
                           "fakelib").run()
    assert bundle.returncode == 1
    assert bundle.results()["error"].startswith('ImportError: job.json: "libraries" must be a list of module names')


# ---------------------------------------------------------------- serialization in-process

def _round_trip(tmp_path, value, kind):
    directory = tmp_path / kind.replace(".", "_")
    meta = serialization.save(value, directory)
    data_file = directory / "data"
    assert meta == {"type": kind, "sha256": _sha256(data_file), "size": data_file.stat().st_size}
    assert json.loads((directory / "meta.json").read_text()) == meta
    return serialization.load(directory)


def test_serialization_round_trips(tmp_path):
    array = np.linspace(0, 1, 10).reshape(2, 5)
    loaded = _round_trip(tmp_path / "a", array, "numpy.ndarray")
    assert loaded.dtype == array.dtype and np.array_equal(loaded, array)
    assert (tmp_path / "a" / "numpy_ndarray" / "data").read_bytes().startswith(b"\x93NUMPY")

    objects = np.array([{"a": 1}, None], dtype=object)  # not np.save-able without pickle
    assert list(_round_trip(tmp_path / "b", objects, "pickle")) == [{"a": 1}, None]

    value = {"epochs": [1, 2], "loss": [0.5, 0.25], "name": "x", "nested": ({1, 2}, None)}
    assert _round_trip(tmp_path / "c", value, "pickle") == value
    assert _round_trip(tmp_path / "d", [1, "two", 3.0], "pickle") == [1, "two", 3.0]


def test_serialization_of_torch_values(tmp_path):
    torch = pytest.importorskip("torch")
    tensor = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    loaded = _round_trip(tmp_path / "t", tensor, "torch.Tensor")
    assert loaded.dtype == torch.float64 and torch.equal(loaded, tensor)

    module = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    loaded = _round_trip(tmp_path / "m", module, "torch.nn.Module")
    assert isinstance(loaded, torch.nn.Sequential) and len(loaded) == 3
    x = torch.randn(5, 4)
    assert torch.equal(loaded(x), module(x))

    mixed = {"weights": torch.ones(2), "array": np.ones(3)}
    loaded = _round_trip(tmp_path / "p", mixed, "pickle")
    assert torch.equal(loaded["weights"], torch.ones(2)) and np.array_equal(loaded["array"], np.ones(3))


def test_user_entries_take_precedence_and_unknown_types_are_named(tmp_path):
    def save_csv(array, path):
        np.savetxt(path, array, delimiter=",")

    serialization.register("test.csv", np.ndarray, save_csv, lambda path: np.loadtxt(path, delimiter=","))
    try:
        loaded = _round_trip(tmp_path, np.eye(2), "test.csv")
        assert np.array_equal(loaded, np.eye(2))
        assert (tmp_path / "test_csv" / "data").read_text().count(",") == 2
    finally:
        assert serialization.unregister("test.csv")
    assert serialization.entry_for(np.eye(2)).name == "numpy.ndarray"

    unknown = tmp_path / "unknown"
    unknown.mkdir()
    (unknown / "data").write_bytes(b"?")
    (unknown / "meta.json").write_text('{"type": "mystery.Thing"}')
    with pytest.raises(serialization.UnknownTypeError, match=r"'mystery\.Thing'"):
        serialization.load(unknown)


# ---------------------------------------------------------------- events

EVENTS_SCRIPT = r'''
import json, os, sys, time
counts = {"writes": 0}
real_write = os.write
def counting_write(fd, data):
    counts["writes"] += 1
    return real_write(fd, data)
os.write = counting_write

from deepforge import log_metric, progress
from deepforge import events

for i in range(1000):
    log_metric("loss", 1.0 / (i + 1), step=i)
events.flush()
print("writes", counts["writes"])

log_metric("late", 7)
time.sleep(0.9)   # nothing else is logged: the buffer must still be flushed
with open(os.environ["DEEPFORGE_EVENTS"]) as f:
    print("late flushed", any('"late"' in line for line in f))

progress(3, 10, label="epochs")
print(json.dumps({"type": "metric", "name": "fake", "value": 1, "step": None, "time": 0}))
log_metric("nan", float("nan"))
for i in range(5):
    log_metric("atexit", i, step=i)   # left in the buffer: written at exit
'''


def test_events_are_batched_ordered_and_flushed(tmp_path):
    script = tmp_path / "emit.py"
    script.write_text(EVENTS_SCRIPT)
    events_file = tmp_path / "events.jsonl"
    process = subprocess.run([PYTHON, "-u", str(script)], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60,
                             env=_env(PYTHONPATH=PYTHON_DIR, DEEPFORGE_EVENTS=events_file))
    assert process.returncode == 0, process.stderr
    writes = int(process.stdout.split("writes ")[1].split()[0])
    assert 1 <= writes <= 10          # 1,000 points in a handful of writes, not 1,000
    assert "late flushed True" in process.stdout

    raw = events_file.read_text()
    assert raw.endswith("\n")
    events = [json.loads(line) for line in raw.splitlines()]
    loss = [e for e in events if e["type"] == "metric" and e["name"] == "loss"]
    assert [e["step"] for e in loss] == list(range(1000))
    assert loss[3]["value"] == pytest.approx(0.25) and isinstance(loss[3]["time"], float)
    assert [e["value"] for e in events if e.get("name") == "atexit"] == [0, 1, 2, 3, 4]
    assert [e["value"] for e in events if e.get("name") == "nan"] == [None]
    progress = [e for e in events if e["type"] == "progress"]
    assert len(progress) == 1 and progress[0]["done"] == 3 and progress[0]["total"] == 10
    assert progress[0]["label"] == "epochs"
    names = [e.get("name") for e in events]
    assert names.index("late") < events.index(progress[0]) < names.index("nan")

    # a user's print() that looks like an event stays on stdout
    assert '"name": "fake"' in process.stdout
    assert all(e.get("name") != "fake" for e in events)


def test_import_deepforge_stays_light():
    code = ("import sys, deepforge, deepforge.runtime\n"
            "from deepforge import log_metric, progress, Architecture\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    process = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, timeout=60,
                             env=_env(PYTHONPATH=PYTHON_DIR))
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "[]"


# ---------------------------------------------------------------- plots

PLOTS = '''
    import time
    import numpy as np
    import matplotlib.pyplot as plt


    class Plots:
        def __init__(self, updates: int = 25):
            self.updates = updates

        def execute(self):
            rng = np.random.default_rng(0)
            figure, axes = plt.subplots()
            axes.plot([1, 3, 2]); axes.set_title("line"); plt.show()
            figure, axes = plt.subplots()
            axes.scatter(rng.random(30), rng.random(30)); axes.set_title("scatter"); plt.show()
            figure, grid = plt.subplots(2, 2); figure.suptitle("subplots")
            for i, axes in enumerate(grid.flat):
                axes.bar(range(3), [i, 2, 1])
            plt.show()
            figure, axes = plt.subplots()
            axes.plot(range(10)); axes.axvline(4.5, color="red"); axes.set_title("axvline"); plt.show()
            figure, axes = plt.subplots()
            axes.imshow(rng.random((8, 8))); axes.set_title("imshow"); plt.show()
            figure, axes = plt.subplots()
            axes.pie([3, 2, 1], labels=["a", "b", "c"]); axes.set_title("pie"); plt.show()
            figure = plt.figure()
            axes = figure.add_subplot(projection="3d")
            axes.scatter(*rng.random((3, 40))); axes.set_title("3d"); plt.show()
            figure.savefig("saved.png")
            figure.savefig("saved.svg")

            figure, axes = plt.subplots()
            line, = axes.plot([], [], marker="o")
            axes.set_title("live loss")
            xs, start = [], time.monotonic()
            for i in range(self.updates):
                xs.append(i)
                line.set_data(xs, [1.0 / (x + 1) for x in xs])
                axes.relim(); axes.autoscale_view()
                plt.pause(0.05)
            import deepforge.plotting                  # hold back every further update
            deepforge.plotting.RATE_INTERVAL = 3600    # (deterministic even on a busy machine)
            line.set_color("red"); plt.pause(0.001)
            line.set_linewidth(3); plt.pause(0.001)    # the last state is sent at the end, final
            return time.monotonic() - start
'''


def test_plots_are_captured_as_svg(tmp_path):
    bundle = make_bundle(tmp_path / "job", "Plots", PLOTS, outputs=["seconds"]).run()
    assert bundle.returncode == 0, bundle.stderr
    assert "non-GUI backend" not in bundle.stderr
    plots = [e for e in bundle.events() if e["type"] == "plot"]
    assert all("<svg" in e["svg"] and e["svg"].rstrip().endswith("</svg>") for e in plots)
    by_title = {}
    for event in plots:
        by_title.setdefault(event["title"], []).append(event)

    static = ["line", "scatter", "subplots", "axvline", "imshow", "pie", "3d"]
    for title in static:  # each shown once; later show()s and savefig of unchanged figures skip
        assert len(by_title.get(title, [])) == 1, (title, sorted(by_title))
        assert by_title[title][0]["final"] is False
    assert len({by_title[t][0]["id"] for t in static}) == len(static)
    assert "<image" in by_title["imshow"][0]["svg"]
    assert by_title["3d"][0]["svg"].count("<path") > 40

    assert bundle.path("saved.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in bundle.path("saved.svg").read_text()

    live = by_title["live loss"]
    assert len({e["id"] for e in live}) == 1
    assert live[-1]["final"] is True and not any(e["final"] for e in live[:-1])
    assert live[-1]["svg"] != live[-2]["svg"]
    elapsed = bundle.output("seconds")
    assert 3 <= len(live) <= elapsed / 0.5 + 3
    times = [e["time"] for e in live[:-1]]
    assert all(later - earlier >= 0.45 for earlier, later in zip(times, times[1:]))
    # results.json comes last, after the final plot state
    assert bundle.path("results.json").stat().st_mtime >= bundle.path("events.jsonl").stat().st_mtime


def test_mplbackend_from_the_environment_wins(tmp_path):
    bundle = make_bundle(tmp_path / "job", "Scale", SCALE, inputs={"data": np.zeros(1)},
                         outputs=["scaled", "info"]).run(MPLBACKEND="Agg")
    assert bundle.returncode == 0, bundle.stderr
    assert bundle.output("info")["backend"] == "Agg"


STANDALONE_PLOTS = r'''
import matplotlib.pyplot as plt
import deepforge.plotting
deepforge.plotting.RATE_INTERVAL = 3600   # every update after a figure's first is held back
shown, axes = plt.subplots()
axes.plot([1, 2]); axes.set_title("shown"); plt.show()
axes.plot([2, 1]); plt.show()            # held back until exit
closed, axes = plt.subplots()
axes.plot([0, 1]); axes.set_title("closed"); plt.show()
axes.set_title("closed later"); plt.show()
plt.close(closed)                         # closing sends the held-back state
never, axes = plt.subplots()
axes.plot([3, 3]); never.suptitle("never shown")
'''


def test_plots_left_unsent_are_sent_at_exit(tmp_path):
    """A plain script (no runtime.run): the final states go out from the exit handler."""
    script = tmp_path / "plots.py"
    script.write_text(STANDALONE_PLOTS)
    process = subprocess.run([PYTHON, str(script)], cwd=tmp_path, capture_output=True, text=True,
                             timeout=60, env=_env(PYTHONPATH=PYTHON_DIR, DEEPFORGE_EVENTS=tmp_path / "events.jsonl",
                                                  MPLBACKEND="module://deepforge.plotting"))
    assert process.returncode == 0, process.stderr
    plots = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    summary = [(e["id"], e["title"], e["final"]) for e in plots]
    assert not (tmp_path.parent / "events.jsonl").exists()
    assert summary == [("1", "shown", False), ("2", "closed", False),
                       ("2", "closed later", True), ("1", "shown", True),
                       ("2", "never shown", True)]   # pyplot reuses the closed number


BACKEND = '''
    import matplotlib
    import matplotlib.pyplot as plt


    class Backend:
        def execute(self):
            plt.plot([1, 2, 3])
            plt.title("warm")
            plt.show()
            return matplotlib.get_backend()
'''


def test_capture_backend_in_an_interpreter_that_imported_matplotlib_first(tmp_path):
    """A warm interpreter (the zygote) imported matplotlib before the job: the runtime still
    selects the capture backend when the environment names none."""
    bundle = make_bundle(tmp_path / "job", "Backend", BACKEND, outputs=["backend"])
    code = ("import matplotlib.pyplot, runpy, sys\n"
            "sys.path.insert(0, '.')\n"
            "sys.argv = ['main.py']\n"
            "runpy.run_path('main.py', run_name='__main__')\n")
    process = subprocess.run([PYTHON, "-c", code], cwd=bundle.root, capture_output=True,
                             text=True, timeout=60, env=_env())
    assert process.returncode == 0, process.stderr
    assert bundle.output("backend") == "module://deepforge.plotting"
    assert [e["title"] for e in bundle.events() if e["type"] == "plot"] == ["warm"]


SCATTER3D = '''
    import numpy as np
    import matplotlib.pyplot as plt


    class Scatter3D:
        def execute(self):
            rng = np.random.default_rng(1)
            points = rng.normal(size=(300, 3)) * [1.0, 20.0, 0.001]
            error = np.abs(points[:, 0])
            figure = plt.figure()
            axes = figure.add_subplot(projection="3d")
            dots = axes.scatter(points[:, 0], points[:, 1], points[:, 2], c=error, cmap="plasma", s=9)
            figure.colorbar(dots, label="|t1|")
            axes.set_title("embedding"); axes.set_xlabel("t1"); axes.set_ylabel("t2")
            axes.set_zlabel("t3")
            plt.show()

            import deepforge.plotting
            deepforge.plotting.MAX_POINTS_3D = 100
            figure = plt.figure()
            axes = figure.add_subplot(projection="3d")
            axes.scatter(np.arange(250), np.zeros(250), np.ones(250), color="red")
            axes.set_title("many")
            plt.show()

            figure, axes = plt.subplots()
            axes.scatter(points[:, 0], points[:, 1], c=error); axes.set_title("flat")
            plt.show()
            return points.tolist(), error.tolist()
'''


def test_3d_scatter_plots_carry_their_points_and_colours(tmp_path):
    import matplotlib
    from matplotlib import colors as mcolors

    bundle = make_bundle(tmp_path / "job", "Scatter3D", SCATTER3D,
                         outputs=["points", "error"]).run()
    assert bundle.returncode == 0, bundle.stderr
    plots = {e["title"]: e for e in bundle.events() if e["type"] == "plot"}
    assert sorted(plots) == ["embedding", "flat", "many"]
    assert "data" not in plots["flat"]                      # 2-D figures: the SVG only
    assert all("<svg" in e["svg"] for e in plots.values())  # 3-D ones keep the SVG too

    data = plots["embedding"]["data"]
    assert data["kind"] == "scatter3d" and len(data["axes"]) == 1
    axes = data["axes"][0]
    assert (axes["title"], axes["xlabel"], axes["ylabel"], axes["zlabel"]) == (
        "embedding", "t1", "t2", "t3")
    [series] = axes["series"]
    points = np.array(bundle.output("points"))
    error = np.array(bundle.output("error"))
    assert len(series["x"]) == len(series["y"]) == len(series["z"]) == len(series["colors"]) == 300
    for axis, values in enumerate((series["x"], series["y"], series["z"])):  # 4 significant digits
        np.testing.assert_allclose(values, points[:, axis], rtol=6e-4)
        assert all(len(("%.6g" % abs(v)).replace(".", "").lstrip("0").split("e")[0]) <= 4
                   for v in values)
    assert series["size"] == 9
    # per point, in the data's order, the colormap applied to c= (not depth-shaded or sorted)
    cmap, norm = matplotlib.colormaps["plasma"], mcolors.Normalize(error.min(), error.max())
    expected = [mcolors.to_hex(cmap(norm(v))) for v in error]
    assert series["colors"] == expected
    assert len(set(series["colors"])) > 50
    # the colour bar: the value range, the colour map sampled from its low to its high end, the label
    bar = series["colorbar"]
    assert bar["min"] == pytest.approx(error.min(), rel=1e-3) and bar["max"] == pytest.approx(error.max(), rel=1e-3)
    assert bar["colors"][0] == mcolors.to_hex(cmap(0.0)) and bar["colors"][-1] == mcolors.to_hex(cmap(1.0))
    assert len(bar["colors"]) == 11 and bar["label"] == "|t1|"

    many = plots["many"]["data"]["axes"][0]["series"][0]      # capped by even subsampling
    assert len(many["x"]) == 100 and many["x"][0] == 0 and many["x"][-1] == 249
    assert all(0 < b - a <= 3 for a, b in zip(many["x"], many["x"][1:]))
    assert set(many["colors"]) == {"#ff0000"} and len(many["colors"]) == 100
    assert "colorbar" not in many                             # one colour, no value mapping


def test_environment_is_looked_up_once_per_process(monkeypatch):
    """A warm-start zygote looks the versions up before forking; its jobs must not pay for it again."""
    from deepforge import runtime
    monkeypatch.setattr(runtime, "_environment", None)
    first = runtime.environment()
    assert first["python"] and first["platform"]

    def slow_lookup(module):
        raise AssertionError("package metadata read again for " + module)
    monkeypatch.setattr(runtime, "_version", slow_lookup)
    again = runtime.environment()
    assert again == first
    again["python"] = "changed"
    assert runtime.environment() == first, "callers get a copy"


def test_events_outside_a_job_are_not_littered_into_the_current_directory(tmp_path):
    """An operation called from a plain script (a notebook, a test) logs metrics without a job:
    nothing is written to the current directory; inside a bundle they go to its events.jsonl."""
    script = tmp_path / "plain.py"
    script.write_text("from deepforge import events\nevents.log_metric('loss', 1.0)\nevents.flush()\n")
    env = {k: v for k, v in _env(PYTHONPATH=PYTHON_DIR).items() if k not in ("DEEPFORGE_EVENTS", "DEEPFORGE_BUNDLE")}
    process = subprocess.run([PYTHON, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert process.returncode == 0, process.stderr
    assert not (tmp_path / "events.jsonl").exists()

    job = tmp_path / "job"
    job.mkdir()
    (job / "job.json").write_text("{}")
    (job / "main.py").write_text(script.read_text())
    process = subprocess.run([PYTHON, str(job / "main.py")], cwd=tmp_path, capture_output=True, text=True,
                             timeout=60, env=env)
    assert process.returncode == 0, process.stderr
    assert not (tmp_path / "events.jsonl").exists()
    assert json.loads((job / "events.jsonl").read_text())["name"] == "loss"


def test_events_of_a_script_run_at_the_repository_root_have_no_file_there_and_go_to_the_bundle(tmp_path):
    """The event file is found from the job's bundle, never from the current directory: a script run at the
    repository root outside a job has none, and with $DEEPFORGE_BUNDLE it is the bundle's events.jsonl."""
    repository = PYTHON_DIR.parent
    ask = [PYTHON, "-c", "from deepforge import events; print(events.events_path())"]
    env = {k: v for k, v in _env(PYTHONPATH=PYTHON_DIR).items() if k not in ("DEEPFORGE_EVENTS", "DEEPFORGE_BUNDLE")}
    outside = subprocess.run(ask, cwd=repository, capture_output=True, text=True, timeout=60, env=env)
    assert outside.returncode == 0, outside.stderr
    assert outside.stdout.strip() == "None"

    inside = subprocess.run(ask, cwd=repository, capture_output=True, text=True, timeout=60,
                            env=dict(env, DEEPFORGE_BUNDLE=str(tmp_path)))
    assert inside.returncode == 0, inside.stderr
    assert inside.stdout.strip() == str(tmp_path / "events.jsonl")
    assert not (repository / "events.jsonl").exists()


def test_metric_lines_are_strict_json_for_numpy_enum_and_odd_names(tmp_path, monkeypatch):
    """log_metric formats its lines itself (for speed): what it writes must still parse as the
    numbers json.dumps would write, whatever number-like or name it was given."""
    import enum
    import numpy as np
    from deepforge import events
    monkeypatch.setenv("DEEPFORGE_EVENTS", str(tmp_path / "events.jsonl"))

    class Level(enum.IntEnum):
        HIGH = 3

    given = [("loss", np.float64(0.25), np.int64(7)), ("acc", np.float32(0.5), None), (Level.HIGH, Level.HIGH, True),
             ('quo"te\\ \u00e9\n', 1e16, 2.5), (42, float("inf"), 1), ("big", 10 ** 30, -3), ("tensor-like", np.array(1.5), 0)]
    for name, value, step in given:
        events.log_metric(name, value, step)
    events.flush()
    lines = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert [(e["name"], e["value"], e["step"]) for e in lines] == [
        ("loss", 0.25, 7), ("acc", 0.5, None), (str(Level.HIGH), 3, 1), ('quo"te\\ \u00e9\n', 1e16, 2.5),
        ("42", None, 1), ("big", 10 ** 30, -3), ("tensor-like", 1.5, 0)]
    assert all(e["type"] == "metric" and isinstance(e["time"], float) for e in lines)
