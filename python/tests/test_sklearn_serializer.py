"""The scikit-learn library's Python package (python/libraries/sklearn/python/deepforge_sklearn):
its serializer "sklearn.estimator" and what a preview shows of an estimator."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
PACKAGE_DIR = PYTHON_DIR / "libraries" / "sklearn" / "python"
for directory in (PYTHON_DIR, PACKAGE_DIR):
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))

from deepforge import serialization  # noqa: E402


@pytest.fixture
def serializer():
    """deepforge_sklearn's entry registered, as importing the package does in a job, and removed
    afterwards so that other tests see the registry as they left it."""
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the library
    try:
        import deepforge_sklearn
    finally:
        sys.dont_write_bytecode = saved
    serialization.register(deepforge_sklearn.SERIALIZER, deepforge_sklearn.is_estimator,
                           deepforge_sklearn.save, deepforge_sklearn.load)
    yield deepforge_sklearn
    serialization.unregister(deepforge_sklearn.SERIALIZER)


def fitted_pipeline():
    from sklearn.datasets import load_iris
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    pipeline = Pipeline([("standardscaler", StandardScaler()), ("pca", PCA(n_components=3)),
                         ("logisticregression", LogisticRegression(max_iter=1000))])
    return pipeline.fit(X, y), X


def test_a_fitted_pipeline_saved_and_loaded_predicts_the_same(serializer, tmp_path):
    pipeline, X = fitted_pipeline()
    meta = serialization.save(pipeline, tmp_path / "model")
    assert meta["type"] == "sklearn.estimator"
    with open(tmp_path / "model" / "meta.json", encoding="utf-8") as f:
        assert json.load(f) == meta
    loaded = serialization.load(tmp_path / "model")
    assert loaded is not pipeline
    assert [name for name, _ in loaded.steps] == ["standardscaler", "pca", "logisticregression"]
    np.testing.assert_array_equal(loaded.predict(X), pipeline.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))


def test_an_unfitted_estimator_round_trips_with_its_parameters(serializer, tmp_path):
    from sklearn.ensemble import RandomForestClassifier

    forest = RandomForestClassifier(n_estimators=7, random_state=3)
    assert serialization.save(forest, tmp_path / "f")["type"] == "sklearn.estimator"
    assert serialization.load(tmp_path / "f").get_params() == forest.get_params()


def test_arrays_and_other_values_keep_their_serializers(serializer):
    assert serialization.entry_for(np.zeros(3)).name == "numpy.ndarray"
    assert serialization.entry_for({"a": 1}).name == "pickle"


def test_importing_the_package_registers_the_serializer_without_importing_sklearn():
    code = ("import sys; import deepforge_sklearn; from deepforge import serialization; "
            "print(serialization.registered()[0].name, 'sklearn' in sys.modules, 'joblib' in sys.modules)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PYTHON_DIR), str(PACKAGE_DIR)]),
               PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run(["/usr/bin/python3", "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == ["sklearn.estimator", "False", "False"]


def test_describe_lists_parameters_and_says_whether_it_is_fitted(serializer):
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline

    pipeline, _ = fitted_pipeline()
    assert serializer.previews == {"sklearn.estimator": serializer.describe}
    preview = serializer.describe(pipeline)
    assert preview["kind"] == "table" and preview["type"] == "sklearn.estimator"
    assert preview["class"] == "sklearn.pipeline.Pipeline"
    assert preview["fitted"] is True
    assert preview["text"].startswith("Pipeline(steps=[('standardscaler', StandardScaler())")
    assert preview["columns"] == ["parameter", "value"]
    rows = dict(preview["rows"])
    assert rows["pca__n_components"] == 3
    assert rows["logisticregression__max_iter"] == 1000
    assert rows["pca"] == "PCA(n_components=3)"
    assert preview["total"] == len(preview["rows"])

    unfitted = serializer.describe(Pipeline([("impute", SimpleImputer())]))
    assert unfitted["fitted"] is False
    assert dict(unfitted["rows"])["impute__missing_values"] == "nan"  # nan is no JSON number
    json.dumps(unfitted, allow_nan=False)
