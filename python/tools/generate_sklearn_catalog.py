#!/usr/bin/env python3
"""Generate the estimator catalog of the kind ``sklearn-pipeline`` from scikit-learn.

Usage (from the repository root)::

    /usr/bin/python3 python/tools/generate_sklearn_catalog.py [--out PATH] [--no-date]

The default output is ``sklearn/src/main/resources/org/deepforge/sklearn/estimators.json``; the committed
catalog is generated with ``--no-date`` so that regenerating it with the same scikit-learn gives identical
bytes (python/tests/test_sklearn_catalog.py checks that it does).

The catalog (docs/libraries.md, "The scikit-learn library, a worked example")::

    {"sklearn": "1.2.1", "python": "3.11.2", "generated": "2025-01-01",   # absent with --no-date
     "layers": [                     # every estimator of sklearn.utils.all_estimators() that a Pipeline can
                                     # hold and that is constructible with its defaults, sorted by name
       {"name": "PCA", "module": "sklearn.decomposition", "role": "transformer",
        "estimatorType": "transformer", "category": "Decomposition",
        "doc": "first sentence", "docstring": "the whole docstring (at most 4000 characters)",
        "arguments": [               # in signature order, defaults from get_params()
          {"name": "n_components", "type": "any", "required": false, "default": null, "doc": "..."},
          {"name": "svd_solver", "type": "choice", "choices": ["auto", "full", "arpack", "randomized"],
           "required": false, "default": "auto", "doc": "..."}],
        "inputs": 1, "max_inputs": 1, "outputs": 1, "inputNames": ["X"]}],   # outputs 0 for predictors
     "language": [...]}              # Input, Columns, ColumnTransformer, FeatureUnion

Argument types: int, float, bool, str, choice (with "choices"), int_or_none, float_or_none, int_or_float,
list, dict and any, read from the numpydoc "Parameters" section's type text. A type that the default does not
fit becomes "any". A default that is not a JSON literal (np.nan, a class, a function) is null, with
"defaultText" holding its repr.
"""

import argparse
import ast
import datetime
import importlib
import inspect
import json
import math
import os
import platform
import re
import sys
import warnings

import sklearn
from sklearn.base import is_classifier, is_regressor
from sklearn.utils import all_estimators

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO_ROOT, "sklearn", "src", "main", "resources", "org", "deepforge", "sklearn",
                           "estimators.json")
DOCSTRING_LIMIT = 4000
ARGUMENT_DOC_LIMIT = 600
TYPES = ("int", "float", "bool", "str", "choice", "int_or_none", "float_or_none", "int_or_float", "list",
         "dict", "any")
# They transform targets (y), not features: a Pipeline cannot hold them.
TARGET_TRANSFORMERS = {"LabelEncoder", "LabelBinarizer", "MultiLabelBinarizer"}
# The language's merge nodes are these estimators, drawn as graphs rather than configured with lists.
LANGUAGE_ESTIMATORS = {"ColumnTransformer", "FeatureUnion", "Pipeline"}
# sklearn.<package> of a transformer -> category
TRANSFORMER_CATEGORIES = {
    "preprocessing": "Preprocessing",
    "impute": "Imputation",
    "decomposition": "Decomposition",
    "cross_decomposition": "Decomposition",
    "feature_selection": "Feature selection",
    "feature_extraction": "Feature extraction",
    "kernel_approximation": "Kernel approximation",
    "random_projection": "Random projection",
    "manifold": "Manifold learning",
    "neighbors": "Neighbors",
    "cluster": "Clustering",
}
PREDICTOR_CATEGORIES = {"classifier": "Classifiers", "regressor": "Regressors", "clusterer": "Clustering"}


# --------------------------------------------------------------------------------------------------------
# Docstrings (numpydoc)

