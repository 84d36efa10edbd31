"""The scikit-learn library's built-in operations (python/libraries/sklearn/operations), each run
on small data. A hand-written Pipeline stands in for the one a job builds from an architecture of
kind sklearn-pipeline."""
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
OPERATIONS_DIR = PYTHON_DIR / "libraries" / "sklearn" / "operations"
OPERATIONS = ["LoadDataset", "SplitData", "FitEstimator", "PredictEstimator", "ScoreEstimator",
              "CrossValidate", "PlotConfusionMatrices"]

if str(PYTHON_DIR) not in sys.path:  # operations import the deepforge package
    sys.path.insert(0, str(PYTHON_DIR))


def operation(name):
    spec = importlib.util.spec_from_file_location("sklearn_builtin_" + name, OPERATIONS_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the library
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return getattr(module, name)


def pipeline():
    """What the generated module of Input → StandardScaler → LogisticRegression returns."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("standardscaler", StandardScaler()),
                     ("logisticregression", LogisticRegression(max_iter=1000))])


@pytest.fixture
def iris():
    from sklearn.datasets import load_iris

    return load_iris(return_X_y=True)


@pytest.fixture
def metrics(tmp_path, monkeypatch):
    """The metrics the operation logs, read from a job's event channel."""
    from deepforge import events

    path = tmp_path / "events.jsonl"
    monkeypatch.setenv("DEEPFORGE_EVENTS", str(path))

    def read():
        events.flush()
        if not path.exists():
            return []
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return [(e["name"], e["value"], e["step"]) for e in lines if e["type"] == "metric"]

    yield read
    events.flush()


@pytest.fixture
def agg(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.close("all")
    yield plt
    plt.close("all")


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_has_its_description_category_and_library(name):
    meta = json.loads((OPERATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert meta["library"] == "sklearn"
    assert meta["description"] and meta["category"]
    assert "scikit-learn" in meta["requirements"]


@pytest.mark.parametrize("name, samples, features, classes", [
    ("digits", 1797, 64, 10), ("iris", 150, 4, 3), ("wine", 178, 13, 3), ("breast_cancer", 569, 30, 2)])
def test_load_dataset_gives_the_bundled_samples_and_classes(name, samples, features, classes):
    X, y = operation("LoadDataset")(name=name).execute()
    assert X.shape == (samples, features) and X.dtype == np.float64
    assert y.shape == (samples,) and y.dtype == np.int64
    assert len(np.unique(y)) == classes


def test_load_dataset_names_the_data_sets_it_knows():
    with pytest.raises(ValueError, match="unknown data set 'mnist'; use one of digits, iris, wine, breast_cancer"):
        operation("LoadDataset")(name="mnist").execute()


def test_split_data_is_seeded_and_stratified(iris):
    X, y = iris
    X_train, X_test, y_train, y_test = operation("SplitData")(test_size=0.2, seed=3).execute(X, y)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (120, 30, 120, 30)
    assert np.bincount(y_test).tolist() == [10, 10, 10]
    again = operation("SplitData")(test_size=0.2, seed=3).execute(X, y)
    np.testing.assert_array_equal(again[1], X_test)
    other = operation("SplitData")(test_size=0.2, seed=4).execute(X, y)
    assert not np.array_equal(other[1], X_test)
    rows = {tuple(r) for r in X}
    assert all(tuple(r) in rows for r in X_test)


def test_split_data_refuses_what_it_cannot_split(iris):
    X, y = iris
    with pytest.raises(ValueError, match="test_size must lie strictly between 0 and 1, not 1.0"):
        operation("SplitData")(test_size=1.0).execute(X, y)
    with pytest.raises(ValueError, match="150 samples but 149 targets"):
        operation("SplitData")().execute(X, y[:-1])
    with pytest.raises(ValueError, match="turn stratify off for continuous targets"):
        operation("SplitData")().execute(X, np.arange(150.0))
    assert len(operation("SplitData")(stratify=False).execute(X, np.arange(150.0))[3]) == 38


def test_fit_estimator_fits_a_clone_and_leaves_the_reference_unfitted(iris, metrics):
    from sklearn.utils.validation import check_is_fitted
    from sklearn.exceptions import NotFittedError

    X, y = iris
    reference = pipeline()
    model = operation("FitEstimator")(estimator=reference).execute(X, y.reshape(-1, 1))
    assert model is not reference
    check_is_fitted(model[-1])
    with pytest.raises(NotFittedError):
        check_is_fitted(reference[-1])
    assert model.score(X, y) > 0.9
    assert metrics() == [("train_score", pytest.approx(model.score(X, y)), None)]


def test_fit_estimator_says_what_to_reference():
    with pytest.raises(TypeError, match="must reference an architecture of kind sklearn-pipeline \\(got NoneType\\)"):
        operation("FitEstimator")(estimator=None).execute(np.zeros((2, 2)), np.zeros(2))


def test_predict_estimator_predicts_classes(iris):
    X, y = iris
    model = pipeline().fit(X, y)
    predictions = operation("PredictEstimator")().execute(model, X[:10])
    np.testing.assert_array_equal(predictions, model.predict(X[:10]))
    with pytest.raises(ValueError, match="the model is not fitted; connect the output of FitEstimator"):
        operation("PredictEstimator")().execute(pipeline(), X)
    with pytest.raises(TypeError, match="not dict; for a PyTorch network use Predict"):
        operation("PredictEstimator")().execute({}, X)


def test_score_estimator_scores_and_logs_the_score(iris, metrics):
    X, y = iris
    model = pipeline().fit(X, y)
    score = operation("ScoreEstimator")().execute(model, X, y)
    assert isinstance(score, float) and score == pytest.approx(model.score(X, y))
    assert metrics() == [("score", pytest.approx(score), None)]


def test_cross_validate_scores_each_fold_with_a_clone(iris, metrics):
    from sklearn.exceptions import NotFittedError
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.utils.validation import check_is_fitted

    X, y = iris
    reference = pipeline()
    scores = operation("CrossValidate")(estimator=reference, folds=3, seed=1).execute(X, y)
    expected = cross_val_score(pipeline(), X, y, cv=StratifiedKFold(3, shuffle=True, random_state=1))
    assert list(scores) == ["fold_1", "fold_2", "fold_3", "mean", "std"]
    assert [scores[f"fold_{i}"] for i in (1, 2, 3)] == pytest.approx(expected.tolist())
    assert scores["mean"] == pytest.approx(expected.mean())
    assert metrics() == [("fold_score", pytest.approx(v), i) for i, v in enumerate(expected, 1)] + [
        ("mean_score", pytest.approx(expected.mean()), None)]
    with pytest.raises(NotFittedError):
        check_is_fitted(reference[-1])
    with pytest.raises(ValueError, match="2 samples cannot make 3 folds"):
        operation("CrossValidate")(estimator=reference, folds=3).execute(X[:2], y[:2])


def test_cross_validate_uses_plain_folds_for_regressors():
    from sklearn.linear_model import Ridge

    rng = np.random.RandomState(0)
    X = rng.rand(40, 3)
    y = X @ [1.0, 2.0, 3.0]
    scores = operation("CrossValidate")(estimator=Ridge(alpha=1e-6), folds=4).execute(X, y)
    assert scores["mean"] > 0.99


def test_plot_confusion_matrices_draws_one_figure_with_two_titled_axes(agg):
    truth = np.array([0, 1, 2, 2, 1, 0])
    forest = np.array([0, 1, 2, 2, 1, 1])
    logits = np.eye(3)[truth]  # raw scores: the largest is the class
    operation("PlotConfusionMatrices")(title_a="Random forest", title_b="CNN").execute(truth, forest, logits)
    assert len(agg.get_fignums()) == 1
    figure = agg.figure(agg.get_fignums()[0])
    assert len(figure.axes) == 2
    assert [ax.get_title() for ax in figure.axes] == ["Random forest (accuracy 0.833)", "CNN (accuracy 1.000)"]
    assert [ax.images[0].get_array().sum() for ax in figure.axes] == [6, 6]


def test_plot_confusion_matrices_refuses_predictions_of_other_samples(agg):
    with pytest.raises(ValueError, match="5 values in predictions_b but 6 in y_true"):
        operation("PlotConfusionMatrices")().execute(np.zeros(6), np.zeros(6), np.zeros(5))
    assert not agg.get_fignums()
