"""Tests of the analysis process's lint (undefined names, unresolved imports) and output types."""

import json
import os
import subprocess
import sys

import pytest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from deepforge import analysis as A  # noqa: E402
from deepforge.analysis import linting  # noqa: E402


def lint(code):
    return A.parse(code)["lint"]


def outputs(code):
    return [(o["name"], o.get("type"), o.get("typeFrom")) for o in A.parse(code)["outputs"]]


needs_pyflakes = pytest.mark.skipif(not linting.PYFLAKES, reason="python3-pyflakes is not installed")


@needs_pyflakes
def test_an_undefined_name_is_reported_at_its_line_and_column():
    code = "class Op:\n    def execute(self, x):\n        return x * factr\n"
    [item] = lint(code)
    assert item == {"line": 3, "col": 19, "endCol": 24, "severity": "error", "kind": "undefined-name",
                    "message": "undefined name 'factr'"}


@needs_pyflakes
def test_names_that_are_defined_imported_or_builtin_are_not_reported():
    code = ("import math\n\nclass Op:\n    def __init__(self, k=2):\n        self.k = k\n\n"
            "    def execute(self, x):\n        y = [math.sqrt(v) for v in range(self.k)]\n"
            "        print(len(y), x)\n        return y\n")
    assert lint(code) == []


@needs_pyflakes
def test_string_annotations_name_port_types_and_are_not_undefined_names():
    code = 'class Op:\n    def execute(self, data: "numpy.ndarray") -> "torch.Tensor":\n        return data\n'
    assert lint(code) == []


@needs_pyflakes
def test_an_undefined_name_in_a_non_ascii_line_reports_a_character_column():
    code = 'class Op:\n    def execute(self):\n        s = "é"; return s + nope\n'
    [item] = lint(code)
    assert (item["line"], item["col"]) == (3, code.splitlines()[2].index("nope"))


def test_an_import_the_jobs_python_cannot_find_is_reported_without_importing_it():
    code = "import json\nimport no_such_module_df13\nfrom json.nope_df13 import x\n\nclass Op:\n    def execute(self):\n        return 1\n"
    items = [i for i in lint(code) if i["kind"] == "unresolved-import"]
    assert [(i["line"], i["col"], i["endCol"]) for i in items] == [(2, 7, 26), (3, 5, 19)]
    assert "no_such_module_df13" in items[0]["message"] and sys.executable in items[0]["message"]
    assert "no_such_module_df13" not in sys.modules


def test_guarded_project_and_relative_imports_are_not_reported():
    code = ("try:\n    import no_such_module_df13\nexcept ImportError:\n    no_such_module_df13 = None\n"
            "from utils.helpers import f\nimport os.path\n\nclass Op:\n    def execute(self):\n"
            "        return f, os, no_such_module_df13\n")
    assert [i for i in lint(code) if i["kind"] == "unresolved-import"] == []


def test_module_found_looks_into_packages_without_importing_submodules():
    assert A.module_found("json") and A.module_found("email.mime.text")
    assert not A.module_found("email.no_such_df13") and not A.module_found("no_such_df13.x")


def test_a_syntax_error_has_no_lint():
    assert A.parse("class Op:\n    def execute(self:\n")["lint"] == []


def test_lint_degrades_without_pyflakes(monkeypatch):
    monkeypatch.setattr(linting, "PYFLAKES", False)
    code = "import no_such_module_df13\nclass Op:\n    def execute(self):\n        return nope\n"
    assert [i["kind"] for i in lint(code)] == ["unresolved-import"]


def test_output_types_come_from_the_return_annotation():
    code = "class Op:\n    def execute(self, x) -> float:\n        y = x * 2\n        return y\n"
    assert outputs(code) == [("y", "float", "annotation")]
    code = ("from typing import Tuple\nclass Op:\n    def execute(self, x) -> Tuple[\"numpy.ndarray\", int]:\n"
            "        return x, 3\n")
    assert outputs(code) == [("x", "numpy.ndarray", "annotation"), ("output", "int", "annotation")]
    code = 'class Op:\n    def execute(self, x) -> "torch.nn.Module":\n        return x\n'
    assert outputs(code) == [("x", "torch.nn.Module", "annotation")]


def test_output_types_come_from_a_google_or_numpy_docstring():
    google = ('class Op:\n    def execute(self, x):\n        """Split.\n\n        Returns:\n'
              '            train (numpy.ndarray): the training rows\n                over two lines\n'
              '            test (numpy.ndarray): the rest\n        """\n        return train, test\n')
    assert [t for _, t, _ in outputs(google)] == ["numpy.ndarray", "numpy.ndarray"]
    numpy_style = ('class Op:\n    def execute(self, x):\n        """Count.\n\n        Returns\n        -------\n'
                   '        n : int\n            how many\n\n        Raises\n        ------\n        ValueError\n'
                   '        """\n        return n\n')
    assert outputs(numpy_style) == [("n", "int", "docstring")]
    unnamed = 'class Op:\n    def execute(self, x):\n        """Mean.\n\n        Returns:\n            float: the mean\n        """\n        return sum(x) / len(x)\n'
    assert outputs(unnamed) == [("output", "float", "docstring")]


def test_output_types_come_from_annotated_locals_inputs_and_literals():
    code = ('class Op:\n    def execute(self, data: "numpy.ndarray"):\n        n: int = len(data)\n'
            '        return data, n, 0.5, "done"\n')
    assert outputs(code) == [("data", "numpy.ndarray", "annotation"), ("n", "int", "annotation"),
                             ("output", "float", "literal"), ("output_2", "str", "literal")]


def test_unannotated_outputs_stay_untyped():
    code = "class Op:\n    def execute(self, x):\n        return x + 1\n"
    assert outputs(code) == [("output", None, None)]
    code = "class Op:\n    def execute(self, x) -> tuple:\n        return x, x\n"
    assert all(t is None for _, t, _ in outputs(code))


def test_the_process_answers_lint_over_json_lines():
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    request = {"id": 1, "type": "parse", "code": "import no_such_module_df13\nclass Op:\n    def execute(self):\n        return 1\n"}
    out = subprocess.run([sys.executable, "-m", "deepforge.analysis"], input=json.dumps(request) + "\n",
                         capture_output=True, text=True, env=env, timeout=60, check=True).stdout
    result = json.loads(out)["result"]
    assert result["lint"][0]["kind"] == "unresolved-import"
    assert result["outputs"] == [{"name": "output", "line": 4, "col": 15, "type": "int", "typeFrom": "literal"}]
