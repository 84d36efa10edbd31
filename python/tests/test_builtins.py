"""Tests of the built-in operations in python/builtins/operations, on tiny generated data."""
import ast
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
OPERATIONS_DIR = PYTHON_DIR / "builtins" / "operations"

EXPECTED = {  # name -> (category, outputs in the order execute returns them)
    "LoadArray": ("Data", ["data"]),
    "LoadFITS": ("Data", ["images", "headers"]),
    "TrainTestSplit": ("Data", ["train_data", "test_data", "train_labels", "test_labels"]),
    "Train": ("Training", ["model", "history"]),
    "Evaluate": ("Evaluation", ["metrics"]),
    "Predict": ("Evaluation", ["predictions"]),
    "ReduceDimensions": ("Data", ["embedding"]),
    "PlotPredictions": ("Visualization", []),
    "PlotEmbeddings3D": ("Visualization", []),
}

STUB = '''
"""Throwaway stand-in for the deepforge package, used only by test_builtins.py."""
class Architecture:
    pass

class Range:
    def __init__(self, min=None, max=None):
        self.min, self.max = min, max

class Choices:
    def __init__(self, *choices):
        self.choices = choices
'''


def _deepforge_path():
    """The sys.path entries that make `import deepforge` work: python/, plus a stub
    outside the repository while the real package has no __init__.py yet."""
    if (PYTHON_DIR / "deepforge" / "__init__.py").exists():
        return [str(PYTHON_DIR)]
    stub_root = Path(tempfile.mkdtemp(prefix="deepforge-stub-"))
    (stub_root / "deepforge").mkdir()
    (stub_root / "deepforge" / "__init__.py").write_text(STUB)
    for name in [m for m in sys.modules if m == "deepforge" or m.startswith("deepforge.")]:
        del sys.modules[name]
    return [str(stub_root), str(PYTHON_DIR)]


DEEPFORGE_PATH = _deepforge_path()
for entry in reversed(DEEPFORGE_PATH):
    if entry not in sys.path:
        sys.path.insert(0, entry)


