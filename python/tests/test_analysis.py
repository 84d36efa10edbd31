"""Tests of the analysis process (the deepforge.analysis package): parsing, edits, protocol."""

import ast
import difflib
import json
import os
import subprocess
import sys

import pytest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from deepforge import analysis as A  # noqa: E402

SPEC_EXAMPLE = '''from typing import Annotated, Literal
from deepforge import Architecture, Range

class Train:
    """Fit a network to labelled data."""

    def __init__(self, model: Architecture, epochs: Annotated[int, Range(1, 1000)] = 10,
                 optimizer: Literal["adam", "sgd"] = "adam", learning_rate=0.001):
        self.model = model
        self.epochs = epochs
        self.optimizer = optimizer
        self.learning_rate = learning_rate

    def execute(self, data, labels: "numpy.ndarray"):
        net = data
        history = labels
        return net, history
'''

SIMPLE = '''from deepforge import Architecture


class Op:
    """Doc."""

    def __init__(self, model: Architecture, epochs=10, rate=0.5):
        self.model = model
        self.epochs = epochs
        self.rate = rate

    def helper(self):
        return self.epochs * 2

    def execute(self, data, labels):
        # data is the input; "data" in strings stays
        result = data + labels  # data
        print("data", self.epochs)
        return result
'''


def P(code, name=None):
    itf = A.parse(code, name)
    json.dumps(itf, allow_nan=False)  # always JSON
    return itf


def names(items):
    return [x["name"] for x in items]


def by_name(items, name):
    return next(x for x in items if x["name"] == name)


