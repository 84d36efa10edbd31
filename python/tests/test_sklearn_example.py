"""The scikit-learn library's example project "Digits: random forest vs CNN"
(python/libraries/sklearn/examples/digits-rf-vs-cnn): its files fit together, and its pipeline's
Python logic runs in-process, node after node along the connections, with the estimator pipeline
built as its generated module would build it and the CNN by the architecture interpreter of
test_examples."""
import filecmp
import importlib.util
import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
LIBRARY_DIR = PYTHON_DIR / "libraries" / "sklearn"
EXAMPLE_DIR = LIBRARY_DIR / "examples" / "digits-rf-vs-cnn"
PYTORCH_BUILTINS = PYTHON_DIR / "builtins" / "operations"
PIPELINE = "rf-vs-cnn"
TORCH_LANGUAGE = {"Input", "Output", "Reshape"}

for directory in (PYTHON_DIR, LIBRARY_DIR / "python"):
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))

from deepforge import serialization  # noqa: E402
from deepforge.analysis.interface import parse  # noqa: E402


def load_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def interfaces():
    return {p.stem: parse(p.read_text(encoding="utf-8"), p.stem)
            for p in sorted((EXAMPLE_DIR / "operations").glob("*.py"))}


def architectures():
    return {p.stem: load_json(p) for p in (EXAMPLE_DIR / "architectures").glob("*.json")}


def pipeline():
    return load_json(EXAMPLE_DIR / "pipelines" / f"{PIPELINE}.json")


def names(ports):
    return [p["name"] for p in ports]


# ------------------------------------------------------------------ the files

def test_the_project_uses_both_libraries():
    project = load_json(EXAMPLE_DIR / "project.json")
    assert project["name"] == "Digits: random forest vs CNN"
    assert project["description"]
    assert project["libraries"] == {"pytorch": "1.0.0", "sklearn": "1.0.0"}


def test_operations_are_unchanged_copies_of_the_libraries_built_ins():
    for path in sorted((EXAMPLE_DIR / "operations").iterdir()):
        own = LIBRARY_DIR / "operations" / path.name
        builtin = own if own.exists() else PYTORCH_BUILTINS / path.name
        assert builtin.exists(), f"{path.name} is no built-in operation"
        assert filecmp.cmp(path, builtin, shallow=False), f"{path.name} differs from {builtin}"
        if path.suffix == ".json" and own.exists():
            assert load_json(path)["library"] == "sklearn"


def test_operations_parse_without_errors_or_lint():
    for name, interface in interfaces().items():
        assert interface["class"] == name
        assert not interface["errors"] and not interface["syntaxError"], name
        assert not interface["lint"], (name, interface["lint"])


def test_the_random_forest_is_an_estimator_pipeline():
    forest = architectures()["random_forest"]
    assert forest["kind"] == "sklearn-pipeline" and forest["name"] == "random_forest"
    layers = forest["layers"]
    assert {l["type"] for l in layers.values()} == {"Input", "RandomForestClassifier"}
    assert [l["arguments"] for l in layers.values() if l["type"] == "Input"] == [{"features": 64}]
    estimator = build_estimator_pipeline(forest)
    assert estimator.get_params()["forest__n_estimators"] == 100
    assert estimator.get_params()["forest__random_state"] == 0


def test_the_cnn_takes_the_flat_pixels_of_the_split():
    import torch

    convnet = architectures()["convnet"]
    assert "kind" not in convnet or convnet["kind"] == "pytorch"
    for layer in convnet["layers"].values():
        assert layer["type"] in TORCH_LANGUAGE or hasattr(torch.nn, layer["type"])
        for inferred in ("in_channels", "in_features", "num_features"):
            assert inferred not in layer["arguments"], "leave inferred arguments out"
    assert build_network(convnet)(torch.zeros(5, 64)).shape == (5, 10)


def test_the_pipeline_is_wired_completely():
    ops, archs, p = interfaces(), architectures(), pipeline()
    nodes = p["nodes"]
    sources = {}
    for cid, c in p["connections"].items():
        frm, to = c["from"], c["to"]
        assert names(ops[nodes[frm["node"]]["operation"]]["outputs"]).count(frm["port"]) == 1, cid
        target = nodes[to["node"]]
        ports = names(ops[target["operation"]]["inputs"]) if "operation" in target else ["data"]
        assert to["port"] in ports, cid
        assert (to["node"], to["port"]) not in sources, f"{cid}: an input with two sources"
        sources[(to["node"], to["port"])] = (frm["node"], frm["port"])
    for nid, node in nodes.items():
        assert {"x", "y"} <= set(node["position"])
        if "output" in node:
            assert (nid, "data") in sources
            continue
        interface = ops[node["operation"]]
        for port in names(interface["inputs"]):
            assert (nid, port) in sources, f"{nid}: input {port} is not connected"
        assert set(node["attributes"]) <= set(names(interface["attributes"])), nid
        assert set(node["references"]) == set(names(interface["references"])), nid
        assert all(a in archs for a in node["references"].values()), nid
    kinds = {nodes[n]["operation"]: archs[a].get("kind", "pytorch")
             for n in nodes if "references" in nodes[n] for a in nodes[n]["references"].values()}
    assert kinds == {"FitEstimator": "sklearn-pipeline", "Train": "pytorch"}
    plot = next(n for n in nodes.values() if n.get("operation") == "PlotConfusionMatrices")
    assert (plot["attributes"]["title_a"], plot["attributes"]["title_b"]) == ("Random forest", "CNN")