def load(name):
    """Import operations/<name>.py as a fresh module and return its class."""
    spec = importlib.util.spec_from_file_location(f"builtin_op_{name}", OPERATIONS_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


@pytest.fixture(autouse=True)
def agg_backend(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    import matplotlib
    if matplotlib.get_backend().lower() != "agg":
        import matplotlib.pyplot as plt
        plt.switch_backend("Agg")
    import matplotlib.pyplot as plt
    plt.close("all")
    yield plt
    plt.close("all")


# ---------------------------------------------------------------------------- the files

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_operation_files_declare_one_documented_class_with_the_expected_outputs(name):
    code = (OPERATIONS_DIR / f"{name}.py").read_text()
    tree = ast.parse(code)
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    assert [c.name for c in classes] == [name]
    assert ast.get_docstring(classes[0])
    execute = next(n for n in classes[0].body if isinstance(n, ast.FunctionDef) and n.name == "execute")
    returns = [n for n in ast.walk(execute) if isinstance(n, ast.Return)]
    outputs = set()
    for node in returns:
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        outputs.add(tuple(v.id if isinstance(v, ast.Name) else None for v in values))
    assert outputs == ({tuple(EXPECTED[name][1])} if EXPECTED[name][1] else set())

    meta = json.loads((OPERATIONS_DIR / f"{name}.json").read_text())
    assert set(meta) == {"description", "requirements", "category"}
    assert meta["description"] and meta["category"] == EXPECTED[name][0]
    assert "numpy" in meta["requirements"]


def test_every_operation_file_is_listed():
    assert {p.stem for p in OPERATIONS_DIR.glob("*.py")} == set(EXPECTED)
    assert {p.stem for p in OPERATIONS_DIR.glob("*.json")} == set(EXPECTED)


def test_importing_the_operations_loads_no_heavy_library():
    script = textwrap.dedent(f"""
        import importlib.util, sys
        for name in {sorted(EXPECTED)!r}:
            spec = importlib.util.spec_from_file_location(name, {str(OPERATIONS_DIR)!r} + "/" + name + ".py")
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
        heavy = [m for m in ("torch", "sklearn", "astropy", "matplotlib") if m in sys.modules]
        assert not heavy, heavy
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(DEEPFORGE_PATH))
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------- LoadArray

def test_load_array_reads_npy_npz_and_csv(tmp_path):
    LoadArray = load("LoadArray")
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.save(tmp_path / "a.npy", array)
    np.savez(tmp_path / "b.npz", x=array, y=np.array([1, 2, 3]))
    np.savez(tmp_path / "one.npz", only=array * 2)
    (tmp_path / "c.csv").write_text("a;b;c\n1;2;3\n4;;6\n")

    np.testing.assert_array_equal(LoadArray(str(tmp_path / "a.npy")).execute(), array)
    np.testing.assert_array_equal(LoadArray(str(tmp_path / "b.npz"), key="y").execute(), [1, 2, 3])
    np.testing.assert_array_equal(LoadArray(str(tmp_path / "one.npz")).execute(), array * 2)
    csv = LoadArray(str(tmp_path / "c.csv"), delimiter=";", skip_header=1).execute()
    assert csv.shape == (2, 3)
    np.testing.assert_array_equal(csv[0], [1, 2, 3])
    assert np.isnan(csv[1, 1]) and csv[1, 2] == 6


def test_load_array_errors(tmp_path):
    LoadArray = load("LoadArray")
    np.savez(tmp_path / "b.npz", x=np.zeros(2), y=np.ones(2))
    (tmp_path / "d.txt").write_text("1 2 3\n")
    with pytest.raises(ValueError, match="no array named 'z'.*x, y"):
        LoadArray(str(tmp_path / "b.npz"), key="z").execute()
    with pytest.raises(ValueError, match="2 arrays.*set `key`"):
        LoadArray(str(tmp_path / "b.npz")).execute()
    with pytest.raises(ValueError, match=r"\.txt.*\.npy, \.npz or \.csv"):
        LoadArray(str(tmp_path / "d.txt")).execute()
    with pytest.raises(FileNotFoundError, match="missing.npy"):
        LoadArray(str(tmp_path / "missing.npy")).execute()


# ---------------------------------------------------------------------------- LoadFITS

def _write_fits(path, data, **header):
    from astropy.io import fits
    hdu = fits.PrimaryHDU(data)
    for key, value in header.items():
        hdu.header[key] = value
    hdu.header["HISTORY"] = "made by a test"
    hdu.writeto(path)


def test_load_fits_stacks_a_directory_or_glob_with_headers(tmp_path):
    LoadFITS = load("LoadFITS")
    rng = np.random.default_rng(0)
    images = [rng.normal(size=(5, 4)).astype(">f8") for _ in range(3)]
    for index, image in enumerate(images):
        _write_fits(tmp_path / f"img{index}.fits", image, OBJECT=f"galaxy {index}", EXPTIME=1.5 * index)
    (tmp_path / "notes.txt").write_text("not a FITS file")

    stacked, headers = LoadFITS(str(tmp_path)).execute()
    assert stacked.shape == (3, 5, 4) and stacked.dtype == np.float32
    np.testing.assert_allclose(stacked, np.stack(images), rtol=1e-6)
    assert [h["OBJECT"] for h in headers] == ["galaxy 0", "galaxy 1", "galaxy 2"]
    assert headers[2]["EXPTIME"] == 3.0 and headers[0]["NAXIS"] == 2
    assert headers[0]["HISTORY"] == ["made by a test"]

    subset, headers = LoadFITS(str(tmp_path / "img[12].fits")).execute()
    assert subset.shape == (2, 5, 4) and headers[0]["OBJECT"] == "galaxy 1"


def test_load_fits_reads_a_cube_from_an_extension(tmp_path):
    from astropy.io import fits
    LoadFITS = load("LoadFITS")
    cube = np.arange(2 * 3 * 4, dtype=np.int16).reshape(2, 3, 4)
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(cube, name="SCI")]).writeto(tmp_path / "cube.fits")

    images, headers = LoadFITS(str(tmp_path / "cube.fits"), hdu=1).execute()
    assert images.shape == (1, 2, 3, 4) and images.dtype == np.float32
    np.testing.assert_array_equal(images[0], cube)
    assert headers[0]["EXTNAME"] == "SCI"
    with pytest.raises(ValueError, match="holds no data.*hdu=1"):
        LoadFITS(str(tmp_path / "cube.fits")).execute()
    with pytest.raises(ValueError, match="hdu=5 does not exist"):
        LoadFITS(str(tmp_path / "cube.fits"), hdu=5).execute()


def test_load_fits_errors(tmp_path):
    from astropy.io import fits
    LoadFITS = load("LoadFITS")
    _write_fits(tmp_path / "a.fits", np.zeros((4, 4)))
    _write_fits(tmp_path / "b.fits", np.zeros((3, 4)))
    with pytest.raises(ValueError, match="different shapes"):
        LoadFITS(str(tmp_path)).execute()
    table = fits.BinTableHDU.from_columns([fits.Column(name="x", format="E", array=np.ones(3))])
    fits.HDUList([fits.PrimaryHDU(), table]).writeto(tmp_path / "table.fits")
    with pytest.raises(ValueError, match="not an image"):
        LoadFITS(str(tmp_path / "table.fits"), hdu=1).execute()
    with pytest.raises(FileNotFoundError):
        LoadFITS(str(tmp_path / "nothing-here")).execute()
    with pytest.raises(FileNotFoundError, match="no FITS files"):
        LoadFITS(str(tmp_path / "*.fz")).execute()


# ---------------------------------------------------------------------------- TrainTestSplit

def test_train_test_split_sizes_pairs_and_seed():
    TrainTestSplit = load("TrainTestSplit")
    data = np.arange(50).reshape(10, 5)
    labels = np.arange(10) * 10

    train_x, test_x, train_y, test_y = TrainTestSplit(test_fraction=0.3, seed=1).execute(data, labels)
    assert train_x.shape == (7, 5) and test_x.shape == (3, 5)
    assert train_y.shape == (7,) and test_y.shape == (3,)
    np.testing.assert_array_equal(train_x[:, 0] * 2, train_y)  # rows stay with their labels
    np.testing.assert_array_equal(test_x[:, 0] * 2, test_y)
    assert sorted(np.concatenate([train_y, test_y])) == list(labels)

    again = TrainTestSplit(test_fraction=0.3, seed=1).execute(data, labels)
    np.testing.assert_array_equal(again[1], test_x)
    other = TrainTestSplit(test_fraction=0.3, seed=2).execute(data, labels)
    assert not np.array_equal(other[1], test_x)

    train_x, test_x, train_y, test_y = TrainTestSplit(test_fraction=0.2, shuffle=False).execute(data)
    np.testing.assert_array_equal(test_x, data[8:])
    assert train_y is None and test_y is None


def test_train_test_split_lists_tensors_and_errors():
    import torch
    TrainTestSplit = load("TrainTestSplit")
    train, test, _, _ = TrainTestSplit(test_fraction=0.5).execute(list("abcd"))
    assert isinstance(train, list) and sorted(train + test) == list("abcd")
    train, test, train_y, _ = TrainTestSplit(test_fraction=0.25).execute(torch.arange(8), [0] * 8)
    assert isinstance(train, torch.Tensor) and len(train) == 6 and len(test) == 2 and len(train_y) == 6
    with pytest.raises(ValueError, match="10 samples but 9 labels"):
        TrainTestSplit().execute(np.zeros(10), np.zeros(9))
    with pytest.raises(ValueError, match="test_fraction"):
        TrainTestSplit(test_fraction=1.5).execute(np.zeros(10))


# ---------------------------------------------------------------------------- Train

def _blobs(count=120, seed=0):
    """Two well-separated Gaussian blobs in 4-D, labels 0/1."""
    rng = np.random.default_rng(seed)
    labels = np.repeat([0, 1], count // 2)
    data = rng.normal(size=(count, 4)).astype(np.float32) + labels[:, None] * 3.0
    return data, labels


def _classifier(seed=0):
    import torch
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))


def test_train_learns_a_toy_classification_and_plots_each_epoch(agg_backend):
    import torch
    plt = agg_backend
    Train = load("Train")
    data, labels = _blobs()

    model, history = Train(_classifier(), loss="cross_entropy", optimizer="adam", learning_rate=0.01,
                           epochs=15, batch_size=16).execute(data, labels)
    assert isinstance(model, torch.nn.Module) and not model.training
    assert history["epoch"] == list(range(1, 16)) and len(history["loss"]) == 15
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    with torch.no_grad():
        accuracy = (model(torch.as_tensor(data).float()).argmax(1).numpy() == labels).mean()
    assert accuracy > 0.95

    assert len(plt.get_fignums()) == 1
    axes = plt.figure(plt.get_fignums()[0]).axes
    assert len(axes) == 1 and axes[0].get_title() == "Training loss"
    line = axes[0].lines[0]
    np.testing.assert_array_equal(line.get_xdata(), history["epoch"])
    np.testing.assert_allclose(line.get_ydata(), history["loss"])


def test_train_redraws_one_figure_as_epochs_finish(agg_backend, monkeypatch):
    plt = agg_backend
    Train = load("Train")
    monkeypatch.setitem(Train.execute.__globals__, "REDRAW_INTERVAL", 0.0)
    drawn = []  # (figure, number of points on the line) at each plt.pause

    def pause(interval):
        figure = plt.gcf()
        drawn.append((figure.number, len(figure.axes[0].lines[0].get_xdata())))

    monkeypatch.setattr(plt, "pause", pause)
    data, labels = _blobs(20)
    Train(_classifier(), epochs=4).execute(data, labels)
    assert drawn == [(plt.get_fignums()[0], n) for n in (1, 2, 3, 4)]


def test_train_reports_progress_after_every_batch(agg_backend, monkeypatch):
    Train = load("Train")
    monkeypatch.setitem(Train.execute.__globals__, "progress", lambda *a: reported.append(a))
    reported = []
    data, labels = _blobs(20)                      # 20 samples in batches of 8: 3 batches an epoch
    Train(_classifier(), epochs=2, batch_size=8).execute(data, labels)
    assert reported == [(1, 6, "epoch 1/2"), (2, 6, "epoch 1/2"), (3, 6, "epoch 1/2"),
                        (4, 6, "epoch 2/2"), (5, 6, "epoch 2/2"), (6, 6, "epoch 2/2")]


def test_train_is_deterministic_with_a_seed():
    import torch
    Train = load("Train")
    data, labels = _blobs(40)

    def run(seed):
        model, history = Train(_classifier(), epochs=3, batch_size=8, seed=seed,
                               optimizer="sgd", learning_rate=0.05).execute(data, labels)
        return torch.cat([p.detach().flatten() for p in model.parameters()]), history["loss"]

    first, second, other = run(7), run(7), run(8)
    assert torch.equal(first[0], second[0]) and first[1] == second[1]
    assert first[1] != other[1]


@pytest.mark.parametrize("loss", ["mse", "l1"])
def test_train_regression_losses_decrease_with_1d_labels(loss):
    import torch
    Train = load("Train")
    rng = np.random.default_rng(1)
    data = rng.normal(size=(64, 3)).astype(np.float32)
    targets = data @ np.array([1.0, -2.0, 0.5]) + 0.3  # shape (64,), the network gives (64, 1)
    torch.manual_seed(0)
    model, history = Train(torch.nn.Linear(3, 1), loss=loss, optimizer="rmsprop", learning_rate=0.02,
                           epochs=20, batch_size=16).execute(data, targets)
    assert history["loss"][-1] < 0.3 * history["loss"][0]


def test_train_bce_and_errors():
    import torch
    Train = load("Train")
    data, labels = _blobs(60)
    torch.manual_seed(0)
    _, history = Train(torch.nn.Linear(4, 1), loss="bce", learning_rate=0.05, epochs=10).execute(data, labels)
    assert history["loss"][-1] < history["loss"][0]
    with pytest.raises(ValueError, match="60 samples but 59 labels"):
        Train(torch.nn.Linear(4, 1), loss="bce").execute(data, labels[:59])
    with pytest.raises(ValueError, match="class indices"):
        Train(_classifier(), loss="cross_entropy").execute(data, labels + 0.5)
    with pytest.raises(ValueError, match="no model"):
        Train(None).execute(data, labels)
    with pytest.raises(ValueError, match="unknown optimizer"):
        Train(_classifier(), optimizer="lbfgs").execute(data, labels)


# ---------------------------------------------------------------------------- Evaluate

def test_evaluate_classification_metrics_on_known_logits():
    import torch
    Evaluate = load("Evaluate")
    logits = np.array([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    labels = np.array([0, 1, 2, 2])
    expected_loss = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(labels)).item()

    metrics = Evaluate(task="classification", batch_size=3).execute(torch.nn.Identity(), logits, labels)
    assert metrics["accuracy"] == pytest.approx(0.75)
    assert metrics["loss"] == pytest.approx(expected_loss, rel=1e-6)
    one_hot = np.eye(3)[labels]
    assert Evaluate().execute(torch.nn.Identity(), logits, one_hot)["accuracy"] == pytest.approx(0.75)

    z = np.array([[2.0], [-1.0], [0.5], [-3.0]])
    binary = np.array([1, 0, 0, 0])
    expected_bce = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(z[:, 0]), torch.tensor(binary, dtype=torch.float64)).item()
    metrics = Evaluate().execute(torch.nn.Identity(), z, binary)
    assert metrics == pytest.approx({"accuracy": 0.75, "loss": expected_bce})


def test_evaluate_regression_metrics_on_known_predictions():
    import torch
    Evaluate = load("Evaluate")
    predictions = np.array([[1.0], [2.0], [3.0], [5.0]])
    truth = np.array([1.0, 2.0, 4.0, 4.0])
    metrics = Evaluate(task="regression").execute(torch.nn.Identity(), predictions, truth)
    # errors 0, 0, -1, 1; truth mean 2.75, ss_tot = 3.0625 + 0.5625 + 1.5625 * 2 = 6.75
    assert metrics == pytest.approx({"mae": 0.5, "rmse": np.sqrt(0.5), "r2": 1 - 2 / 6.75})
    assert Evaluate(task="regression").execute(torch.nn.Identity(), truth, truth)["r2"] == 1.0


def test_evaluate_a_trained_model_and_errors():
    Evaluate, Train = load("Evaluate"), load("Train")
    data, labels = _blobs()
    model, _ = Train(_classifier(), learning_rate=0.01, epochs=10, batch_size=16).execute(data, labels)
    metrics = Evaluate().execute(model, data, labels)
    assert metrics["accuracy"] > 0.95 and 0 < metrics["loss"] < 0.3
    with pytest.raises(ValueError, match="120 samples but 3 labels"):
        Evaluate().execute(model, data, labels[:3])
    with pytest.raises(ValueError, match="labels must lie in 0..1"):
        Evaluate().execute(model, data, labels + 1)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        Evaluate().execute(None, data, labels)


# ---------------------------------------------------------------------------- Predict

def test_predict_outputs_and_classes():
    import torch
    Predict = load("Predict")
    model = torch.nn.Linear(3, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
        model.bias.zero_()
    model.train()
    data = np.array([[1.0, 0.0, 9.0], [0.0, 2.0, 9.0], [3.0, 1.0, 9.0], [0.0, 0.5, 0.0], [2.0, 2.5, 0.0]])

    predictions = Predict(batch_size=2).execute(model, data)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (5, 2)
    np.testing.assert_allclose(predictions, data[:, :2])
    assert model.training  # the mode is restored
    classes = Predict(as_classes=True).execute(model, torch.tensor(data))
    np.testing.assert_array_equal(classes, [0, 1, 0, 1, 1])
    np.testing.assert_array_equal(
        Predict(as_classes=True).execute(torch.nn.Identity(), np.array([[0.3], [-2.0]])), [1, 0])
    with pytest.raises(TypeError, match="torch.nn.Module"):
        Predict().execute("not a model", data)


# ---------------------------------------------------------------------------- ReduceDimensions

def test_reduce_dimensions_pca_and_tsne_shapes():
    ReduceDimensions = load("ReduceDimensions")
    rng = np.random.default_rng(0)
    data = rng.normal(size=(40, 2, 3, 2)) + np.repeat([0.0, 5.0], 20)[:, None, None, None]

    pca = ReduceDimensions(method="pca", components=3).execute(data)
    assert pca.shape == (40, 3)
    explained = ReduceDimensions(method="pca", components=2).execute(data)
    assert explained.shape == (40, 2)
    assert abs(explained[:20, 0].mean() - explained[20:, 0].mean()) > 5  # the blobs separate

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # perplexity 10 needs no cap for 40 samples
        tsne = ReduceDimensions(method="tsne", components=3, perplexity=10.0, seed=0).execute(data)
    assert tsne.shape == (40, 3) and np.isfinite(tsne).all()
    again = ReduceDimensions(method="tsne", components=3, perplexity=10.0, seed=0).execute(data)
    np.testing.assert_allclose(again, tsne)
    # t-SNE keeps the two blobs apart: each point's nearest neighbour is in its own blob
    distances = np.linalg.norm(tsne[:, None] - tsne[None], axis=-1) + np.eye(40) * 1e9
    assert (distances.argmin(1) // 20 == np.arange(40) // 20).all()


def test_reduce_dimensions_caps_perplexity_for_tiny_inputs_and_errors():
    ReduceDimensions = load("ReduceDimensions")
    data = np.random.default_rng(0).normal(size=(6, 5))
    with pytest.warns(UserWarning, match="perplexity 30.0 is too large for 6 samples"):
        embedding = ReduceDimensions(method="tsne", components=2).execute(data)
    assert embedding.shape == (6, 2)
    with pytest.raises(ValueError, match="PCA to 3 components"):
        ReduceDimensions(method="pca").execute(np.zeros((10, 2)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        ReduceDimensions().execute(np.zeros((1, 5)))
    with pytest.raises(ValueError, match="unknown method"):
        ReduceDimensions(method="umap").execute(data)


# ---------------------------------------------------------------------------- PlotPredictions

def test_plot_predictions_scatter_with_identity_line(agg_backend):
    plt = agg_backend
    PlotPredictions = load("PlotPredictions")
    truth = np.array([1.0, 2.0, 3.0, 4.0])
    predictions = np.array([[1.5], [1.8], [3.2], [5.0]])

    assert PlotPredictions(kind="scatter", title="Test set").execute(predictions, truth) is None
    assert len(plt.get_fignums()) == 1
    (axes,) = plt.gcf().axes
    assert axes.get_title() == "Test set"
    np.testing.assert_allclose(axes.collections[0].get_offsets(), np.column_stack([truth, predictions[:, 0]]))
    identity = axes.lines[0]
    np.testing.assert_allclose(identity.get_xdata(), [1.0, 5.0])
    np.testing.assert_allclose(identity.get_ydata(), identity.get_xdata())


def test_plot_predictions_residual_histogram_and_errors(agg_backend):
    plt = agg_backend
    PlotPredictions = load("PlotPredictions")
    truth = np.random.default_rng(0).normal(size=50)
    PlotPredictions(kind="histogram").execute(truth + 0.1, truth)
    (axes,) = plt.gcf().axes
    assert sum(patch.get_height() for patch in axes.patches) == 50
    assert any(np.allclose(line.get_xdata(), 0) for line in axes.lines)  # the zero line
    assert "residual" in axes.get_xlabel()

    plt.close("all")
    with pytest.raises(ValueError, match="6 predicted values but 3 true values"):
        PlotPredictions().execute(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="unknown kind"):
        PlotPredictions(kind="violin").execute(np.zeros(3), np.zeros(3))
    assert plt.get_fignums() == []


# ---------------------------------------------------------------------------- PlotEmbeddings3D

def test_plot_embeddings_3d_coloured_by_values(agg_backend):
    plt = agg_backend
    PlotEmbeddings3D = load("PlotEmbeddings3D")
    rng = np.random.default_rng(0)
    embedding = rng.normal(size=(30, 3))
    values = np.linspace(0.0, 1.0, 30)

    PlotEmbeddings3D(title="t-SNE").execute(embedding, values)
    assert len(plt.get_fignums()) == 1
    figure = plt.gcf()
    assert len(figure.axes) == 2  # the 3-D axes and the colour bar
    axes = figure.axes[0]
    assert axes.name == "3d" and axes.get_title() == "t-SNE"
    cloud = axes.collections[0]
    np.testing.assert_allclose(cloud.get_array(), values)
    if hasattr(cloud, "_offsets3d"):
        np.testing.assert_allclose(np.column_stack(cloud._offsets3d), embedding)


def test_plot_embeddings_3d_categories_plain_and_errors(agg_backend):
    plt = agg_backend
    PlotEmbeddings3D = load("PlotEmbeddings3D")
    embedding = np.random.default_rng(1).normal(size=(6, 3))

    PlotEmbeddings3D().execute(embedding, np.array(["star", "galaxy", "star", "qso", "qso", "star"]))
    colour_bar = plt.gcf().axes[1]
    assert [t.get_text() for t in colour_bar.get_yticklabels()] == ["galaxy", "qso", "star"]
    cloud = plt.gcf().axes[0].collections[0]
    np.testing.assert_array_equal(cloud.get_array(), [2, 0, 2, 1, 1, 2])
    assert len({tuple(cloud.cmap(i)) for i in range(cloud.cmap.N)}) == cloud.cmap.N == 3
    plt.close("all")

    PlotEmbeddings3D().execute(embedding)
    assert len(plt.gcf().axes) == 1  # no colour bar without values
    plt.close("all")

    with pytest.raises(ValueError, match="N×3"):
        PlotEmbeddings3D().execute(np.zeros((6, 2)))
    with pytest.raises(ValueError, match="6 points but 5 values"):
        PlotEmbeddings3D().execute(embedding, np.zeros(5))
    assert plt.get_fignums() == []


# ---------------------------------------------------------------------------- the interfaces

INTERFACES = {  # name -> (attributes {name: (type, default, min, max)}, references, inputs)
    "LoadArray": ({"path": ("str", None, None, None), "key": ("str", "", None, None),
                   "delimiter": ("str", ",", None, None), "skip_header": ("int", 0, 0, None)},
                  [], []),
    "LoadFITS": ({"path": ("str", None, None, None), "hdu": ("int", 0, None, None)}, [], []),
    "TrainTestSplit": ({"test_fraction": ("float", 0.2, 0.0, 1.0), "seed": ("int", 0, None, None),
                        "shuffle": ("bool", True, None, None)}, [], ["data", "labels"]),
    "Train": ({"loss": ("choice", "cross_entropy", None, None),
               "optimizer": ("choice", "adam", None, None),
               "learning_rate": ("float", 0.001, None, None), "epochs": ("int", 10, 1, 100000),
               "batch_size": ("int", 32, 1, None), "seed": ("int", 0, None, None)},
              ["model"], ["data", "labels"]),
    "Evaluate": ({"task": ("choice", "classification", None, None),
                  "batch_size": ("int", 256, 1, None)}, [], ["model", "data", "labels"]),
    "Predict": ({"batch_size": ("int", 256, 1, None), "as_classes": ("bool", False, None, None)},
                [], ["model", "data"]),
    "ReduceDimensions": ({"method": ("choice", "tsne", None, None),
                          "components": ("int", 3, 2, 3), "perplexity": ("float", 30.0, None, None),
                          "seed": ("int", 0, None, None)}, [], ["data"]),
    "PlotPredictions": ({"kind": ("choice", "scatter", None, None),
                         "title": ("str", "Predictions", None, None)}, [], ["predictions", "truth"]),
    "PlotEmbeddings3D": ({"title": ("str", "Embedding", None, None)}, [], ["embedding", "values"]),
}


def test_the_analysis_process_reads_each_interface():
    """The interfaces as the workbench sees them (skipped until deepforge.analysis exists)."""
    if not any((PYTHON_DIR / "deepforge" / p).exists() for p in ("analysis.py", "analysis")):
        pytest.skip("python/deepforge/analysis is not written yet")
    requests = "".join(json.dumps({"id": i, "type": "parse", "name": name,
                                   "code": (OPERATIONS_DIR / f"{name}.py").read_text()}) + "\n"
                       for i, name in enumerate(INTERFACES))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(DEEPFORGE_PATH))
    result = subprocess.run([sys.executable, "-u", "-m", "deepforge.analysis"], input=requests,
                            env=env, capture_output=True, text=True, timeout=20)
    responses = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(responses) == len(INTERFACES), result.stderr
    for response, (name, (attributes, references, inputs)) in zip(responses, INTERFACES.items()):
        assert response["ok"], (name, response)
        interface = response["result"]
        assert interface["class"] == name and interface["errors"] == [] and not interface["syntaxError"]
        assert [o["name"] for o in interface["outputs"]] == EXPECTED[name][1], name
        assert [r["name"] for r in interface["references"]] == references, name
        assert [i["name"] for i in interface["inputs"]] == inputs, name
        found = {a["name"]: (a["type"], a.get("default"), a.get("min"), a.get("max"))
                 for a in interface["attributes"]}
        assert found == attributes, name
        assert all(a["required"] == (a["name"] == "path") for a in interface["attributes"]), name
