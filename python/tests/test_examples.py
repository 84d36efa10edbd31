"""Tests of the example projects in python/examples (digits, redshift).

Each example is a directory laid out like a project repository. A tiny runner here reads it,
builds each referenced architecture with a small interpreter of the architecture JSON, imports
the operations and runs a pipeline's nodes in topological order, passing outputs along the
connections, with small settings.
"""
import ast
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = PYTHON_DIR / "examples"
EXAMPLES = ["digits", "redshift"]

if str(PYTHON_DIR) not in sys.path:  # operations import the deepforge package
    sys.path.insert(0, str(PYTHON_DIR))

LANGUAGE = {"Input", "Output", "Concatenate", "Add", "Multiply", "Mean", "Reshape", "Split", "Shared"}


# ------------------------------------------------------------------ reading an example

def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def interface(path):
    """(class name, attributes, references, inputs, outputs) of an operation file, parsed with ast."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert len(classes) == 1, f"{path}: one class per file"
    cls = classes[0]
    methods = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}
    assert "execute" in methods, f"{path}: no execute method"
    attributes, references = [], []
    if "__init__" in methods:
        for arg in methods["__init__"].args.args[1:]:
            annotation = ast.unparse(arg.annotation) if arg.annotation else ""
            (references if "Architecture" in annotation else attributes).append(arg.arg)
    inputs = [a.arg for a in methods["execute"].args.args[1:]]
    returns = [n for n in ast.walk(methods["execute"]) if isinstance(n, ast.Return) and n.value]
    outputs = []
    for ret in returns:
        values = ret.value.elts if isinstance(ret.value, ast.Tuple) else [ret.value]
        names = [v.id if isinstance(v, ast.Name) else None for v in values]
        assert None not in names, f"{path}: return named variables ({ast.unparse(ret)})"
        assert not outputs or outputs == names, f"{path}: returns disagree"
        outputs = names
    return cls.name, attributes, references, inputs, outputs


def read_example(example):
    root = EXAMPLES_DIR / example
    project = load_json(root / "project.json")
    operations = {}
    for path in sorted((root / "operations").glob("*.py")):
        operations[path.stem] = interface(path)
    architectures = {p.stem: load_json(p) for p in (root / "architectures").glob("*.json")}
    pipelines = {p.stem: load_json(p) for p in (root / "pipelines").glob("*.json")}
    return root, project, operations, architectures, pipelines


# ------------------------------------------------------------------ architecture interpreter

def build_architecture(arch):
    """A torch.nn.Module that runs the architecture JSON; inferred arguments (in_channels, ...)
    are filled in by running a zeros tensor of each Input's shape through the layers."""
    from archinterp import Interpreted  # imports torch, which the structural tests do without
    return Interpreted(arch, infer=True)


# ------------------------------------------------------------------ pipeline runner

