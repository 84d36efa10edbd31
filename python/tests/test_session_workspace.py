"""The ``df`` module of sessions (deepforge.session.workspace), called in-process with a plain namespace.

Run with Debian's interpreter: ``/usr/bin/python3 -m pytest python/tests/test_session_workspace.py -q``.
"""

import base64
import json
import sys
import types

import numpy as np
import pytest

from deepforge import serialization
from deepforge.session import workspace as df

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def session(tmp_path, monkeypatch):
    """A session directory as the working directory, a namespace and the displayed outputs."""
    monkeypatch.chdir(tmp_path)
    namespace, shown = {}, []
    monkeypatch.setattr(df, "namespace", lambda: namespace)
    monkeypatch.setattr(df, "_emit", lambda mimetype, content, text: shown.append(
        (mimetype, json.loads(json.dumps(df._finite(content), allow_nan=False)))))
    return types.SimpleNamespace(directory=tmp_path, namespace=namespace, shown=shown)


def _artifact(directory, name, value):
    return serialization.save(value, directory / "inputs" / name)["sha256"]


def test_load_binds_the_artifact_and_describes_it(session):
    value = np.array([[1.0, 2.0], [np.nan, 4.0]])
    sha256 = _artifact(session.directory, "table", value)
    df.load("x", "inputs/table", sha256)
    np.testing.assert_array_equal(session.namespace["x"], value)
    [(mimetype, description)] = session.shown
    assert mimetype == df.DESCRIBE
    assert description["expression"] == "x" and description["type"] == "numpy.ndarray"
    assert description["shape"] == [2, 2] and description["dtype"] == "float64"
    assert description["summary"] == {"min": 1.0, "max": 4.0, "mean": pytest.approx(7 / 3),
                                      "std": pytest.approx(np.std([1.0, 2.0, 4.0])), "nan": 1}
    assert "plot" not in description and "nan" in description["preview"]


def test_the_summary_of_a_large_array_is_exact(session):
    values = np.random.default_rng(2).normal(5, 3, size=(3 << 20) + 17).astype(np.float32)
    values[[3, 2 << 20]] = np.nan
    values[7] = -np.inf
    summary = df.describe(values, "v")["summary"]
    finite = values[np.isfinite(values)].astype(np.float64)
    assert summary["nan"] == 2 and summary["min"] == finite.min() and summary["max"] == finite.max()
    assert summary["mean"] == pytest.approx(finite.mean(), rel=1e-9)
    assert summary["std"] == pytest.approx(finite.std(), rel=1e-9)


def test_load_refuses_data_whose_sha256_differs(session):
    _artifact(session.directory, "table", np.arange(3))
    with pytest.raises(ValueError, match="sha256"):
        df.load("x", "inputs/table", "0" * 64)
    assert "x" not in session.namespace and session.shown == []


def test_load_refuses_a_name_that_is_no_variable(session):
    sha256 = _artifact(session.directory, "table", [1, 2])
    with pytest.raises(ValueError, match="variable name"):
        df.load("not a name", "inputs/table", sha256)


def test_explore_of_a_slice_of_a_4d_array_plots_an_image(session):
    session.namespace["x"] = np.random.default_rng(0).random((3, 20, 30, 4))
    df.explore("x[0, :, :, 2]")
    [(_, description)] = session.shown
    assert description["shape"] == [20, 30]
    plot = description["plot"]
    assert plot["kind"] == "image" and (plot["width"], plot["height"]) == (30, 20)
    assert base64.b64decode(plot["png"]).startswith(PNG)
    assert plot["min"] == pytest.approx(session.namespace["x"][0, :, :, 2].min())
    assert plot["max"] == pytest.approx(session.namespace["x"][0, :, :, 2].max())


def test_a_large_image_is_thinned_to_512_pixels_a_side(session):
    session.namespace["big"] = np.zeros((2000, 1100))
    df.explore("big", plot="image")
    plot = session.shown[0][1]["plot"]
    assert plot["width"] <= 512 and plot["height"] <= 512 and plot["height"] >= 400


def test_explore_of_a_1d_array_plots_a_line(session):
    session.namespace["y"] = np.array([3.0, 1.0, np.inf, 2.0])
    df.explore("y")
    assert session.shown[0][1]["plot"] == {"kind": "line", "y": [3.0, 1.0, None, 2.0]}


def test_a_long_line_is_thinned_to_at_most_10000_points(session):
    session.namespace["y"] = np.arange(25000)
    df.explore("y", plot="line")
    plot = session.shown[0][1]["plot"]
    assert len(plot["y"]) <= df.MAX_POINTS and len(plot["x"]) == len(plot["y"])
    assert plot["x"][1] == plot["y"][1]