def line_diff(old, new):
    """(removed lines, added lines), keeping line ends; equal lines are byte-identical."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def E(code, edit, name=None):
    res = A.edit(code, edit, name)
    assert res["interface"]["syntaxError"] is None
    assert res["interface"] == A.parse(res["code"], res["interface"]["class"])
    ast.parse(res["code"])
    if "\r\n" in code:
        assert res["code"].count("\n") == res["code"].count("\r\n"), "line ends preserved"
    return res["code"], res["interface"]


def crlf(code):
    return code.replace("\n", "\r\n")


def tabs(code):
    return "\n".join(l.replace("    ", "\t") if l.startswith("    ") else l
                     for l in code.split("\n"))


def edit_error(code, edit, name=None):
    with pytest.raises(A.EditError) as e:
        A.edit(code, edit, name)
    return str(e.value)


# ---------------------------------------------------------------------------------------------
# Parsing

def test_spec_example():
    itf = P(SPEC_EXAMPLE)
    assert itf["class"] == "Train" and itf["line"] == 4
    assert itf["docstring"] == "Fit a network to labelled data."
    assert names(itf["attributes"]) == ["epochs", "optimizer", "learning_rate"]
    ep = by_name(itf["attributes"], "epochs")
    assert ep == {"name": "epochs", "type": "int", "default": 10, "min": 1, "max": 1000,
                  "annotation": "Annotated[int, Range(1, 1000)]", "required": False,
                  "line": 7, "col": 44}
    opt = by_name(itf["attributes"], "optimizer")
    assert opt["type"] == "choice" and opt["choices"] == ["adam", "sgd"] and opt["default"] == "adam"
    lr = by_name(itf["attributes"], "learning_rate")
    assert lr["type"] == "float" and lr["default"] == 0.001 and lr["annotation"] is None
    assert "min" not in lr and "choices" not in lr
    assert itf["references"] == [{"name": "model", "type": "Architecture", "line": 7, "col": 23}]
    assert itf["inputs"] == [{"name": "data", "type": None, "line": 14, "col": 22},
                             {"name": "labels", "type": "numpy.ndarray", "line": 14, "col": 28}]
    assert itf["outputs"] == [{"name": "net", "line": 17, "col": 15},
                              {"name": "history", "line": 17, "col": 20}]
    assert itf["errors"] == [] and itf["syntaxError"] is None


def test_no_docstring_is_null():
    itf = P("class A:\n    def execute(self):\n        pass\n")
    assert itf["docstring"] is None and itf["outputs"] == [] and itf["errors"] == []


def test_multiline_docstring_cleaned():
    itf = P('class A:\n    """First.\n\n    More text.\n    """\n    def execute(self): pass\n')
    assert itf["docstring"] == "First.\n\nMore text."


def test_class_decorators():
    code = "import dataclasses\n\n@some.decorator(1)\n@other\nclass A:\n    def execute(self, x):\n        return x\n"
    itf = P(code)
    assert itf["class"] == "A" and itf["line"] == 5 and names(itf["inputs"]) == ["x"]


def test_method_decorators():
    code = ("class A:\n    @decorate\n    def __init__(self, n=1):\n        self.n = n\n\n"
            "    @torch.no_grad()\n    def execute(self, x):\n        return x\n")
    itf = P(code)
    assert names(itf["attributes"]) == ["n"] and names(itf["outputs"]) == ["x"]
    assert itf["inputs"][0]["line"] == 7


def test_several_returns_agree():
    code = ("class A:\n    def execute(self, x):\n        if x:\n            return a, b\n"
            "        return (a, b)\n")
    itf = P(code)
    assert names(itf["outputs"]) == ["a", "b"] and itf["errors"] == []
    assert itf["outputs"][0]["line"] == 4


def test_tuple_returns_parenthesized_and_trailing_comma():
    itf = P("class A:\n    def execute(self):\n        return (x, y,)\n")
    assert names(itf["outputs"]) == ["x", "y"]
    assert itf["outputs"][1] == {"name": "y", "line": 3, "col": 19}


def test_disagreeing_returns_error_names_both_lines():
    code = ("class A:\n    def execute(self, x):\n        if x:\n            return a\n"
            "        return a, b\n")
    itf = P(code)
    assert names(itf["outputs"]) == ["a"]
    assert len(itf["errors"]) == 1
    assert "line 5" in itf["errors"][0] and "line 4" in itf["errors"][0]


def test_generated_output_names():
    itf = P("class A:\n    def execute(self, x):\n        return x + 1, y, f(x), x[0]\n")
    assert names(itf["outputs"]) == ["output", "y", "output_2", "output_3"]


def test_generated_names_skip_taken():
    itf = P("class A:\n    def execute(self, x):\n        return x + 1, output\n")
    assert names(itf["outputs"]) == ["output_2", "output"]


def test_single_expression_return():
    itf = P("class A:\n    def execute(self, x):\n        return x * 2\n")
    assert itf["outputs"] == [{"name": "output", "line": 3, "col": 15}]


def test_bare_return_none_return_and_no_return():
    assert P("class A:\n    def execute(self):\n        return\n")["outputs"] == []
    assert P("class A:\n    def execute(self):\n        return None\n")["outputs"] == []
    assert P("class A:\n    def execute(self):\n        print(1)\n")["outputs"] == []


def test_returns_in_nested_functions_and_classes_do_not_count():
    code = ('class A:\n    def execute(self, x):\n        def inner():\n            return 1, 2\n'
            '        class K:\n            def m(self):\n                return q\n'
            '        f = lambda: 3\n        return x\n')
    itf = P(code)
    assert names(itf["outputs"]) == ["x"] and itf["errors"] == []


def test_returns_inside_loops_and_try_count():
    code = ("class A:\n    def execute(self, x):\n        for i in x:\n            try:\n"
            "                return i\n            except E:\n                return j\n")
    itf = P(code)
    assert names(itf["outputs"]) == ["i"] and len(itf["errors"]) == 1


@pytest.mark.parametrize("ann,typ", [("int", "int"), ("float", "float"), ("bool", "bool"),
                                     ("str", "str"), ("list", "list"), ("dict", "dict"),
                                     ("List[int]", "list"), ("typing.Dict[str, int]", "dict"),
                                     ("Optional[int]", "int"), ("int | None", "int"),
                                     ('"float"', "float"), ("Any", "any")])
def test_attribute_type_from_annotation(ann, typ):
    itf = P("class A:\n    def __init__(self, a: %s):\n        pass\n    def execute(self): pass\n" % ann)
    a = itf["attributes"][0]
    assert a["type"] == typ and a["required"] is True and a["default"] is None
    assert a["annotation"] == ann


@pytest.mark.parametrize("default,typ,value", [
    ("3", "int", 3), ("-3", "int", -3), ("0.5", "float", 0.5), ("1e-3", "float", 0.001),
    ("True", "bool", True), ("False", "bool", False), ("'x'", "str", "x"), ('"é"', "str", "é"),
    ("[1, 'a']", "list", [1, "a"]), ("(1, 2)", "list", [1, 2]), ("{'a': [1]}", "dict", {"a": [1]}),
    ("None", "any", None), ("[]", "list", []), ("{}", "dict", {})])
def test_attribute_type_from_default(default, typ, value):
    itf = P("class A:\n    def __init__(self, a=%s):\n        self.a = a\n    def execute(self): pass\n" % default)
    a = itf["attributes"][0]
    assert (a["type"], a["default"], a["required"]) == (typ, value, False)
    assert itf["errors"] == []


@pytest.mark.parametrize("default", ["os.getcwd()", "x", "{1, 2}", "b'x'", "1j", "float('nan')",
                                     "{1: 2}", "lambda: 0"])
def test_non_literal_default(default):
    itf = P("class A:\n    def __init__(self, a=%s):\n        pass\n    def execute(self): pass\n" % default)
    a = itf["attributes"][0]
    assert a["type"] == "any" and a["default"] is None and a["required"] is False
    assert len(itf["errors"]) == 1 and "line 2" in itf["errors"][0] and "a" in itf["errors"][0]


def test_non_literal_default_keeps_annotated_type():
    itf = P("class A:\n    def __init__(self, a: int = compute()):\n        pass\n    def execute(self): pass\n")
    assert itf["attributes"][0]["type"] == "int" and itf["attributes"][0]["default"] is None
    assert len(itf["errors"]) == 1


def test_unknown_annotation_falls_back_to_default_type():
    itf = P("class A:\n    def __init__(self, a: np.float32 = 1.5):\n        pass\n    def execute(self): pass\n")
    assert itf["attributes"][0]["type"] == "float"


def test_default_not_matching_type_is_an_error():
    itf = P("class A:\n    def __init__(self, a: int = 'x', b: float = 1):\n        pass\n    def execute(self): pass\n")
    assert len(itf["errors"]) == 1 and "a" in itf["errors"][0]


def test_literal_choice():
    itf = P("from typing import Literal\nclass A:\n    def __init__(self, m: Literal['a', 'b', 3] = 'b'):\n"
            "        pass\n    def execute(self): pass\n")
    a = itf["attributes"][0]
    assert a["type"] == "choice" and a["choices"] == ["a", "b", 3] and a["default"] == "b"


def test_typing_literal_and_default_outside_choices():
    itf = P("import typing\nclass A:\n    def __init__(self, m: typing.Literal['a'] = 'z'):\n"
            "        pass\n    def execute(self): pass\n")
    assert itf["attributes"][0]["choices"] == ["a"] and len(itf["errors"]) == 1


def test_annotated_choices():
    itf = P("class A:\n    def __init__(self, m: Annotated[str, Choices('x', 'y')] = 'x'):\n"
            "        pass\n    def execute(self): pass\n")
    a = itf["attributes"][0]
    assert a["type"] == "choice" and a["choices"] == ["x", "y"]


@pytest.mark.parametrize("rng,bounds", [("Range(1, 10)", {"min": 1, "max": 10}),
                                        ("Range(min=0.5)", {"min": 0.5}),
                                        ("Range(max=5)", {"max": 5}),
                                        ("Range(None, 5)", {"max": 5}),
                                        ("deepforge.Range(-1, max=1)", {"min": -1, "max": 1})])
def test_annotated_range(rng, bounds):
    itf = P("class A:\n    def __init__(self, n: Annotated[float, %s] = 1):\n        pass\n"
            "    def execute(self): pass\n" % rng)
    a = itf["attributes"][0]
    assert a["type"] == "float"
    assert {k: a[k] for k in ("min", "max") if k in a} == bounds


def test_keyword_only_and_positional_only_args():
    code = ("class A:\n    def __init__(self, a, /, b=1, *args, c: str = 'x', d, **kw):\n        pass\n"
            "    def execute(self, x, /, y, *, z=None, **rest):\n        return x\n")
    itf = P(code)
    assert names(itf["attributes"]) == ["a", "b", "c", "d"]
    assert by_name(itf["attributes"], "d")["required"] is True
    assert by_name(itf["attributes"], "c")["type"] == "str"
    assert names(itf["inputs"]) == ["x", "y", "z"]


@pytest.mark.parametrize("spelling", ["Architecture", "deepforge.Architecture", '"Architecture"',
                                      "'deepforge.Architecture'"])
def test_reference_spellings(spelling):
    itf = P("import deepforge\nclass A:\n    def __init__(self, net: %s, k=1):\n        pass\n"
            "    def execute(self): pass\n" % spelling)
    assert itf["references"] == [{"name": "net", "type": "Architecture", "line": 3, "col": 23}]
    assert names(itf["attributes"]) == ["k"]


def test_input_types():
    code = ("class A:\n    def execute(self, a: numpy.ndarray, b: 'torch.Tensor', c: List[int],\n"
            "                c2: dict[str,  int], d=3):\n        pass\n")
    itf = P(code)
    assert [x["type"] for x in itf["inputs"]] == ["numpy.ndarray", "torch.Tensor", "List[int]",
                                                 "dict[str, int]", None]
    assert itf["inputs"][3]["line"] == 3


def test_staticmethod_execute_has_no_self():
    itf = P("class A:\n    @staticmethod\n    def execute(x, y):\n        return x\n")
    assert names(itf["inputs"]) == ["x", "y"]


def test_async_execute():
    itf = P("class A:\n    async def execute(self, x):\n        return x\n")
    assert names(itf["inputs"]) == ["x"] and names(itf["outputs"]) == ["x"]


def test_syntax_error_line_col():
    itf = P("class A:\n    def execute(self, x):\n        return x +\n")
    se = itf["syntaxError"]
    assert se["line"] == 3 and se["col"] == 18 and se["message"]
    assert itf["class"] is None
    assert [itf[k] for k in ("attributes", "references", "inputs", "outputs")] == [[], [], [], []]


def test_syntax_error_col_in_characters():
    se = P("class É:\n    ü = = 1\n")["syntaxError"]
    assert (se["line"], se["col"]) == (2, 8)


def test_indentation_error_and_nul_byte():
    se = P("class A:\n    x\n  y\n")["syntaxError"]
    assert se["line"] == 3
    se = P("class A:\n    x = 1\x00\n")["syntaxError"]
    assert se["line"] == 2 and se["col"] == 9


def test_non_ascii_identifiers_columns():
    code = ("class Größe:\n    def __init__(self, maß=1, ñ='ü'):\n        pass\n"
            "    def execute(self, données, δ):\n        return données, δ\n")
    itf = P(code)
    assert itf["class"] == "Größe"
    assert [(a["name"], a["col"]) for a in itf["attributes"]] == [("maß", 23), ("ñ", 30)]
    assert [(a["name"], a["col"]) for a in itf["inputs"]] == [("données", 22), ("δ", 31)]
    assert [(a["name"], a["col"]) for a in itf["outputs"]] == [("données", 15), ("δ", 24)]


def test_tabs():
    itf = P(tabs(SIMPLE))
    assert names(itf["inputs"]) == ["data", "labels"]
    assert itf["inputs"][0]["col"] == 19  # "\tdef execute(self, "


def test_crlf_and_lone_cr():
    itf = P(crlf(SPEC_EXAMPLE))
    assert itf["outputs"] == P(SPEC_EXAMPLE)["outputs"]
    assert itf["docstring"] == "Fit a network to labelled data."
    itf = P(SPEC_EXAMPLE.replace("\n", "\r"))
    assert names(itf["inputs"]) == ["data", "labels"] and itf["outputs"][0]["line"] == 17


def test_bom():
    itf = P("\ufeffclass A:\n    def execute(self, x): return x\n")
    assert itf["class"] == "A" and itf["inputs"][0]["col"] == 22


def test_no_class():
    itf = P("def execute(x):\n    return x\n")
    assert itf["class"] is None and itf["inputs"] == [] and itf["attributes"] == []
    assert len(itf["errors"]) == 1 and "class" in itf["errors"][0]
    assert P("")["errors"] and P("")["syntaxError"] is None


def test_no_execute():
    itf = P("class A:\n    def __init__(self, x=1):\n        pass\n")
    assert names(itf["attributes"]) == ["x"] and itf["inputs"] == [] and itf["outputs"] == []
    assert len(itf["errors"]) == 1 and "execute" in itf["errors"][0]


def test_class_choice():
    code = "class Helper:\n    pass\n\nclass Op:\n    def execute(self): pass\n\nclass Other:\n    def execute(self, q): pass\n"
    assert P(code)["class"] == "Op"
    assert P(code, "Other")["class"] == "Other" and P(code, "Other")["errors"] == []
    itf = P(code, "Missing")
    assert itf["class"] == "Op" and "Missing" in itf["errors"][0]
    assert P("class Helper:\n    pass\n")["class"] == "Helper"


def test_last_definition_of_a_method_wins():
    itf = P("class A:\n    def execute(self, a): pass\n    def execute(self, b): pass\n")
    assert names(itf["inputs"]) == ["b"]


def test_markers_are_light():
    out = subprocess.run([sys.executable, "-c",
                          "import sys, deepforge, deepforge.analysis;"
                          "from deepforge import Range, Choices, Architecture;"
                          "assert Range(1, 2) == Range(min=1, max=2);"
                          "assert 2 in Range(1, 2) and 3 not in Range(max=2);"
                          "assert 'a' in Choices('a', 'b');"
                          "print(sorted(m for m in ('numpy', 'torch') if m in sys.modules))"],
                         cwd=PYTHON_DIR, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_markers_work_in_annotations():
    from typing import Annotated, get_type_hints
    from deepforge import Range, Choices

    class Op:
        def __init__(self, n: Annotated[int, Range(1, 5)] = 2, m: Annotated[str, Choices("a")] = "a"):
            pass

    hints = get_type_hints(Op.__init__, include_extras=True)
    assert hints["n"].__metadata__ == (Range(1, 5),)
    assert repr(hints["m"].__metadata__[0]) == "Choices('a')"


def test_parse_300_lines_the_same_every_time():
    # how fast is a figure for bench/ (bench/run parse), not an assertion here
    lines = ['from typing import Annotated, Literal', 'from deepforge import Architecture, Range', '',
             'class Big:', '    """Big op."""', '',
             '    def __init__(self, model: Architecture, a: Annotated[int, Range(1, 9)] = 2,',
             '                 b: Literal["x", "y"] = "x", c=0.5, d=[1, 2], e={"k": 1}):',
             '        self.model = model', '',
             '    def execute(self, data, labels: "numpy.ndarray"):', '        x = data']
    while len(lines) < 300:
        n = len(lines)
        lines += ['        if x > %d:' % n, '            y%d = [i * %d for i in range(10)]' % (n, n),
                  '            x = helper(x, y%d, "s")  # comment' % n]
    lines += ['        return x, labels', '']
    code = "\n".join(lines)
    assert len(lines) >= 300
    assert names(P(code)["outputs"]) == ["x", "labels"]
    first = A.parse(code)
    for _ in range(5):
        assert A.parse(code) == first


# ---------------------------------------------------------------------------------------------
# Edits: inputs

def test_add_input_single_line():
    new, itf = E(SIMPLE, {"action": "add_input", "name": "mask"})
    assert names(itf["inputs"]) == ["data", "labels", "mask"]
    assert line_diff(SIMPLE, new) == (["    def execute(self, data, labels):\n"],
                                      ["    def execute(self, data, labels, mask):\n"])


def test_add_input_with_type_crlf():
    code = crlf(SIMPLE)
    new, itf = E(code, {"action": "add_input", "name": "mask", "type": "torch.Tensor"})
    assert by_name(itf["inputs"], "mask")["type"] == "torch.Tensor"
    assert line_diff(code, new) == (["    def execute(self, data, labels):\r\n"],
                                    ["    def execute(self, data, labels, mask: torch.Tensor):\r\n"])


def test_add_input_before_defaults_and_star_args():
    code = "class A:\n    def execute(self, a, b=1, *args, k=2, **kw):\n        return a\n"
    new, itf = E(code, {"action": "add_input", "name": "c"})
    assert names(itf["inputs"]) == ["a", "c", "b", "k"]
    assert line_diff(code, new)[1] == ["    def execute(self, a, c, b=1, *args, k=2, **kw):\n"]
    code = "class A:\n    def execute(self, *args):\n        pass\n"
    new, _ = E(code, {"action": "add_input", "name": "c"})
    assert "def execute(self, c, *args):" in new


def test_add_input_multiline_trailing_comma():
    code = ("class A:\n    def execute(\n        self,\n        data,\n        labels,\n    ):\n"
            "        return data\n")
    new, itf = E(code, {"action": "add_input", "name": "mask", "type": "int"})
    assert names(itf["inputs"]) == ["data", "labels", "mask"]
    assert line_diff(code, new) == ([], ["        mask: int,\n"])
    assert new.index("mask") > new.index("labels")


def test_add_input_multiline_no_trailing_comma_tabs_crlf():
    code = "class A:\r\n\tdef execute(\r\n\t\tself,\r\n\t\tdata\r\n\t):\r\n\t\treturn data\r\n"
    new, itf = E(code, {"action": "add_input", "name": "mask"})
    assert names(itf["inputs"]) == ["data", "mask"]
    assert line_diff(code, new) == (["\t\tdata\r\n"], ["\t\tdata,\r\n", "\t\tmask\r\n"])


def test_add_input_aligned_continuation():
    code = "class A:\n    def execute(self, a,\n                b):\n        return a\n"
    new, _ = E(code, {"action": "add_input", "name": "c"})
    assert line_diff(code, new) == (["                b):\n"], ["                b,\n", "                c):\n"])


def test_add_input_creates_execute():
    code = 'class A:\n    """Doc."""\n'
    new, itf = E(code, {"action": "add_input", "name": "x"})
    assert names(itf["inputs"]) == ["x"] and itf["errors"] == []
    assert new.startswith(code)


def test_add_input_errors():
    assert "already" in edit_error(SIMPLE, {"action": "add_input", "name": "data"})
    assert "already" in edit_error(SIMPLE, {"action": "add_input", "name": "result"})
    assert "identifier" in edit_error(SIMPLE, {"action": "add_input", "name": "2x"})
    assert "identifier" in edit_error(SIMPLE, {"action": "add_input", "name": "class"})
    assert "expression" in edit_error(SIMPLE, {"action": "add_input", "name": "m", "type": "a b"})
    assert "name" in edit_error(SIMPLE, {"action": "add_input"})


def test_remove_input():
    new, itf = E(SIMPLE, {"action": "remove_input", "name": "data"})
    assert names(itf["inputs"]) == ["labels"]
    assert line_diff(SIMPLE, new) == (["    def execute(self, data, labels):\n"],
                                      ["    def execute(self, labels):\n"])
    new, itf = E(crlf(SIMPLE), {"action": "remove_input", "name": "labels"})
    assert line_diff(crlf(SIMPLE), new)[1] == ["    def execute(self, data):\r\n"]


def test_remove_input_multiline_and_kwonly():
    code = ("class A:\n    def execute(\n        self,\n        data,  # the data\n        labels\n    ):\n"
            "        return data\n")
    new, itf = E(code, {"action": "remove_input", "name": "data"})
    assert names(itf["inputs"]) == ["labels"]
    assert line_diff(code, new) == (["        data,  # the data\n"], [])
    new, _ = E(code, {"action": "remove_input", "name": "labels"})
    assert line_diff(code, new) == (["        data,  # the data\n", "        labels\n"],
                                    ["        data  # the data\n"])
    code = "class A:\n    def execute(self, a, *, b):\n        pass\n"
    new, itf = E(code, {"action": "remove_input", "name": "b"})
    assert "def execute(self, a):" in new and names(itf["inputs"]) == ["a"]


def test_remove_input_unknown():
    msg = edit_error(SIMPLE, {"action": "remove_input", "name": "nope"})
    assert "nope" in msg and "data" in msg


def test_rename_input_renames_uses_not_strings_or_comments():
    new, itf = E(SIMPLE, {"action": "rename_input", "name": "data", "to": "x"})
    assert names(itf["inputs"]) == ["x", "labels"]
    assert line_diff(SIMPLE, new) == (
        ["    def execute(self, data, labels):\n", "        result = data + labels  # data\n"],
        ["    def execute(self, x, labels):\n", "        result = x + labels  # data\n"])


def test_rename_input_nested_scopes_keywords_attributes():
    code = ("class A:\n    def execute(self, d):\n        f(d=d, e=obj.d)\n"
            "        g = lambda d: d + 1\n        h = [d for _ in d]\n"
            "        def inner():\n            return d\n        return f'{d}'\n")
    new, _ = E(code, {"action": "rename_input", "name": "d", "to": "ds"})
    assert "f(d=ds, e=obj.d)" in new and "lambda d: d + 1" in new
    assert "[ds for _ in ds]" in new and "return ds\n" in new and "return f'{ds}'" in new


def test_rename_input_non_ascii_tabs_crlf():
    code = crlf(tabs("class A:\n    def execute(self, données, b):\n        return données + b, données\n"))
    new, itf = E(code, {"action": "rename_input", "name": "données", "to": "δx"})
    assert names(itf["inputs"]) == ["δx", "b"] and names(itf["outputs"]) == ["output", "δx"]
    assert line_diff(code, new) == (
        ["\tdef execute(self, données, b):\r\n", "\t\treturn données + b, données\r\n"],
        ["\tdef execute(self, δx, b):\r\n", "\t\treturn δx + b, δx\r\n"])


def test_rename_input_errors():
    assert "already used" in edit_error(SIMPLE, {"action": "rename_input", "name": "data", "to": "labels"})
    assert "already used" in edit_error(SIMPLE, {"action": "rename_input", "name": "data", "to": "result"})
    assert "no input" in edit_error(SIMPLE, {"action": "rename_input", "name": "x", "to": "y"})
    assert "to" in edit_error(SIMPLE, {"action": "rename_input", "name": "data"})


# ---------------------------------------------------------------------------------------------
# Edits: outputs

def test_add_output_every_return():
    code = ("class A:\n    def execute(self, x):\n        if x:\n            return x\n"
            "        if y:\n            return (x, y,)\n        return\n")
    new, itf = E(code, {"action": "add_output", "name": "z"})
    assert line_diff(code, new) == (
        ["            return x\n", "            return (x, y,)\n", "        return\n"],
        ["            return x, z\n", "            return (x, y, z,)\n", "        return z\n"])
    assert len(itf["errors"]) == 2  # they still disagree


def test_add_output_tuple_and_parenthesized_value():
    code = "class A:\n    def execute(self, x):\n        return a, (b)\n"
    new, itf = E(code, {"action": "add_output", "name": "c"})
    assert names(itf["outputs"]) == ["a", "b", "c"]
    assert line_diff(code, new)[1] == ["        return a, (b), c\n"]


def test_add_output_appends_return_crlf_tabs():
    code = crlf(tabs("class A:\n    def execute(self, x):\n        y = x\n\n    def other(self):\n        pass\n"))
    new, itf = E(code, {"action": "add_output", "name": "y"})
    assert names(itf["outputs"]) == ["y"]
    assert line_diff(code, new) == ([], ["\t\treturn y\r\n"])
    assert new.index("return y") < new.index("def other")


def test_add_output_appends_return_at_eof_without_newline():
    code = "class A:\n    def execute(self, x):\n        y = x"
    new, itf = E(code, {"action": "add_output", "name": "y"})
    assert new == code + "\n        return y"


def test_add_output_errors():
    assert "already" in edit_error(SIMPLE, {"action": "add_output", "name": "result"})
    assert "execute" in edit_error("class A:\n    pass\n", {"action": "add_output", "name": "x"})


def test_remove_output():
    code = ("class A:\n    def execute(self, x):\n        if x:\n            return a, b, c\n"
            "        return (a,\n                b,\n                c)\n")
    new, itf = E(code, {"action": "remove_output", "name": "b"})
    assert names(itf["outputs"]) == ["a", "c"] and itf["errors"] == []
    assert line_diff(code, new) == (["            return a, b, c\n", "                b,\n"],
                                    ["            return a, c\n"])
    new, itf = E(code, {"action": "remove_output", "name": "c"})
    assert names(itf["outputs"]) == ["a", "b"]
    assert "return a, b\n" in new and "return (a,\n                b)\n" in new


def test_remove_only_output_and_generated_output():
    new, itf = E(SIMPLE, {"action": "remove_output", "name": "result"})
    assert itf["outputs"] == [] and line_diff(SIMPLE, new) == (["        return result\n"],
                                                                ["        return\n"])
    code = crlf("class A:\n    def execute(self, x):\n        return x + 1, x\n")
    new, itf = E(code, {"action": "remove_output", "name": "output"})
    assert names(itf["outputs"]) == ["x"]
    assert line_diff(code, new) == (["        return x + 1, x\r\n"], ["        return x\r\n"])


def test_remove_output_unknown():
    assert "no output" in edit_error(SIMPLE, {"action": "remove_output", "name": "zzz"})


def test_rename_output():
    code = ("class A:\n    def execute(self, x):\n        net = x  # net\n        if x:\n"
            "            return net, 'net'\n        return net, 2\n")
    new, itf = E(code, {"action": "rename_output", "name": "net", "to": "model"})
    assert names(itf["outputs"]) == ["model", "output"]
    assert line_diff(code, new) == (
        ["        net = x  # net\n", "            return net, 'net'\n", "        return net, 2\n"],
        ["        model = x  # net\n", "            return model, 'net'\n", "        return model, 2\n"])


def test_rename_output_errors():
    code = "class A:\n    def execute(self, x):\n        y = 1\n        return x, x * 2, y\n"
    assert "expression" in edit_error(code, {"action": "rename_output", "name": "output", "to": "z"})
    assert "input" in edit_error(code, {"action": "rename_output", "name": "x", "to": "z"})
    assert "already" in edit_error(code, {"action": "rename_output", "name": "y", "to": "x"})
    assert "identifier" in edit_error(code, {"action": "rename_output", "name": "y", "to": "a-b"})


# ---------------------------------------------------------------------------------------------
# Edits: attributes

def test_add_attribute_with_default():
    new, itf = E(SIMPLE, {"action": "add_attribute", "name": "seed", "default": 42})
    assert by_name(itf["attributes"], "seed") == {**by_name(itf["attributes"], "seed"),
                                                   "type": "int", "default": 42}
    assert line_diff(SIMPLE, new) == (
        ["    def __init__(self, model: Architecture, epochs=10, rate=0.5):\n"],
        ["    def __init__(self, model: Architecture, epochs=10, rate=0.5, seed=42):\n",
         "        self.seed = seed\n"])
    assert new.index("self.seed = seed") > new.index("self.rate = rate")


@pytest.mark.parametrize("default,text", [("a'b", '"a\'b"'), (None, "None"), (True, "True"),
                                          (1.5, "1.5"), ([1, "x", None], "[1, 'x', None]"),
                                          ({"k": [False]}, "{'k': [False]}")])
def test_add_attribute_default_rendering(default, text):
    new, itf = E(SIMPLE, {"action": "add_attribute", "name": "v", "default": default})
    assert "rate=0.5, v=%s)" % text in new
    assert by_name(itf["attributes"], "v")["default"] == default


def test_add_attribute_required_goes_before_defaults_and_star():
    code = "class A:\n    def __init__(self, a, b=1, *, c=2):\n        self.a = a\n    def execute(self): pass\n"
    new, itf = E(code, {"action": "add_attribute", "name": "r", "type": "str"})
    assert "def __init__(self, a, r: str, b=1, *, c=2):" in new
    assert by_name(itf["attributes"], "r")["required"] is True
    new, itf = E(code, {"action": "add_attribute", "name": "d", "default": 3, "type": "int"})
    assert "def __init__(self, a, b=1, d: int = 3, *, c=2):" in new
    assert names(itf["attributes"]) == ["a", "b", "d", "c"]
    assert line_diff(code, new)[1][1] == "        self.d = d\n"


def test_add_attribute_multiline_signature_crlf():
    code = crlf("class A:\n    def __init__(\n        self,\n        a=1,\n    ):\n        self.a = a\n\n"
                "    def execute(self):\n        pass\n")
    new, itf = E(code, {"action": "add_attribute", "name": "b", "default": "x"})
    assert line_diff(code, new) == ([], ["        b='x',\r\n", "        self.b = b\r\n"])


def test_add_attribute_creates_init_tabs():
    code = tabs('class A:\n    """Doc."""\n\n    def execute(self, x):\n        return x\n')
    new, itf = E(code, {"action": "add_attribute", "name": "n", "default": 2})
    assert by_name(itf["attributes"], "n")["default"] == 2
    assert line_diff(code, new) == ([], ["\tdef __init__(self, n=2):\n", "\t\tself.n = n\n", "\n"])
    assert new.index("__init__") < new.index("execute")


def test_add_attribute_replaces_pass_body():
    code = "class A:\n    def __init__(self):\n        pass\n    def execute(self): pass\n"
    new, _ = E(code, {"action": "add_attribute", "name": "n", "default": 1})
    assert line_diff(code, new) == (["    def __init__(self):\n", "        pass\n"],
                                    ["    def __init__(self, n=1):\n", "        self.n = n\n"])


def test_add_attribute_choice_adds_literal_import():
    new, itf = E(SIMPLE, {"action": "add_attribute", "name": "mode", "type": "choice",
                          "choices": ["a", "b"], "default": "a"})
    a = by_name(itf["attributes"], "mode")
    assert a["type"] == "choice" and a["choices"] == ["a", "b"]
    assert line_diff(SIMPLE, new)[1][0] == "from typing import Literal\n"


def test_add_attribute_errors():
    assert "already" in edit_error(SIMPLE, {"action": "add_attribute", "name": "epochs"})
    assert "already" in edit_error(SIMPLE, {"action": "add_attribute", "name": "model"})
    assert "identifier" in edit_error(SIMPLE, {"action": "add_attribute", "name": "a b"})
    assert "reserved" in edit_error(SIMPLE, {"action": "add_attribute", "name": "self"})
    assert "reference" in edit_error(SIMPLE, {"action": "add_attribute", "name": "m",
                                              "type": "Architecture"})
    assert "choices" in edit_error(SIMPLE, {"action": "add_attribute", "name": "m", "type": "choice"})


def test_remove_attribute():
    new, itf = E(SIMPLE, {"action": "remove_attribute", "name": "epochs"})
    assert names(itf["attributes"]) == ["rate"]
    assert line_diff(SIMPLE, new) == (
        ["    def __init__(self, model: Architecture, epochs=10, rate=0.5):\n",
         "        self.epochs = epochs\n"],
        ["    def __init__(self, model: Architecture, rate=0.5):\n"])


def test_remove_attribute_last_statement_becomes_pass_crlf():
    code = crlf("class A:\n    def __init__(self, a=1):\n        self.a = a\n\n    def execute(self):\n        pass\n")
    new, itf = E(code, {"action": "remove_attribute", "name": "a"})
    assert itf["attributes"] == []
    assert line_diff(code, new) == (["    def __init__(self, a=1):\r\n", "        self.a = a\r\n"],
                                    ["    def __init__(self):\r\n", "        pass\r\n"])


def test_remove_attribute_multiline_tabs():
    code = tabs("class A:\n    def __init__(\n        self,\n        a=1,\n        b=2,\n    ):\n"
                "        self.a = a; self.b = b\n    def execute(self): pass\n")
    new, itf = E(code, {"action": "remove_attribute", "name": "a"})
    assert names(itf["attributes"]) == ["b"]
    assert line_diff(code, new) == (["\t\ta=1,\n", "\t\tself.a = a; self.b = b\n"],
                                    ["\t\tself.b = b\n"])


def test_remove_attribute_errors():
    msg = edit_error(SIMPLE, {"action": "remove_attribute", "name": "model"})
    assert "reference" in msg
    assert "no attribute" in edit_error(SIMPLE, {"action": "remove_attribute", "name": "q"})


def test_rename_attribute_across_class():
    new, itf = E(SIMPLE, {"action": "rename_attribute", "name": "epochs", "to": "n_epochs"})
    assert names(itf["attributes"]) == ["n_epochs", "rate"]
    assert line_diff(SIMPLE, new) == (
        ["    def __init__(self, model: Architecture, epochs=10, rate=0.5):\n",
         "        self.epochs = epochs\n", "        return self.epochs * 2\n",
         '        print("data", self.epochs)\n'],
        ["    def __init__(self, model: Architecture, n_epochs=10, rate=0.5):\n",
         "        self.n_epochs = n_epochs\n", "        return self.n_epochs * 2\n",
         '        print("data", self.n_epochs)\n'])


def test_rename_attribute_uses_in_init_crlf():
    code = crlf("class A:\n    def __init__(self, ä=1):\n        self.ä = ä\n        self.twice = ä * 2  # ä\n"
                "    def execute(self): return self.ä\n")
    new, itf = E(code, {"action": "rename_attribute", "name": "ä", "to": "b"})
    assert names(itf["attributes"]) == ["b"]
    assert "self.twice = b * 2  # ä" in new and "return self.b" in new


def test_rename_attribute_errors():
    assert "already" in edit_error(SIMPLE, {"action": "rename_attribute", "name": "epochs", "to": "rate"})
    assert "already" in edit_error(SIMPLE, {"action": "rename_attribute", "name": "epochs", "to": "model"})
    assert "no attribute" in edit_error(SIMPLE, {"action": "rename_attribute", "name": "x", "to": "y"})


def test_set_default():
    new, itf = E(SIMPLE, {"action": "set_default", "name": "rate", "default": 0.25})
    assert by_name(itf["attributes"], "rate")["default"] == 0.25
    assert line_diff(SIMPLE, new)[1] == ["    def __init__(self, model: Architecture, epochs=10, rate=0.25):\n"]
    new, itf = E(SIMPLE, {"action": "set_default", "name": "epochs", "default": None})
    assert "epochs=None" in new and by_name(itf["attributes"], "epochs")["type"] == "any"


def test_set_default_keeps_the_literal_as_typed():
    # the UI sends what the user typed: "3.0" must stay a float, not become 3
    new, itf = E(SIMPLE, {"action": "set_default", "name": "rate", "literal": "3.0"})
    assert "rate=3.0)" in new and by_name(itf["attributes"], "rate")["default"] == 3.0
    assert isinstance(by_name(itf["attributes"], "rate")["default"], float)
    new, itf = E(SIMPLE, {"action": "add_attribute", "name": "lr", "type": "float", "literal": "1e-3"})
    assert "lr: float = 1e-3" in new
    for bad in ("os.system('x')", "", "[1, 2", "float('inf')", "1e999"):
        with pytest.raises(A.EditError) as e:
            A.edit(SIMPLE, {"action": "set_default", "name": "rate", "literal": bad}, None)
        assert "literal" in str(e.value) or "finite" in str(e.value)


def test_set_default_on_required_and_kwonly():
    code = "class A:\n    def __init__(self, a, b: int, *, c):\n        pass\n    def execute(self): pass\n"
    new, itf = E(code, {"action": "set_default", "name": "b", "default": 3})
    assert "def __init__(self, a, b: int = 3, *, c):" in new
    new, itf = E(code, {"action": "set_default", "name": "c", "default": {"k": 1}})
    assert "*, c={'k': 1}):" in new
    new, itf = E(code, {"action": "set_default", "name": "a", "default": "s"})
    assert "def __init__(self, b: int, a='s', *, c):" in new
    assert by_name(itf["attributes"], "a")["default"] == "s"


def test_set_default_errors():
    assert "default" in edit_error(SIMPLE, {"action": "set_default", "name": "rate"})
    assert "no attribute" in edit_error(SIMPLE, {"action": "set_default", "name": "model", "default": 1})


# ---------------------------------------------------------------------------------------------
# Edits: references and class

def test_add_reference_with_existing_import():
    new, itf = E(SIMPLE, {"action": "add_reference", "name": "encoder"})
    assert names(itf["references"]) == ["model", "encoder"]
    assert line_diff(SIMPLE, new) == (
        ["    def __init__(self, model: Architecture, epochs=10, rate=0.5):\n"],
        ["    def __init__(self, model: Architecture, encoder: Architecture, epochs=10, rate=0.5):\n",
         "        self.encoder = encoder\n"])


def test_add_reference_adds_import_or_uses_module():
    code = "import os\n\nclass A:\n    def execute(self): pass\n"
    new, itf = E(code, {"action": "add_reference", "name": "net", "type": "Architecture"})
    assert itf["references"][0]["name"] == "net"
    assert line_diff(code, new)[1][0] == "from deepforge import Architecture\n"
    code = crlf("import deepforge\n\nclass A:\n    def __init__(self):\n        pass\n    def execute(self): pass\n")
    new, itf = E(code, {"action": "add_reference", "name": "net"})
    assert "def __init__(self, net: deepforge.Architecture):\r\n" in new
    assert "import deepforge\r\n" in new and new.count("import") == 1


def test_add_reference_errors():
    assert "reference type" in edit_error(SIMPLE, {"action": "add_reference", "name": "n", "type": "Dataset"})
    assert "already" in edit_error(SIMPLE, {"action": "add_reference", "name": "rate"})


def test_remove_reference():
    new, itf = E(crlf(SIMPLE), {"action": "remove_reference", "name": "model"})
    assert itf["references"] == [] and names(itf["attributes"]) == ["epochs", "rate"]
    assert line_diff(crlf(SIMPLE), new) == (
        ["    def __init__(self, model: Architecture, epochs=10, rate=0.5):\r\n",
         "        self.model = model\r\n"],
        ["    def __init__(self, epochs=10, rate=0.5):\r\n"])
    assert "attribute" in edit_error(SIMPLE, {"action": "remove_reference", "name": "rate"})


def test_rename_reference():
    new, itf = E(tabs(SIMPLE), {"action": "rename_reference", "name": "model", "to": "net"})
    assert itf["references"][0]["name"] == "net"
    assert line_diff(tabs(SIMPLE), new) == (
        ["\tdef __init__(self, model: Architecture, epochs=10, rate=0.5):\n",
         "\t\tself.model = model\n"],
        ["\tdef __init__(self, net: Architecture, epochs=10, rate=0.5):\n", "\t\tself.net = net\n"])
    assert "already" in edit_error(SIMPLE, {"action": "rename_reference", "name": "model", "to": "rate"})
    assert "no reference" in edit_error(SIMPLE, {"action": "rename_reference", "name": "rate", "to": "r"})


def test_rename_class():
    code = ("import x\n\n@dec\nclass  Train(Base):\n    def __init__(self):\n        super(Train, self).__init__()\n"
            "    def execute(self):\n        return Train\n")
    new, itf = E(code, {"action": "rename_class", "to": "Fit"})
    assert itf["class"] == "Fit"
    assert line_diff(code, new) == (
        ["class  Train(Base):\n", "        super(Train, self).__init__()\n", "        return Train\n"],
        ["class  Fit(Base):\n", "        super(Fit, self).__init__()\n", "        return Fit\n"])


def test_rename_class_chosen_by_name_and_errors():
    code = "class A:\n    def execute(self): pass\n\nclass B:\n    def execute(self): pass\n"
    new, itf = E(code, {"action": "rename_class", "to": "C"}, "B")
    assert line_diff(code, new) == (["class B:\n"], ["class C:\n"]) and itf["class"] == "C"
    assert "already" in edit_error(code, {"action": "rename_class", "to": "A"}, "B")
    assert "identifier" in edit_error(code, {"action": "rename_class", "to": "1A"})


# ---------------------------------------------------------------------------------------------
# Edits: general errors

def test_edit_on_syntax_error():
    msg = edit_error("class A:\n    def execute(self, x):\n        return x +\n",
                     {"action": "add_input", "name": "y"})
    assert "syntax error" in msg and "line 3" in msg


def test_edit_unknown_action_and_no_class():
    assert "unknown edit action" in edit_error(SIMPLE, {"action": "frobnicate"})
    assert "unknown edit action" in edit_error(SIMPLE, {})
    assert "object" in edit_error(SIMPLE, "add_input")
    assert "no class" in edit_error("x = 1\n", {"action": "add_input", "name": "y"})


def test_every_action_is_tested():
    src = open(__file__, encoding="utf-8").read()
    for action in A.ACTIONS:
        assert src.count('"action": "%s"' % action) >= 2, action


# ---------------------------------------------------------------------------------------------
# Protocol

def test_handle_line_directly():
    r = json.loads(A.handle_line(b'{"id": 1, "type": "ping"}'))
    assert r["ok"] and r["result"]["pong"] is True
    assert A.handle_line("   \n") is None
    assert json.loads(A.handle_line(b"\xff\xfe"))["ok"] is False
    assert json.loads(A.handle_line("[" * 100000))["ok"] is False
    r = json.loads(A.handle_line('{"id": NaN, "type": "ping"}'))
    assert r["id"] is None and r["ok"] is False


def test_requirements():
    r = A.requirements(["json", "pyyaml>=5", "scikit-learn>=1.0; python_version>'3'",
                        "definitely-not-installed-pkg==1.0", "pytest[testing]"])
    assert "definitely-not-installed-pkg" in r["missing"]
    assert "json" in r["found"] and "pytest" in r["found"] and r["found"]["pytest"]
    assert set(r["missing"]) | set(r["found"]) == {"json", "pyyaml", "scikit-learn",
                                                 "definitely-not-installed-pkg", "pytest"}
    assert A.IMPORT_NAMES["pillow"] == "PIL" and A.IMPORT_NAMES["opencv-python"] == "cv2"


def test_protocol_subprocess():
    requests = [
        json.dumps({"id": 1, "type": "ping"}),
        "this is not json",
        json.dumps({"id": 2, "type": "parse", "code": SPEC_EXAMPLE}),
        json.dumps([1, 2]),
        json.dumps({"id": "three", "type": "nope"}),
        "",
        json.dumps({"id": 4, "type": "parse"}),
        json.dumps({"id": 5, "type": "edit", "code": SIMPLE,
                    "edit": {"action": "add_input", "name": "mask"}}),
        json.dumps({"id": 6, "type": "edit", "code": SIMPLE, "edit": {"action": "remove_input", "name": "zz"}}),
        json.dumps({"id": 7, "type": "requirements", "packages": ["torch", "scikit-learn>=1.0", "pyyaml"]}),
        json.dumps({"id": 8, "type": "requirements", "packages": "torch"}),
        json.dumps({"type": "ping"}),
        json.dumps({"id": 9, "type": "parse", "code": "class É:\n    def execute(self, ü): return ü\n"},
                   ensure_ascii=False),
        '{"id": 10, "type": "parse", "code": "x = (", "name": 5}',
        json.dumps({"id": 11, "type": "parse", "code": "class A:\n  x = = 1\n"}),
    ]
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    proc = subprocess.run([sys.executable, "-u", "-m", "deepforge.analysis"],
                          input=("\n".join(requests) + "\n").encode("utf-8"), capture_output=True,
                          env=env, cwd=PYTHON_DIR, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    lines = proc.stdout.decode("ascii").splitlines()
    rs = [json.loads(l) for l in lines]
    assert len(rs) == len(requests) - 1  # the blank line gets no response
    assert rs[0] == {"id": 1, "ok": True, "result": {"pong": True, "python": sys.version.split()[0]}} \
        or rs[0]["result"]["pong"] is True
    assert rs[1]["id"] is None and rs[1]["ok"] is False and "JSON" in rs[1]["error"]
    assert rs[2]["id"] == 2 and rs[2]["result"]["class"] == "Train"
    assert rs[3]["id"] is None and rs[3]["ok"] is False
    assert rs[4]["id"] == "three" and "unknown request type" in rs[4]["error"]
    assert rs[5]["id"] == 4 and "code" in rs[5]["error"]
    assert rs[6]["id"] == 5 and rs[6]["ok"] and "mask" in rs[6]["result"]["code"]
    assert names(rs[6]["result"]["interface"]["inputs"]) == ["data", "labels", "mask"]
    assert rs[7]["id"] == 6 and rs[7]["ok"] is False and "zz" in rs[7]["error"]
    assert rs[8]["id"] == 7 and set(rs[8]["result"]) == {"missing", "found"}
    assert set(rs[8]["result"]["missing"]) | set(rs[8]["result"]["found"]) == {"torch", "scikit-learn", "pyyaml"}
    assert rs[9]["id"] == 8 and rs[9]["ok"] is False
    assert rs[10]["id"] is None and "id" in rs[10]["error"]
    assert rs[11]["id"] == 9 and rs[11]["result"]["inputs"][0] == {"name": "ü", "type": None, "line": 2, "col": 22}
    assert rs[12]["id"] == 10 and rs[12]["ok"] is False and "name" in rs[12]["error"]
    assert rs[13]["id"] == 11 and rs[13]["result"]["syntaxError"]["line"] == 2


def test_protocol_interactive_flush_and_eof():
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    proc = subprocess.Popen([sys.executable, "-u", "-m", "deepforge.analysis"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=PYTHON_DIR)
    try:
        for i in range(3):
            proc.stdin.write(b'{"id": %d, "type": "ping"}\n' % i)
            proc.stdin.flush()
            r = json.loads(proc.stdout.readline())
            assert r["id"] == i and r["ok"]
        proc.stdin.write(b"\x00\x01garbage\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["ok"] is False
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0
        assert proc.stdout.read() == b""
    finally:
        if proc.poll() is None:
            proc.kill()


def test_imports_request_names_top_level_modules_from_python_grammar():
    from deepforge.analysis.protocol import handle

    code = ('import sklearn.pipeline as skp\nfrom joblib import dump\nfrom . import helpers\n'
            'text = "import torch"  # import numpy\n\ndef f():\n    import os.path\n')
    answer = handle({"id": 1, "type": "imports", "code": code})
    assert answer == {"id": 1, "ok": True, "result": {"modules": ["joblib", "os", "sklearn"], "error": None}}
    broken = handle({"id": 2, "type": "imports", "code": "import (\n"})["result"]
    assert broken["modules"] == [] and broken["error"].startswith("line 1")