def clean_text(text):
    """Reduce reStructuredText markup to plain words on one line."""
    text = re.sub(r":(?:\w+:)+`~?([^`<]*?)\s*(?:<[^>]*>)?`", lambda m: m.group(1).rsplit(".", 1)[-1]
                  if m.group(0).count("~") else m.group(1), text)
    text = re.sub(r"``([^`]*)``", r"\1", text)
    text = re.sub(r"`([^`]*)`_?", r"\1", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def docstring(cls):
    doc = cls.__dict__.get("__doc__") or ""
    return inspect.cleandoc(doc) if doc.strip() else ""


def first_sentence(doc):
    paragraph = clean_text(re.split(r"\n\s*\n", doc.strip(), maxsplit=1)[0]) if doc.strip() else ""
    match = re.match(r"(.+?\.)(\s|$)", paragraph)
    return match.group(1) if match else paragraph


def trim(text, limit):
    if len(text) <= limit:
        return text
    cut = text[:limit - 3]
    space = cut.rfind("\n") if "\n" in cut[limit // 2:] else cut.rfind(" ")
    return cut[:space if space > limit // 2 else len(cut)].rstrip() + "..."


def parameters_section(doc):
    """{name: (type text, description)} of the numpydoc "Parameters" section, in order."""
    lines = doc.splitlines()
    out = {}
    for start in range(len(lines) - 1):
        if lines[start].strip() == "Parameters" and set(lines[start + 1].strip()) == {"-"}:
            break
    else:
        return out
    name = None
    for line in lines[start + 2:]:
        if line.strip() and not line.startswith(" "):
            if re.match(r"^-{3,}$", line.strip()):
                out.pop(name, None)  # the heading of the next section
                break
            entry = re.match(r"^(\w+)\s*:\s*(.*)$", line) or re.match(r"^(\w+)\s*$", line)
            if entry is None:
                break
            name = entry.group(1)
            out[name] = (entry.group(2) if entry.lastindex == 2 else "", [])
        elif name is not None:
            out[name][1].append(line)
    return {key: (type_text, "\n".join(body)) for key, (type_text, body) in out.items()}


def argument_doc(description):
    paragraph = re.split(r"\n\s*\n", description.strip(), maxsplit=1)[0] if description.strip() else ""
    return trim(clean_text(paragraph), ARGUMENT_DOC_LIMIT)


# --------------------------------------------------------------------------------------------------------
# Argument types

def type_part(type_text):
    """The type text without its ", default=..." tail."""
    return re.split(r",?\s*\bdefault\b\s*[=:]?", type_text, maxsplit=1)[0]


def literal(text):
    try:
        return True, ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return False, None


def choices_of(text):
    """The literal values of a {'a', 'b', None} set and of quoted strings outside it, or None when a set
    holds something that is not a literal."""
    values = []
    for group in re.findall(r"\{([^{}]*)\}", text):
        for item in group.split(","):
            ok, value = literal(item)
            if not ok or not (value is None or isinstance(value, (str, bool))):
                return None
            values.append(value)
    outside = re.sub(r"\{[^{}]*\}", " ", text)
    values += [m.group(2) for m in re.finditer(r"(['\"])([^'\"]*)\1", outside)]
    return list(dict.fromkeys(values))


def words(text):
    text = re.sub(r"\{[^{}]*\}", " ", text)
    text = re.sub(r"(['\"])[^'\"]*\1", " ", text)
    found = set()
    for word, pattern in (("int", r"\bint(eger)?s?\b"), ("float", r"\bfloats?\b"), ("bool", r"\bbool(ean)?\b"),
                          ("str", r"\b(str|string)\b"), ("None", r"\bNone\b"),
                          ("list", r"\b(array-like|list|tuple|ndarray)\b"), ("dict", r"\bdict\b")):
        if re.search(pattern, text):
            found.add(word)
    rest = re.sub(r"\b(int(eger)?s?|floats?|bool(ean)?|str|string|None|array-like|list|tuple|ndarray|dict|"
                  r"of|or|and|shape|default)\b|[\s,()\[\]]+", " ", text).strip()
    return found, rest


def doc_type(type_text, default):
    text = type_part(type_text)
    choices = choices_of(text)
    found, rest = words(text)
    if default is None:
        found.add("None")
    if choices and choices != [None] and not (found - {"None"}):
        if "None" in found and None not in choices:
            choices.append(None)
        return "choice", choices
    if choices:
        found.add("any")
    simple = {frozenset(["int"]): "int", frozenset(["int", "None"]): "int_or_none",
              frozenset(["float"]): "float", frozenset(["float", "None"]): "float_or_none",
              frozenset(["int", "float"]): "int_or_float", frozenset(["bool"]): "bool",
              frozenset(["str"]): "str", frozenset(["list"]): "list", frozenset(["dict"]): "dict"}
    return simple.get(frozenset(found), "any"), None


def value_type(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "any"


def fits(kind, choices, value):
    """Whether a JSON default is a value of the type (what the Java argument checks accept)."""
    if kind == "choice":
        return value in choices
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    integral = isinstance(value, int) and not isinstance(value, bool)
    return {"int": integral, "int_or_none": integral or value is None,
            "float": number, "float_or_none": number or value is None, "int_or_float": number,
            "bool": isinstance(value, bool), "str": isinstance(value, str), "list": isinstance(value, list),
            "dict": isinstance(value, dict)}.get(kind, True)


def json_value(value):
    """(True, JSON value) for a literal JSON can hold, else (False, None)."""
    if value is None or isinstance(value, (bool, str)):
        return True, value
    if isinstance(value, int):
        return True, int(value)
    if isinstance(value, float):
        return (True, value) if math.isfinite(value) else (False, None)
    if isinstance(value, (list, tuple)):
        items = [json_value(v) for v in value]
        return (True, [v for _, v in items]) if all(ok for ok, _ in items) else (False, None)
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        items = {k: json_value(v) for k, v in value.items()}
        return (True, {k: v for k, (_, v) in items.items()}) if all(ok for ok, _ in items.values()) \
            else (False, None)
    return False, None


def make_argument(name, default, documented):
    ok, value = json_value(default)
    type_text, description = documented.get(name, ("", ""))
    if type_text:
        kind, choices = doc_type(type_text, value if ok else object())
    else:
        kind, choices = value_type(value) if ok else "any", None
    if ok and not fits(kind, choices, value):
        kind, choices = "any", None
    argument = {"name": name, "type": kind, "required": False, "default": value if ok else None,
                "doc": argument_doc(description)}
    if not ok:
        argument["defaultText"] = re.sub(r" at 0x[0-9a-f]+", "", repr(default))
    if choices is not None:
        argument["choices"] = choices
    return argument


# --------------------------------------------------------------------------------------------------------
# Estimators

def estimator_type(cls):
    if is_classifier(cls):
        return "classifier"
    if is_regressor(cls):
        return "regressor"
    if getattr(cls, "_estimator_type", None) == "clusterer":
        return "clusterer"
    if hasattr(cls, "transform"):
        return "transformer"
    return None


def public_module(cls):
    """The shortest public sklearn module that exports the class (sklearn.decomposition for PCA)."""
    parts = cls.__module__.split(".")
    for end in range(2, len(parts) + 1):
        name = ".".join(parts[:end])
        if parts[end - 1].startswith("_"):
            break
        if getattr(importlib.import_module(name), cls.__name__, None) is cls:
            return name
    return None


def category(cls, kind):
    if kind in PREDICTOR_CATEGORIES:
        return PREDICTOR_CATEGORIES[kind]
    return TRANSFORMER_CATEGORIES.get(cls.__module__.split(".")[1], "Other transformers")


def estimators():
    """(class, estimator type, public module, default instance) of the estimators a catalog lists."""
    out = []
    for name, cls in sorted(all_estimators(), key=lambda pair: pair[0]):
        kind = estimator_type(cls)
        module = public_module(cls)
        if kind is None or module is None or name in TARGET_TRANSFORMERS | LANGUAGE_ESTIMATORS:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                instance = cls()
        except TypeError:  # a meta-estimator that needs an estimator
            continue
        out.append((cls, kind, module, instance))
    return out


def describe(cls, kind, module, instance):
    doc = docstring(cls)
    documented = parameters_section(doc)
    params = instance.get_params(deep=False)
    order = [p for p in inspect.signature(cls.__init__).parameters if p in params]
    predictor = kind != "transformer"
    return {"name": cls.__name__, "module": module, "role": "predictor" if predictor else "transformer",
            "estimatorType": kind, "category": category(cls, kind), "doc": first_sentence(doc),
            "docstring": trim(doc, DOCSTRING_LIMIT),
            "arguments": [make_argument(p, params[p], documented) for p in order],
            "inputs": 1, "max_inputs": 1, "outputs": 0 if predictor else 1, "inputNames": ["X"]}


# --------------------------------------------------------------------------------------------------------
# The language's own nodes (docs/libraries.md)

def _arg(name, type_, doc, default=inspect.Parameter.empty, choices=None):
    argument = {"name": name, "type": type_, "doc": doc, "required": default is inspect.Parameter.empty}
    if default is not inspect.Parameter.empty:
        argument["default"] = default
    if choices is not None:
        argument["choices"] = choices
    return argument


def _node(name, doc, arguments, inputs, max_inputs, outputs, input_names):
    return {"name": name, "category": "Language", "doc": doc, "docstring": doc, "arguments": arguments,
            "inputs": inputs, "max_inputs": max_inputs, "outputs": outputs, "inputNames": input_names}


def language_nodes():
    merge = "Its inputs are connected to input 0, 1, 2, ... (any number, at least two)."
    return [
        _node("Input", "The data the pipeline is fitted on and applied to (X). Exactly one.",
              [_arg("features", "int_or_none", "The number of input features (columns of X); unknown when unset.",
                    None)], 0, 0, 1, []),
        _node("Columns", "Selects columns of X, by index. Only directly after Input, on a branch that ends at a "
              "ColumnTransformer.",
              [_arg("columns", "list", "The indices of the columns the branch gets, e.g. [0, 1, 2].")],
              1, 1, 1, ["X"]),
        _node("ColumnTransformer", "Applies each branch to its own columns and puts the results side by side "
              "(sklearn.compose.ColumnTransformer). Each branch starts with a Columns node. " + merge,
              [_arg("remainder", "choice", "What happens to the columns no branch selects: dropped or passed "
                    "through unchanged.", "drop", ["drop", "passthrough"]),
               _arg("sparse_threshold", "float", "Below this overall density the result is a sparse matrix.", 0.3)],
              2, None, 1, []),
        _node("FeatureUnion", "Applies each branch to the same data and puts the results side by side "
              "(sklearn.pipeline.FeatureUnion). " + merge, [], 2, None, 1, []),
    ]


# --------------------------------------------------------------------------------------------------------


def catalog(with_date=True):
    result = {"sklearn": sklearn.__version__, "python": platform.python_version(),
              "layers": [describe(*entry) for entry in estimators()], "language": language_nodes()}
    if with_date:
        result["generated"] = datetime.date.today().isoformat()
    return result


def render(data):
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="output file (default: %(default)s)")
    parser.add_argument("--no-date", action="store_true",
                        help="leave out the generation date, so that regeneration gives identical bytes")
    args = parser.parse_args(argv)
    data = catalog(with_date=not args.no_date)
    for layer in data["layers"] + data["language"]:
        for argument in layer["arguments"]:
            assert argument["type"] in TYPES, (layer["name"], argument)
    text = render(data)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print("%d estimators, %d language nodes -> %s" % (len(data["layers"]), len(data["language"]), args.out),
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
