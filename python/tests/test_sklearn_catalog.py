"""Tests of the estimator catalog generator (python/tools/generate_sklearn_catalog.py) and of the committed
catalog sklearn/src/main/resources/org/deepforge/sklearn/estimators.json."""

import importlib
import json
import os
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO_ROOT, "python", "tools", "generate_sklearn_catalog.py")
COMMITTED = os.path.join(REPO_ROOT, "sklearn", "src", "main", "resources", "org", "deepforge", "sklearn",
                         "estimators.json")
TYPES = {"int", "float", "bool", "str", "choice", "int_or_none", "float_or_none", "int_or_float", "list",
         "dict", "any"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("catalog") / "estimators.json"
    subprocess.run([sys.executable, SCRIPT, "--out", str(path), "--no-date"], check=True, capture_output=True,
                   text=True, timeout=300)
    return path.read_bytes()


@pytest.fixture(scope="module")
def layers(generated):
    return {layer["name"]: layer for layer in json.loads(generated.decode("utf-8"))["layers"]}


def arguments(layer):
    return {argument["name"]: argument for argument in layer["arguments"]}


def test_the_committed_catalog_is_what_the_generator_writes(generated):
    with open(COMMITTED, "rb") as handle:
        committed = handle.read()
    assert committed == generated, (
        "sklearn/src/main/resources/org/deepforge/sklearn/estimators.json is stale: regenerate it with "
        "/usr/bin/python3 python/tools/generate_sklearn_catalog.py --no-date")


def test_header_order_and_language(generated):
    import sklearn
    catalog = json.loads(generated.decode("utf-8"))
    assert catalog["sklearn"] == sklearn.__version__
    assert "generated" not in catalog
    names = [layer["name"] for layer in catalog["layers"]]
    assert names == sorted(names) and len(names) == len(set(names)) and len(names) > 100
    assert [node["name"] for node in catalog["language"]] == ["Input", "Columns", "ColumnTransformer",
                                                              "FeatureUnion"]


def test_every_estimator_is_importable_from_its_module_and_its_defaults_construct_it(layers):
    for name, layer in layers.items():
        cls = getattr(importlib.import_module(layer["module"]), name)
        params = cls().get_params(deep=False)
        assert sorted(a["name"] for a in layer["arguments"]) == sorted(params), name
        for argument in layer["arguments"]:
            assert argument["type"] in TYPES, (name, argument)
            if "defaultText" not in argument:
                default = params[argument["name"]]
                assert argument["default"] == (list(default) if isinstance(default, tuple) else default), name


def test_roles_and_outputs(layers):
    assert layers["PCA"]["role"] == "transformer" and layers["PCA"]["outputs"] == 1
    assert layers["PCA"]["category"] == "Decomposition" and layers["PCA"]["module"] == "sklearn.decomposition"
    logistic = layers["LogisticRegression"]
    assert (logistic["role"], logistic["estimatorType"], logistic["outputs"], logistic["category"]) == \
        ("predictor", "classifier", 0, "Classifiers")
    assert layers["KMeans"]["estimatorType"] == "clusterer"
    assert layers["RandomForestRegressor"]["category"] == "Regressors"
    for excluded in ("Pipeline", "FeatureUnion", "ColumnTransformer", "GridSearchCV", "VotingClassifier",
                     "LabelEncoder", "OneVsRestClassifier"):
        assert excluded not in layers


def test_argument_types_from_numpydoc(layers):
    pca = arguments(layers["PCA"])
    assert pca["svd_solver"]["type"] == "choice"
    assert pca["svd_solver"]["choices"] == ["auto", "full", "arpack", "randomized"]
    assert pca["svd_solver"]["default"] == "auto"
    assert pca["whiten"] == {**pca["whiten"], "type": "bool", "default": False, "required": False}
    forest = arguments(layers["RandomForestClassifier"])
    assert forest["n_estimators"]["type"] == "int" and forest["n_estimators"]["default"] == 100
    assert forest["max_depth"]["type"] == "int_or_none"
    assert forest["min_samples_split"]["type"] == "int_or_float"
    assert "number of trees" in forest["n_estimators"]["doc"]
    logistic = arguments(layers["LogisticRegression"])
    assert logistic["penalty"]["choices"] == ["l1", "l2", "elasticnet", None]
    assert logistic["C"]["type"] == "float"


def test_defaults_that_json_cannot_hold_keep_their_repr(layers):
    imputer = arguments(layers["SimpleImputer"])
    assert imputer["missing_values"]["default"] is None and imputer["missing_values"]["defaultText"] == "nan"
    select = arguments(layers["SelectKBest"])
    assert select["score_func"]["defaultText"] == "<function f_classif>"