def test_explore_of_an_nx3_array_plots_a_coloured_scatter(session):
    session.namespace["points"] = np.random.default_rng(1).normal(size=(30000, 3))
    session.namespace["labels"] = np.arange(30000) % 5
    df.explore("points", color="labels")
    plot = session.shown[0][1]["plot"]
    assert plot["kind"] == "scatter" and plot["dims"] == 3
    assert 0 < len(plot["points"]) <= df.MAX_POINTS and len(plot["color"]) == len(plot["points"])
    assert all(len(point) == 3 for point in plot["points"])


def test_a_colour_of_the_wrong_length_is_refused(session):
    session.namespace["points"] = np.zeros((10, 2))
    with pytest.raises(ValueError, match="one number per point"):
        df.explore("points", plot="scatter", color="[1, 2]")


def test_columns_of_a_structured_array_scatter(session):
    table = np.zeros(5, dtype=[("ra", "f8"), ("dec", "f8"), ("z", "f4")])
    table["ra"], table["dec"] = np.arange(5), np.arange(5) * 2
    session.namespace["table"] = table
    df.explore("table", columns=["ra", "dec"])
    description = session.shown[0][1]
    assert description["columns"] == ["ra", "dec", "z"]
    assert description["plot"]["points"][2] == [2.0, 4.0]


def test_explore_describes_dicts_and_tensors(session):
    torch = pytest.importorskip("torch")
    session.namespace["d"] = {"a": 1, "b": [1, 2]}
    session.namespace["t"] = torch.ones(2, 3)
    df.explore("d")
    df.explore("t")
    (_, d), (_, t) = session.shown
    assert d["type"] == "dict" and d["columns"] == ["a", "b"] and "plot" not in d
    assert t["type"] == "torch.Tensor" and t["shape"] == [2, 3] and t["dtype"] == "torch.float32"
    assert t["summary"]["mean"] == 1.0 and t["plot"]["kind"] == "image"


def test_a_pair_of_arrays_is_described_but_not_plotted_as_one(session):
    session.namespace["data"] = (np.zeros((4, 3)), np.ones((4, 3)))
    session.namespace["numbers"] = [1, 2.5, np.float32(3)]
    df.explore("data")
    df.explore("numbers")
    (_, data), (_, numbers) = session.shown
    assert data["type"] == "tuple" and data["shape"] == [2] and "plot" not in data
    assert numbers["plot"] == {"kind": "line", "y": [1.0, 2.5, 3.0]}


def test_explore_takes_expressions_only(session):
    with pytest.raises(SyntaxError):
        df.explore("x = 1")
    with pytest.raises(ValueError, match="plot must be one of"):
        df.explore("1", plot="pie")


def test_save_writes_data_and_meta_with_its_sha256(session):
    session.namespace["y"] = np.arange(6.0)
    df.save("y * 2", "doubled")
    directory = session.directory / "outputs" / "doubled"
    meta = json.loads((directory / "meta.json").read_text())
    sha256, size = serialization.file_digest(str(directory / "data"))
    assert meta == {"type": "numpy.ndarray", "sha256": sha256, "size": size}
    assert session.shown == [(df.SAVED, {"output": "doubled", "type": "numpy.ndarray", "sha256": sha256,
                                         "size": size, "variable": "y * 2"})]
    np.testing.assert_array_equal(serialization.load(directory), np.arange(6.0) * 2)
    assert sorted(p.name for p in (session.directory / "outputs").iterdir()) == ["doubled"]


def test_save_replaces_an_earlier_output_of_that_name(session):
    df.save("[1]", "same")
    df.save("[2, 3]", "same")
    assert serialization.load(session.directory / "outputs" / "same") == [2, 3]


def test_save_of_a_training_saves_its_model(session, monkeypatch):
    trainer = types.ModuleType("deepforge.session.trainer")
    trainer.trainings = {"t-1": types.SimpleNamespace(model={"weights": [1, 2]})}
    monkeypatch.setitem(sys.modules, "deepforge.session.trainer", trainer)
    # the package's attribute too: once the real trainer was imported, "from deepforge.session import trainer" reads it
    monkeypatch.setattr(sys.modules["deepforge.session"], "trainer", trainer, raising=False)
    df.save("t-1", "model")
    saved = session.shown[0][1]
    assert saved["training"] == "t-1" and "variable" not in saved and saved["type"] == "pickle"
    assert serialization.load(session.directory / "outputs" / "model") == {"weights": [1, 2]}


@pytest.mark.parametrize("name", ["", "../escape", ".hidden", "a/b", "x" * 101])
def test_save_refuses_bad_output_names(session, name):
    with pytest.raises(ValueError, match="output name"):
        df.save("1", name)