def import_operation(root, name):
    spec = importlib.util.spec_from_file_location(f"example_{root.name}_{name}",
                                                  root / "operations" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in examples
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return getattr(module, name)


def topological(pipeline):
    nodes = pipeline["nodes"]
    deps = {nid: set() for nid in nodes}
    for c in pipeline["connections"].values():
        deps[c["to"]["node"]].add(c["from"]["node"])
    order, done = [], set()
    while len(order) < len(nodes):
        ready = sorted(n for n in nodes if n not in done and deps[n] <= done)
        assert ready, "a cycle in the pipeline"
        order.extend(ready)
        done.update(ready)
    return order


def run_pipeline(example, pipeline_id, overrides, workdir):
    """Run every node; returns ({node: {port: value}}, {saveName: value}, {node: seconds})."""
    import torch

    root, _, operations, architectures, pipelines = read_example(example)
    pipeline = pipelines[pipeline_id]
    values, saved, seconds = {}, {}, {}
    incoming = {}
    for c in pipeline["connections"].values():
        incoming.setdefault(c["to"]["node"], {})[c["to"]["port"]] = (c["from"]["node"], c["from"]["port"])
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        for nid in topological(pipeline):
            node = pipeline["nodes"][nid]
            args = {port: values[src][sport] for port, (src, sport) in incoming.get(nid, {}).items()}
            if "output" in node:
                saved[node["output"]["saveName"]] = args["data"]
                continue
            name = node["operation"]
            _, _, _, _, outputs = operations[name]
            attributes = dict(node.get("attributes", {}))
            attributes.update(overrides.get(name, {}))
            references = {}
            for ref, arch_id in node.get("references", {}).items():
                torch.manual_seed(0)
                references[ref] = build_architecture(architectures[arch_id])
            started = time.monotonic()
            instance = import_operation(root, name)(**references, **attributes)
            result = instance.execute(**args)
            seconds[nid] = time.monotonic() - started
            if len(outputs) == 1:
                result = (result,)
            elif not outputs:
                result = ()
            assert len(result) == len(outputs), f"{name}: returned {len(result)} values"
            values[nid] = dict(zip(outputs, result))
    finally:
        os.chdir(cwd)
    return values, saved, seconds


@pytest.fixture
def agg(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.close("all")
    yield plt
    plt.close("all")


# ------------------------------------------------------------------ static checks

@pytest.mark.parametrize("example", EXAMPLES)
def test_example_is_a_valid_project(example):
    root, project, operations, architectures, pipelines = read_example(example)
    assert project["name"] and project["description"]
    assert operations and architectures and pipelines
    for name, (cls, attributes, references, inputs, outputs) in operations.items():
        assert cls == name, f"{name}.py defines class {cls}"
        meta = load_json(root / "operations" / f"{name}.json")
        assert isinstance(meta["requirements"], list) and meta["description"]
        tree = ast.parse((root / "operations" / f"{name}.py").read_text(encoding="utf-8"))
        assert ast.get_docstring(tree.body[-1] if isinstance(tree.body[-1], ast.ClassDef)
                                 else [n for n in tree.body if isinstance(n, ast.ClassDef)][0])
    for arch_id, arch in architectures.items():
        assert arch["name"] == arch_id
        for layer in arch["layers"].values():
            assert layer["type"] in LANGUAGE or hasattr(__import__("torch").nn, layer["type"])
            for inferred in ("in_channels", "in_features", "num_features"):
                assert inferred not in layer["arguments"], "leave inferred arguments out"
    for pid, pipeline in pipelines.items():
        nodes = pipeline["nodes"]
        for nid, node in nodes.items():
            assert {"x", "y"} <= set(node["position"])
            if "operation" in node:
                _, attributes, references, _, _ = operations[node["operation"]]
                assert set(node["attributes"]) <= set(attributes), f"{pid}.{nid}: unknown attribute"
                assert set(node["references"]) == set(references), f"{pid}.{nid}: references"
                for arch_id in node["references"].values():
                    assert arch_id in architectures, f"{pid}.{nid}: no architecture {arch_id}"
            else:
                assert node["output"]["saveName"]
        sources = set()
        for cid, c in pipeline["connections"].items():
            frm, to = c["from"], c["to"]
            assert frm["node"] in nodes and to["node"] in nodes, f"{pid}.{cid}: unknown node"
            src, dst = nodes[frm["node"]], nodes[to["node"]]
            assert "operation" in src, f"{pid}.{cid}: connections start at an operation"
            assert frm["port"] in operations[src["operation"]][4], f"{pid}.{cid}: no output {frm}"
            if "operation" in dst:
                assert to["port"] in operations[dst["operation"]][3], f"{pid}.{cid}: no input {to}"
            else:
                assert to["port"] == "data"
            assert (to["node"], to["port"]) not in sources, f"{pid}.{cid}: input with two sources"
            sources.add((to["node"], to["port"]))
        for nid, node in nodes.items():  # every input is connected (a run refuses otherwise)
            needed = operations[node["operation"]][3] if "operation" in node else ["data"]
            for port in needed:
                assert (nid, port) in sources, f"{pid}.{nid}: input {port} is not connected"
        topological(pipeline)


def test_architecture_shapes():
    _, _, _, digits, _ = read_example("digits")
    _, _, _, redshift, _ = read_example("redshift")
    import torch
    convnet = build_architecture(digits["convnet"])
    assert convnet(torch.zeros(3, 1, 8, 8)).shape == (3, 10)
    inception = build_architecture(redshift["inception"])
    assert inception(torch.zeros(2, 5, 64, 64)).shape == (2, 32)
    concats = [l for l in redshift["inception"]["layers"].values() if l["type"] == "Concatenate"]
    assert len(concats) == 2


# ------------------------------------------------------------------ running the pipelines

def test_digits_pipeline(agg, tmp_path):
    started = time.monotonic()
    values, saved, _ = run_pipeline("digits", "train-and-score", {"Train": {"epochs": 3}}, tmp_path)
    metrics = values["n3"]["metrics"]
    print(f"digits: accuracy {metrics['accuracy']:.3f}, loss {metrics['loss']:.3f}, "
          f"{time.monotonic() - started:.1f} s")
    assert set(values) == {"n1", "n2", "n3"}
    assert "myModel" in saved and isinstance(saved["myModel"], __import__("torch").nn.Module)
    assert agg.get_fignums(), "Train draws its loss figure"
    assert metrics["accuracy"] > 0.8


def test_redshift_pipeline(agg, tmp_path):
    started = time.monotonic()
    overrides = {"SyntheticSkySurvey": {"count": 600}, "TrainValidate": {"epochs": 4}}
    values, saved, seconds = run_pipeline("redshift", "redshift", overrides, tmp_path)
    metrics = values["n3"]["metrics"]
    print(f"redshift: MAE {metrics['mae']:.4f} vs baseline {metrics['baseline_mae']:.4f}, "
          f"{time.monotonic() - started:.1f} s; per node "
          + ", ".join(f"{n} {s:.1f} s" for n, s in seconds.items()))
    assert set(values) == {"n1", "n2", "n3", "n4", "n5", "n6"}
    assert len(list((tmp_path / "sky_survey").glob("*.fits"))) == 600 * 5
    assert values["n2"]["cubes"].shape == (600, 5, 64, 64)
    assert values["n2"]["cubes"].dtype.name == "float32"
    val = values["n3"]
    count = len(val["truth"])
    assert count == 120
    assert val["predictions"].shape == (count, 32)
    assert abs(val["predictions"].sum(axis=1) - 1).max() < 1e-4
    assert val["features"].shape == (count, 256)
    assert values["n5"]["embedding"].shape == (count, 3)
    assert {"redshiftModel", "metrics"} <= set(saved)
    figures = [agg.figure(n) for n in agg.get_fignums()]
    assert len(figures) == 3  # the loss figure, the predictions, the embedding
    assert any(ax.name == "3d" for f in figures for ax in f.axes)
    assert metrics["mae"] < metrics["baseline_mae"]