def test_the_pipeline_reads_left_to_right():
    nodes, connections = pipeline()["nodes"], pipeline()["connections"].values()
    for c in connections:
        assert nodes[c["from"]["node"]]["position"]["x"] < nodes[c["to"]["node"]]["position"]["x"], c


# ------------------------------------------------------------------ running it

def build_estimator_pipeline(arch):
    """What the generated module's factory returns for a chain Input → step → … (the example's
    only shape of estimator pipeline): a fresh Pipeline, steps named as the layers are."""
    from sklearn.pipeline import Pipeline
    from sklearn.utils import all_estimators

    classes = dict(all_estimators())
    layers = arch["layers"]
    following = {c["from"]["layer"]: c["to"]["layer"] for c in arch["connections"].values()}
    (layer,) = [lid for lid, l in layers.items() if l["type"] == "Input"]
    steps = []
    while layer in following:
        layer = following[layer]
        spec = layers[layer]
        steps.append((spec.get("name") or spec["type"].lower(), classes[spec["type"]](**spec["arguments"])))
    return Pipeline(steps)


def build_network(arch):
    from archinterp import Interpreted  # the interpreter test_examples builds networks with

    return Interpreted(arch, infer=True)


def build(arch):
    if arch.get("kind") == "sklearn-pipeline":
        return build_estimator_pipeline(arch)
    import torch

    torch.manual_seed(0)
    return build_network(arch)


def operation(name):
    spec = importlib.util.spec_from_file_location("example_rf_vs_cnn_" + name,
                                                  EXAMPLE_DIR / "operations" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the example
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return getattr(module, name)


def topological(nodes, connections):
    needs = {nid: {c["from"]["node"] for c in connections if c["to"]["node"] == nid} for nid in nodes}
    order = []
    while len(order) < len(nodes):
        ready = sorted(n for n in nodes if n not in order and needs[n] <= set(order))
        assert ready, "a cycle in the pipeline"
        order.extend(ready)
    return order


def run(overrides):
    """Every node of the pipeline; returns ({node: {output: value}}, {saveName: value})."""
    ops, archs, p = interfaces(), architectures(), pipeline()
    connections = list(p["connections"].values())
    values, saved = {}, {}
    for nid in topological(p["nodes"], connections):
        node = p["nodes"][nid]
        args = {c["to"]["port"]: values[c["from"]["node"]][c["from"]["port"]]
                for c in connections if c["to"]["node"] == nid}
        if "output" in node:
            saved[node["output"]["saveName"]] = args["data"]
            continue
        name = node["operation"]
        references = {ref: build(archs[a]) for ref, a in node["references"].items()}
        attributes = dict(node["attributes"], **overrides.get(name, {}))
        result = operation(name)(**references, **attributes).execute(**args)
        outputs = names(ops[name]["outputs"])
        result = () if not outputs else (result,) if len(outputs) == 1 else result
        values[nid] = dict(zip(outputs, result))
    return values, saved


@pytest.fixture
def agg(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.close("all")
    yield plt
    plt.close("all")


@pytest.fixture
def serializer():
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the library
    try:
        import deepforge_sklearn
    finally:
        sys.dont_write_bytecode = saved
    serialization.register(deepforge_sklearn.SERIALIZER, deepforge_sklearn.is_estimator,
                           deepforge_sklearn.save, deepforge_sklearn.load)
    yield
    serialization.unregister(deepforge_sklearn.SERIALIZER)


def test_the_pipeline_runs_from_the_digits_to_the_two_confusion_matrices(agg, serializer, tmp_path):
    started = time.monotonic()
    values, saved = run({"Train": {"epochs": 2}})
    p = pipeline()["nodes"]
    by_operation = {p[n]["operation"]: v for n, v in values.items()}
    y_test = by_operation["SplitData"]["y_test"]
    forest = by_operation["PredictEstimator"]["predictions"]
    cnn = by_operation["Predict"]["predictions"]
    forest_accuracy, cnn_accuracy = np.mean(forest == y_test), np.mean(cnn == y_test)
    print(f"digits-rf-vs-cnn: random forest {forest_accuracy:.3f}, CNN (2 epochs) {cnn_accuracy:.3f}, "
          f"{time.monotonic() - started:.1f} s")
    assert len(y_test) == 450 and forest.shape == cnn.shape == (450,)
    assert forest_accuracy > 0.9
    assert cnn_accuracy > 0.5

    figures = [agg.figure(n) for n in agg.get_fignums()]
    assert len(figures) == 2  # Train's loss, the confusion matrices
    matrices = [f for f in figures if len(f.axes) == 2]
    assert len(matrices) == 1
    assert [ax.get_title().split(" (")[0] for ax in matrices[0].axes] == ["Random forest", "CNN"]

    model = saved["randomForest"]
    assert serialization.save(model, tmp_path / "randomForest")["type"] == "sklearn.estimator"
    X_test = by_operation["SplitData"]["X_test"]
    np.testing.assert_array_equal(serialization.load(tmp_path / "randomForest").predict(X_test), forest)
