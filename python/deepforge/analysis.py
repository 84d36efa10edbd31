"""DeepForge analysis process: parses and edits operation code (docs/operations.md).

Run as ``python3 -u -m deepforge.analysis``: JSON lines on stdin, one JSON line per request on
stdout. Standard library only, so that it starts fast; the PyTorch request ``layer_shapes`` imports
``deepforge.nnimport`` (and torch) lazily, on first use. This process is shared by every user, so it
never runs users' code: it parses it (``ast``) and computes meta-device shapes of catalog layers;
importing a model runs in a sandboxed process per request (``python -m deepforge.nnimport``).

Spec ambiguities and how they are resolved here:

* ``errors`` entries are plain strings that start with ``line N:`` where a line is known.
* A syntax error gives ``class``/``docstring``/``line`` null and empty lists (the server keeps the
  last good interface); ``syntaxError.col`` is 0-based in characters.  An error without a position
  (e.g. a NUL byte) points at the NUL byte, else at line 1, col 0.
* ``name`` given but no class has it: the default choice is used and ``errors`` says so.
* ``return None`` counts like a bare ``return`` (no outputs).  Generated output names are
  ``output``, ``output_2``, ... counted per return, skipping names taken in that return.
* When returns disagree, the outputs are those of the first return.
* A default that is a tuple is reported as a list; sets, bytes, complex, NaN/inf and dicts with
  non-string keys are "not a literal" (type ``any``, default null, an error).  An annotation
  that is not understood (e.g. ``np.ndarray``) falls back to the default's type.
* Inputs report ``type`` as ``ast.unparse`` of the annotation (normalised), or the string's
  contents for a string annotation.  Attributes report ``annotation`` as the source text or null.
* ``remove_reference``/``add_reference``/``rename_reference`` treat ``self.<name> = <name>`` like
  the attribute actions do.  ``add_reference`` spells the type ``Architecture`` when the module
  imports it, ``deepforge.Architecture`` after ``import deepforge``, and otherwise adds
  ``from deepforge import Architecture``.
* ``add_attribute`` ``type`` is an annotation expression (``int``, ``Literal["a", "b"]``, ...);
  ``"any"`` means none; ``"choice"`` needs ``choices`` (a list) and writes ``Literal[...]``,
  importing ``Literal`` from typing when needed.
* ``add_input`` creates ``execute(self, ...)`` (body ``pass``) when it is missing; output edits
  need an existing ``execute``.
* ``rename_output`` of a generated output (an expression) or of an output that is also an input
  is refused with a message; renames refuse a target name already used in the scope.
* ``set_default`` on a positional parameter followed by parameters without defaults moves the
  parameter to the end of the positional parameters (before ``*``).
* ``rename_class`` also renames uses of the class name (``ast.Name``) elsewhere in the module.
* ``requirements``: ``found``/``missing`` are keyed by the requirement's name without version
  specifiers, extras or markers (as written); version specifiers are not checked.
* Blank request lines are ignored (no response); a request without ``id`` is an error with
  ``id`` null.  Responses are ASCII-only JSON.
"""

import ast
import bisect
import io
import json
import keyword
import math
import platform
import re
import sys
import tokenize
import unicodedata

RESOURCE_TYPES = ("Architecture",)
BASIC_TYPES = ("int", "float", "bool", "str", "list", "dict")
_TYPE_ALIASES = {"List": "list", "Sequence": "list", "Tuple": "list", "tuple": "list",
                 "Dict": "dict", "Mapping": "dict", "Any": "any", "object": "any"}
_NL = re.compile(r"\r\n|\r|\n")
_LONE_CR = re.compile(r"\r(?!\n)")


class EditError(Exception):
    """An edit that cannot apply; the message says what to fix."""


# --------------------------------------------------------------------------------------------
# Source text and positions

class Source:
    """The code with line starts, converting ast's UTF-8 byte columns to character offsets."""

    def __init__(self, text):
        self.text = text
        self.bom = 1 if text.startswith("\ufeff") else 0
        self.parse_text = text[1:] if self.bom else text
        starts, ends = [0], []
        for m in _NL.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        self.starts, self.ends = starts, ends
        m = _NL.search(text)
        self.eol = m.group() if m else "\n"
        self.ascii = text.isascii()

    def line(self, lineno):
        return self.text[self.starts[lineno - 1]:self.ends[lineno - 1]]

    def col(self, lineno, bcol):
        """Character column (as the user sees the line) of a byte column from ast."""
        if self.ascii:
            return bcol
        line = self.line(lineno)
        if lineno == 1 and self.bom:
            line = line[1:]
        if line.isascii():
            return bcol
        return len(line.encode("utf-8")[:bcol].decode("utf-8", "replace"))

    def off(self, lineno, bcol):
        base = self.starts[lineno - 1] + (self.bom if lineno == 1 else 0)
        return base + self.col(lineno, bcol)

    def start(self, node):
        return self.off(node.lineno, node.col_offset)

    def end(self, node):
        return self.off(node.end_lineno, node.end_col_offset)

    def segment(self, node):
        return self.text[self.start(node):self.end(node)]

    def lineno_of(self, off):
        return bisect.bisect_right(self.starts, off)

    def line_start(self, off):
        return self.starts[self.lineno_of(off) - 1]

    def line_end(self, off):
        """Offset of the end of the line's content (before its line break)."""
        return self.ends[self.lineno_of(off) - 1]

    def next_line_start(self, off):
        n = self.lineno_of(off)
        return self.starts[n] if n < len(self.starts) else len(self.text)

    def starts_line(self, off):
        return self.text[self.line_start(off):off].strip() == ""

    def rest_blank(self, off):
        rest = self.text[off:self.line_end(off)].strip()
        return rest == "" or rest.startswith("#")

    def indent_of(self, off):
        ls = self.line_start(off)
        line = self.text[ls:self.line_end(off)]
        return line[:len(line) - len(line.lstrip())]

    def tokens(self, start, end):
        """Significant tokens of text[start:end] as (start, end, type, string), absolute offsets."""
        frag = _LONE_CR.sub("\n", self.text[start:end])
        fstarts = [0] + [m.end() for m in re.finditer("\n", frag)]
        out = []
        skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                tokenize.ENDMARKER)
        try:
            for tok in tokenize.generate_tokens(io.StringIO(frag).readline):
                if tok.type in skip:
                    continue
                s = start + fstarts[tok.start[0] - 1] + tok.start[1]
                e = start + fstarts[tok.end[0] - 1] + tok.end[1]
                out.append((s, e, tok.type, tok.string))
        except (tokenize.TokenError, SyntaxError):
            pass  # fragment ended inside a bracket: callers stop at the matching bracket anyway
        return out


def _norm(name):
    return unicodedata.normalize("NFKC", name)


def _ident_len(text, start):
    """Length of the identifier that starts at text[start]."""
    k = start
    while k < len(text) and (text[start:k + 1].isidentifier()):
        k += 1
    return k - start


# --------------------------------------------------------------------------------------------
# Parsing

def _jsonable(v):
    """(ok, json_value) for a literal value."""
    if v is None or isinstance(v, (bool, str)):
        return True, v
    if isinstance(v, int):
        return True, v
    if isinstance(v, float):
        return (True, v) if math.isfinite(v) else (False, None)
    if isinstance(v, (list, tuple)):
        out = []
        for x in v:
            ok, j = _jsonable(x)
            if not ok:
                return False, None
            out.append(j)
        return True, out
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            ok, j = _jsonable(x)
            if not ok or not isinstance(k, str):
                return False, None
            out[k] = j
        return True, out
    return False, None


def _literal(node):
    try:
        v = ast.literal_eval(node)
    except Exception:  # noqa: BLE001 - anything that is not a literal
        return False, None
    return _jsonable(v)


def _type_of_value(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "str"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "dict"
    return "any"


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _last(dotted):
    return dotted.rsplit(".", 1)[-1] if dotted else None


def _string_annotation(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return ast.parse(node.value.strip(), mode="eval").body
        except Exception:  # noqa: BLE001
            return None
    return None


def _reference_type(ann):
    """The resource type named by an annotation, or None."""
    if ann is None:
        return None
    inner = _string_annotation(ann)
    if inner is not None:
        ann = inner
    base = _last(_dotted(ann))
    return base if base in RESOURCE_TYPES else None


def _annotation_info(node, errors, lineno, depth=0):
    """{type, choices?, min?, max?} for an understood annotation, else None."""
    if node is None or depth > 10:
        return None
    inner = _string_annotation(node)
    if inner is not None:
        return _annotation_info(inner, errors, lineno, depth + 1)
    base = _last(_dotted(node))
    if base is not None:
        if base in BASIC_TYPES:
            return {"type": base}
        if base in _TYPE_ALIASES:
            return {"type": _TYPE_ALIASES[base]}
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [s for s in (node.left, node.right)
                 if not (isinstance(s, ast.Constant) and s.value is None)]
        return _annotation_info(sides[0], errors, lineno, depth + 1) if len(sides) == 1 else None
    if not isinstance(node, ast.Subscript):
        return None
    head = _last(_dotted(node.value))
    elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    if head == "Literal":
        choices = []
        for e in elts:
            ok, v = _literal(e)
            if ok:
                choices.append(v)
            else:
                errors.append("line %d: Literal[...] choice %s is not a literal"
                              % (lineno, ast.unparse(e)))
        return {"type": "choice", "choices": choices}
    if head == "Annotated" and elts:
        info = dict(_annotation_info(elts[0], errors, lineno, depth + 1) or {"type": "any"})
        for meta in elts[1:]:
            if not isinstance(meta, ast.Call):
                continue
            kind = _last(_dotted(meta.func))
            if kind == "Range":
                bounds = {}
                for key, arg in zip(("min", "max"), meta.args):
                    bounds[key] = arg
                for kw in meta.keywords:
                    if kw.arg in ("min", "max", "lo", "hi"):
                        bounds[{"lo": "min", "hi": "max"}.get(kw.arg, kw.arg)] = kw.value
                for key in ("min", "max"):
                    if key not in bounds:
                        continue
                    ok, v = _literal(bounds[key])
                    if ok and v is None:
                        continue
                    if ok and isinstance(v, (int, float)) and not isinstance(v, bool):
                        info[key] = v
                    else:
                        errors.append("line %d: Range %s must be a number"
                                      % (lineno, key))
            elif kind == "Choices":
                choices = []
                for e in meta.args:
                    ok, v = _literal(e)
                    if ok:
                        choices.append(v)
                    else:
                        errors.append("line %d: Choices value %s is not a literal"
                                      % (lineno, ast.unparse(e)))
                info["type"] = "choice"
                info["choices"] = choices
        return info
    if head == "Optional" and len(elts) == 1:
        return _annotation_info(elts[0], errors, lineno, depth + 1)
    if head == "Union":
        rest = [e for e in elts if not (isinstance(e, ast.Constant) and e.value is None)
                and _dotted(e) != "None"]
        return _annotation_info(rest[0], errors, lineno, depth + 1) if len(rest) == 1 else None
    if head in BASIC_TYPES:
        return {"type": head}
    if head in _TYPE_ALIASES:
        return {"type": _TYPE_ALIASES[head]}
    return None


def _is_staticmethod(fn):
    return any(_last(_dotted(d)) == "staticmethod" for d in fn.decorator_list)


def _params(fn):
    """[(arg, default_node_or_None, kind)] of a method, without self, *args and **kwargs."""
    a = fn.args
    pos = a.posonlyargs + a.args
    defaults = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
    out = [(arg, d, "posonly" if i < len(a.posonlyargs) else "arg")
           for i, (arg, d) in enumerate(zip(pos, defaults))]
    if out and not _is_staticmethod(fn):
        out = out[1:]
    out += [(arg, d, "kwonly") for arg, d in zip(a.kwonlyargs, a.kw_defaults)]
    return out


def _method(cls, name):
    found = None
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            found = node
    return found


def _walk_scope(nodes):
    """Nodes below `nodes` without entering nested functions, lambdas and classes."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _returns(fn):
    rets = [n for n in _walk_scope(fn.body) if isinstance(n, ast.Return)]
    rets.sort(key=lambda r: (r.lineno, r.col_offset))
    return rets


def _return_elements(ret):
    """[(name, node)] of the outputs one return gives."""
    v = ret.value
    if v is None or (isinstance(v, ast.Constant) and v.value is None):
        return []
    elts = v.elts if isinstance(v, ast.Tuple) else [v]
    names = [e.id if isinstance(e, ast.Name) else None for e in elts]
    used = {n for n in names if n}
    k = 1
    for i, n in enumerate(names):
        if n is None:
            while True:
                cand = "output" if k == 1 else "output_%d" % k
                k += 1
                if cand not in used:
                    break
            names[i] = cand
            used.add(cand)
    return list(zip(names, elts))


def _choose_class(tree, name, errors):
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    if not classes:
        return None
    if name:
        for c in classes:
            if c.name == name:
                return c
    chosen = next((c for c in classes if _method(c, "execute")), classes[0])
    if name:
        errors.append("line %d: no class named %s; using %s" % (chosen.lineno, name, chosen.name))
    return chosen


def _empty_interface():
    return {"class": None, "docstring": None, "line": None, "attributes": [], "references": [],
            "inputs": [], "outputs": [], "errors": [], "syntaxError": None, "lint": []}


def _syntax_error(src, exc):
    msg = getattr(exc, "msg", None) or str(exc)
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "offset", None)
    if line is None:
        nul = src.text.find("\x00")
        if nul >= 0:
            line = src.lineno_of(nul)
            col = nul - src.starts[line - 1] + 1
        else:
            line, col = 1, 1
    col = max(0, (col or 1) - 1)
    return {"message": str(msg), "line": line, "col": col}


class Parsed:
    """A parse: the tree, the chosen class, its methods and the interface."""

    def __init__(self, code, name=None):
        self.src = Source(code)
        self.tree = None
        self.cls = self.init = self.execute = None
        self.interface = _empty_interface()
        try:
            self.tree = ast.parse(self.src.parse_text)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as e:
            self.interface["syntaxError"] = _syntax_error(self.src, e)
            return
        self._analyse(name)
        self.interface["lint"] = lint(self.tree, self.src)

    def pos(self, node):
        return {"line": node.lineno, "col": self.src.col(node.lineno, node.col_offset)}

    def _analyse(self, name):
        itf = self.interface
        errors = itf["errors"]
        cls = self.cls = _choose_class(self.tree, name, errors)
        if cls is None:
            errors.append("no class found: define the operation as a class with an execute method")
            return
        itf["class"] = cls.name
        itf["docstring"] = ast.get_docstring(cls)
        itf["line"] = cls.lineno
        self.init = _method(cls, "__init__")
        self.execute = _method(cls, "execute")
        if self.init is not None:
            for arg, default, _kind in _params(self.init):
                ref = _reference_type(arg.annotation)
                if ref:
                    itf["references"].append(dict(name=arg.arg, type=ref, **self.pos(arg)))
                else:
                    itf["attributes"].append(self._attribute(arg, default, errors))
        if self.execute is None:
            errors.append("line %d: class %s has no execute method" % (cls.lineno, cls.name))
            return
        for arg, _default, _kind in _params(self.execute):
            ann = arg.annotation
            if ann is None:
                typ = None
            elif isinstance(ann, ast.Constant) and isinstance(ann.value, str):
                typ = ann.value.strip()
            else:
                typ = ast.unparse(ann)
            itf["inputs"].append(dict(name=arg.arg, type=typ, **self.pos(arg)))
        first = None
        for ret in _returns(self.execute):
            elems = _return_elements(ret)
            names = [n for n, _ in elems]
            if first is None:
                first = (ret, names)
                itf["outputs"] = [dict(name=n, **self.pos(e)) for n, e in elems]
                _output_types(self.execute, itf["inputs"], elems, itf["outputs"])
            elif names != first[1]:
                errors.append("line %d: return gives (%s) but the return on line %d gives (%s); "
                              "every return must give the same outputs"
                              % (ret.lineno, ", ".join(names), first[0].lineno,
                                 ", ".join(first[1])))

    def _attribute(self, arg, default, errors):
        line = arg.lineno
        info = _annotation_info(arg.annotation, errors, line)
        attr = {"name": arg.arg, "type": "any", "default": None}
        value_ok, value = True, None
        if default is not None:
            value_ok, value = _literal(default)
            if not value_ok:
                errors.append("line %d: the default of %s (%s) is not a literal; use a number, "
                              "string, bool, None, list or dict"
                              % (default.lineno, arg.arg, self.src.segment(default)))
            else:
                attr["default"] = value
        if info is not None:
            attr.update(info)
        elif value_ok and default is not None:
            attr["type"] = _type_of_value(value)
        attr["annotation"] = (self.src.segment(arg.annotation)
                              if arg.annotation is not None else None)
        attr["required"] = default is None
        attr.update(self.pos(arg))
        if default is not None and value_ok and value is not None:
            t = attr["type"]
            bad = ((t == "choice" and value not in attr.get("choices", []))
                   or (t == "float" and (isinstance(value, bool)
                                         or not isinstance(value, (int, float))))
                   or (t in ("int", "str", "list", "dict", "bool")
                       and _type_of_value(value) != t))
            if bad:
                errors.append("line %d: the default of %s (%s) does not match its type %s"
                              % (default.lineno, arg.arg, json.dumps(value), t))
        return attr


# --------------------------------------------------------------------------------------------
# Output types

def _type_text(ann):
    """An annotation as the type text ports carry (as inputs report it), or None."""
    if ann is None:
        return None
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        return ann.value.strip() or None
    return ast.unparse(ann)


_DOC_SECTION = re.compile(r"^\s*(Returns|Yields)\s*:?\s*$")
_DOC_NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
_DOC_GOOGLE_ITEM = re.compile(r"^(?:(\w+)\s*\(([^)]+)\)|([\w\[\], .|]+?))\s*:(?:\s.*)?$")
_DOC_NUMPY_ITEM = re.compile(r"^(?:(\w+)\s*:\s*)?([\w\[\], .|]+?)$")


def _docstring_returns(doc):
    """[(name or None, type)] from a Google-style (``Returns:`` then ``name (type): text`` or
    ``type: text``) or NumPy-style (``Returns``, a rule, then ``name : type`` or ``type``) section."""
    lines = (doc or "").expandtabs().splitlines()
    for i, line in enumerate(lines):
        if not _DOC_SECTION.match(line):
            continue
        base = len(line) - len(line.lstrip())
        body = lines[i + 1:]
        numpy = bool(body) and _DOC_NUMPY_RULE.match(body[0]) is not None
        if numpy:
            body = body[1:]
        out = []
        item_indent = None
        for k, text in enumerate(body):
            if not text.strip():
                continue
            indent = len(text) - len(text.lstrip())
            if indent < base or (not numpy and indent == base):
                break  # the section ended
            if numpy and k + 1 < len(body) and _DOC_NUMPY_RULE.match(body[k + 1]):
                break  # the next section's title
            item_indent = indent if item_indent is None else item_indent
            if indent > item_indent:
                continue  # a description line
            m = (_DOC_NUMPY_ITEM if numpy else _DOC_GOOGLE_ITEM).match(text.strip())
            if not m:
                continue
            if numpy:
                out.append((m.group(1), m.group(2).strip()))
            elif m.group(1):
                out.append((m.group(1), m.group(2).strip()))
            else:
                out.append((None, m.group(3).strip()))
        return out
    return []


def _output_types(fn, inputs, elems, outputs):
    """Sets ``type`` (and ``typeFrom``) of outputs where the code says: the return annotation of
    ``execute``, its docstring's Returns section, an annotated local or input that is returned, or
    a returned literal. Outputs with no known type stay untyped (any)."""
    n = len(outputs)
    if n == 0:
        return
    found = [None] * n
    ann = fn.returns
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        try:
            ann = ast.parse(ann.value.strip(), mode="eval").body
        except SyntaxError:
            ann = None
    if ann is not None and not (isinstance(ann, ast.Constant) and ann.value is None):
        head = _last(_dotted(ann.value)) if isinstance(ann, ast.Subscript) else None
        if n > 1 and head in ("Tuple", "tuple"):
            elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            if len(elts) == n and not any(isinstance(e, ast.Constant) and e.value is Ellipsis for e in elts):
                found = [(_type_text(e), "annotation") for e in elts]
        elif n == 1:
            found = [(_type_text(ann), "annotation")]
    doc = _docstring_returns(ast.get_docstring(fn))
    if doc:
        named = {k: t for k, t in doc if k}
        for i, out in enumerate(outputs):
            if found[i] is not None:
                continue
            if out["name"] in named:
                found[i] = (named[out["name"]], "docstring")
            elif len(doc) == n and doc[i][0] is None:
                found[i] = (doc[i][1], "docstring")
    locals_ = {}
    for node in _walk_scope(fn.body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            locals_.setdefault(node.target.id, _type_text(node.annotation))
    params = {p["name"]: p.get("type") for p in inputs}
    for i, (name, node) in enumerate(elems):
        if found[i] is not None:
            continue
        if isinstance(node, ast.Name):
            t = locals_.get(node.id) or params.get(node.id)
            if t:
                found[i] = (t, "annotation")
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float, str, bool):
            found[i] = (type(node.value).__name__, "literal")
    for out, f in zip(outputs, found):
        if f is not None and f[0]:
            out["type"] = f[0]
            out["typeFrom"] = f[1]


# --------------------------------------------------------------------------------------------
# Lint: undefined names (pyflakes) and unresolved imports

try:  # Debian python3-pyflakes; without it the analysis still works, minus undefined names
    from pyflakes import checker as _pyflakes_checker
    from pyflakes import messages as _pyflakes_messages
    PYFLAKES = True
except ImportError:  # pragma: no cover - depends on the machine
    PYFLAKES = False

# Imports of the project's own modules (utils/<module>.py) are provided by the job bundle.
PROJECT_PACKAGES = ("utils",)


def _undefined_names(tree, src):
    if not PYFLAKES:
        return []
    kinds = (_pyflakes_messages.UndefinedName, _pyflakes_messages.UndefinedLocal,
             _pyflakes_messages.UndefinedExport)
    # a string annotation names a type for ports ("numpy.ndarray"), not code that runs
    strings = set()
    for node in ast.walk(tree):
        anns = []
        if isinstance(node, ast.arg):
            anns = [node.annotation]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            anns = [node.returns]
        elif isinstance(node, ast.AnnAssign):
            anns = [node.annotation]
        for a in anns:
            for c in ast.walk(a) if a is not None else ():
                if isinstance(c, ast.Constant) and isinstance(c.value, str):
                    strings.add((c.lineno, c.col_offset))
    out = []
    for m in _pyflakes_checker.Checker(tree, filename="<operation>").messages:
        if not isinstance(m, kinds) or (m.lineno, m.col) in strings:
            continue
        line = m.lineno
        col = src.col(line, m.col) if line <= len(src.starts) else m.col
        name = m.message_args[0] if m.message_args else ""
        item = {"line": line, "col": col, "severity": "error", "kind": "undefined-name",
                "message": m.message % m.message_args}
        text = src.line(line) if line <= len(src.starts) else ""
        if isinstance(name, str) and text[col:col + len(name)] == name:
            item["endCol"] = col + len(name)
        out.append(item)
    return out


def _guarded(parents, node):
    """Whether an import sits in ``try`` with an ``except`` that catches ImportError."""
    child = node
    p = parents.get(id(node))
    while p is not None:
        if isinstance(p, ast.Try) and child in p.body:
            for h in p.handlers:
                names = [h.type] if not isinstance(h.type, ast.Tuple) else h.type.elts
                if h.type is None or any(_last(_dotted(t)) in ("ImportError", "ModuleNotFoundError",
                                                                   "Exception", "BaseException")
                                         for t in names):
                    return True
        child = p
        p = parents.get(id(p))
    return False


def module_found(name):
    """Whether the interpreter can import module ``name``, found without importing it (only the
    packages above a submodule are looked at, through their search path, not imported)."""
    import importlib.machinery
    import importlib.util

    parts = name.split(".")
    try:
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        return False
    except Exception:  # noqa: BLE001 - a broken finder: do not blame the user's code
        return True
    if spec is None:
        return False
    prefix = parts[0]
    for part in parts[1:]:
        prefix += "." + part
        if prefix in sys.modules:
            spec = getattr(sys.modules[prefix], "__spec__", None)
            if spec is None:
                return True
            continue
        locations = spec.submodule_search_locations
        if locations is None:
            return True  # a module, not a package (e.g. os.path): cannot tell without importing
        try:
            sub = importlib.machinery.PathFinder.find_spec(prefix, list(locations))
        except Exception:  # noqa: BLE001
            return True
        if sub is None:
            return False
        spec = sub
    return True


def _unresolved_imports(tree, src):
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods = [(a.name, a) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            mods = [(node.module, node)]
        else:
            continue
        for mod, at in mods:
            if mod.split(".")[0] in PROJECT_PACKAGES or module_found(mod):
                continue
            if _guarded(parents, node):
                continue
            line = node.lineno
            text = src.line(line)
            col = src.col(line, node.col_offset)
            k = text.find(mod, col)
            item = {"line": line, "col": k if k >= 0 else col, "severity": "error",
                    "kind": "unresolved-import",
                    "message": "no module named %r for the jobs' Python (%s)" % (
                        mod, sys.executable)}
            if k >= 0:
                item["endCol"] = k + len(mod)
            out.append(item)
    return out


def lint(tree, src):
    """Problems in parsed code that would stop it at run time: undefined names and unresolved
    imports, each ``{line, col, endCol?, severity, kind, message}`` (col 0-based, in characters)."""
    out = _undefined_names(tree, src) + _unresolved_imports(tree, src)
    out.sort(key=lambda d: (d["line"], d["col"]))
    return out


def parse(code, name=None):
    """The interface JSON of an operation's code."""
    return Parsed(code, name).interface


# --------------------------------------------------------------------------------------------
# Editing helpers

class Item:
    """One comma-separated element (parameter, marker, tuple element) with its text span."""

    __slots__ = ("kind", "arg", "default", "start", "end", "comma")

    def __init__(self, start, end, comma):
        self.start, self.end, self.comma = start, end, comma
        self.kind = self.arg = self.default = None


def _split_items(tokens, spans):
    """Split tokens (between brackets) at depth-0 commas outside the given ast spans."""
    items, seg, depth = [], [], 0
    for tok in tokens:
        s, e, _typ, string = tok
        if string in ("(", "[", "{"):
            depth += 1
        elif string in (")", "]", "}"):
            depth -= 1
        if string == "," and depth == 0 and not any(a <= s < b for a, b in spans):
            if seg:
                items.append(Item(seg[0][0], seg[-1][1], s))
            seg = []
            continue
        seg.append(tok)
    if seg:
        items.append(Item(seg[0][0], seg[-1][1], None))
    return items


class Signature:
    """The parameter list of a function: brackets and items in source order."""

    def __init__(self, src, fn):
        self.src, self.fn = src, fn
        body_start = src.start(fn.body[0])
        toks = src.tokens(src.start(fn), body_start)
        i = next((k for k, t in enumerate(toks) if t[3] == "("), None)
        if i is None:
            raise EditError("cannot find the parameter list of %s" % fn.name)
        self.open = toks[i][0]
        depth, inner = 0, []
        self.close = None
        for tok in toks[i:]:
            if tok[3] in ("(", "[", "{"):
                depth += 1
            elif tok[3] in (")", "]", "}"):
                depth -= 1
            if depth == 0:
                self.close = tok[0]
                break
            if tok is not toks[i]:
                inner.append(tok)
        if self.close is None:
            raise EditError("cannot find the end of the parameter list of %s" % fn.name)
        a = fn.args
        expected = []
        pos = a.posonlyargs + a.args
        defaults = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
        for k, (arg, d) in enumerate(zip(pos, defaults)):
            expected.append(("posonly" if k < len(a.posonlyargs) else "arg", arg, d))
            if k == len(a.posonlyargs) - 1:
                expected.append(("slash", None, None))
        if a.vararg is not None:
            expected.append(("vararg", a.vararg, None))
        elif a.kwonlyargs:
            expected.append(("star", None, None))
        for arg, d in zip(a.kwonlyargs, a.kw_defaults):
            expected.append(("kwonly", arg, d))
        if a.kwarg is not None:
            expected.append(("kwarg", a.kwarg, None))
        spans = []
        for _k, arg, d in expected:
            for node in (arg, d):
                if node is not None:
                    spans.append((src.start(node), src.end(node)))
        self.items = _split_items(inner, spans)
        if len(self.items) != len(expected):
            raise EditError("cannot analyse the parameter list of %s" % fn.name)
        for item, (kind, arg, d) in zip(self.items, expected):
            item.kind, item.arg, item.default = kind, arg, d
        self.has_self = bool(pos) and not _is_staticmethod(fn)

    def find(self, name):
        for k, item in enumerate(self.items):
            if item.arg is not None and item.kind not in ("vararg", "kwarg") \
                    and _norm(item.arg.arg) == _norm(name):
                return k
        return None

    def insert_index(self, with_default):
        """Where a new positional parameter goes."""
        items = self.items
        end = next((k for k, it in enumerate(items) if it.kind in ("vararg", "star", "kwonly",
                                                                  "kwarg")), len(items))
        if with_default:
            return end
        for k in range(end):
            if items[k].default is not None:
                return k
        return end

    def insert(self, index, text):
        return _insert_item(self.src, self.items, index, text, self.open + 1)

    def remove(self, k):
        items = self.items
        i = j = k
        a = self.fn.args
        item = items[k]
        if item.kind == "kwonly" and a.vararg is None and len(a.kwonlyargs) == 1:
            i = k - 1  # the bare * goes too
        if item.kind == "posonly" and len(a.posonlyargs) == 1:
            j = k + 1  # the / goes too
        return _remove_items(self.src, items, i, j)


def _insert_item(src, items, index, text, empty_at):
    """Edits inserting `text` as a new element before items[index] (or at the end)."""
    eol = src.eol
    if not items:
        return [(empty_at, empty_at, text)]
    if index < len(items):
        nxt = items[index]
        if index > 0 and src.starts_line(nxt.start):
            ls = src.line_start(nxt.start)
            return [(ls, ls, src.indent_of(nxt.start) + text + "," + eol)]
        if index == 0:
            return [(nxt.start, nxt.start, text + ", ")]
        prev = items[index - 1]
        return [(prev.end, prev.end, ", " + text)]
    prev = items[-1]
    if src.starts_line(prev.start) and len(items) > 1:
        indent = src.indent_of(prev.start)
        after = prev.comma + 1 if prev.comma is not None else prev.end
        if src.rest_blank(after):
            nls = src.next_line_start(after)
            if prev.comma is not None:
                return [(nls, nls, indent + text + "," + eol)]
            return [(prev.end, prev.end, ","), (nls, nls, indent + text + eol)]
        if prev.comma is None:
            return [(prev.end, prev.end, "," + eol + indent + text)]
    return [(prev.end, prev.end, ", " + text)]


def _remove_items(src, items, i, j):
    """Edits removing items[i..j] and their separators."""
    first, last = items[i], items[j]
    prev = items[i - 1] if i > 0 else None
    nxt = items[j + 1] if j + 1 < len(items) else None
    after = last.comma + 1 if last.comma is not None else last.end
    if src.starts_line(first.start) and src.rest_blank(after) and (prev is not None
                                                                   or nxt is not None):
        edits = [(src.line_start(first.start), src.next_line_start(after), "")]
        if nxt is None and last.comma is None and prev is not None and prev.comma is not None:
            edits.append((prev.comma, prev.comma + 1, ""))
        return edits
    if nxt is not None and (prev is None or src.lineno_of(nxt.start) == src.lineno_of(after)):
        return [(first.start, nxt.start, "")]
    if prev is not None:
        return [(prev.end, last.end, "")]
    return [(first.start, after, "")]


def _apply(text, edits):
    edits = sorted(edits, key=lambda e: (e[0], e[1]))
    for (s1, e1, _), (s2, _e2, _t) in zip(edits, edits[1:]):
        if s2 < e1:
            raise EditError("internal error: overlapping edits")
    out, pos = [], 0
    for s, e, t in edits:
        out.append(text[pos:s])
        out.append(t)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def _check_identifier(name, what="name"):
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise EditError("%s %r is not a Python identifier; use letters, digits and _ and do not "
                        "start with a digit" % (what, name))
    if name == "self":
        raise EditError("%s 'self' is reserved; choose another name" % what)


def _literal_text(value):
    """A JSON value rendered as a Python literal."""
    if isinstance(value, float) and not math.isfinite(value):
        raise EditError("default must be a finite number")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join("%r: %s" % (str(k), _literal_text(v))
                               for k, v in value.items()) + "}"
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    raise EditError("default must be a JSON value")


def _default_text(edit):
    """The default of an edit as Python source: ``literal`` (the text the user typed, kept as
    typed so that ``3.0`` stays a float) or ``default`` (a JSON value)."""
    if "literal" in edit:
        text = edit["literal"]
        if not isinstance(text, str) or not text.strip():
            raise EditError("literal must be the default's Python text, e.g. 3.0 or 'adam'")
        text = text.strip()
        if len(text) > 10000:
            raise EditError("literal is longer than 10,000 characters; load big values from a file")
        try:
            value = ast.literal_eval(ast.parse(text, mode="eval").body)
        except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
            raise EditError("default %s is not a Python literal (a number, string, True/False/None, "
                            "or a list/tuple/dict of them)" % _brief(text))
        if isinstance(value, float) and not math.isfinite(value):
            raise EditError("default must be a finite number")
        return text
    return _literal_text(edit["default"])


def _brief(text, n=40):
    return repr(text if len(text) <= n else text[:n] + "...")


def _insert_statement(src, after_node, body, text):
    """Edits adding the statement `text` after `after_node` (a statement of `body`)."""
    first = body[0]
    bstart = src.start(first)
    if not src.starts_line(bstart):
        e = src.end(after_node)
        return [(e, e, "; " + text)]
    indent = src.indent_of(bstart)
    e = src.end(after_node)
    nls = src.next_line_start(e)
    if nls >= len(src.text) and not src.text[src.line_start(e):].endswith(("\n", "\r")):
        return [(len(src.text), len(src.text), src.eol + indent + text)]
    return [(nls, nls, indent + text + src.eol)]


def _remove_statement(src, stmt, body):
    """Edits removing a simple statement (a `pass` replaces it when it is the only one)."""
    s, e = src.start(stmt), src.end(stmt)
    if len(body) == 1:
        return [(s, e, "pass")]
    if src.starts_line(s) and src.rest_blank(e):
        rest = src.text[e:src.line_end(e)].strip()
        if rest == "":
            return [(src.line_start(s), src.next_line_start(e), "")]
    # shares its line with other statements: remove it and one `;`
    m = re.match(r"[ \t]*;[ \t]*", src.text[e:])
    if m:
        return [(s, e + m.end(), "")]
    m = re.search(r";[ \t]*$", src.text[src.line_start(s):s])
    if m:
        return [(src.line_start(s) + m.start(), e, "")]
    return [(s, e, "pass")]


def _body_indent_unit(src, cls):
    inner = src.indent_of(src.start(cls.body[0]))
    outer = src.indent_of(src.start(cls))
    unit = inner[len(outer):] if inner.startswith(outer) else ""
    return inner, unit or ("\t" if "\t" in inner else "    ")


def _add_method(p, header, body_line):
    """Edits adding a method (header like 'def f(self):') to the chosen class."""
    src, cls = p.src, p.cls
    if not src.starts_line(src.start(cls.body[0])):
        raise EditError("class %s is written on one line; put its body on its own lines first"
                        % cls.name)
    ind, unit = _body_indent_unit(src, cls)
    eol = src.eol
    method = ind + header + eol + ind + unit + body_line + eol
    funcs = [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if header.startswith("def __init__") and funcs:
        node = funcs[0]
        first_line = min([node.lineno] + [d.lineno for d in node.decorator_list])
        at = src.starts[first_line - 1]
        return [(at, at, method + eol)]
    last = cls.body[-1]
    e = src.end(last)
    nls = src.next_line_start(e)
    if nls >= len(src.text) and not src.text.endswith(("\n", "\r")):
        return [(len(src.text), len(src.text), eol + eol + method.rstrip("\r\n"))]
    return [(nls, nls, eol + method)]


def _ensure_import(p, module, name):
    """(spelling, edits): how to spell module.name here, importing it if needed."""
    tree, src = p.tree, p.src
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == module and node.level == 0:
            for alias in node.names:
                if alias.name == name:
                    return alias.asname or name, []
        if isinstance(node, ast.ClassDef) and node.name == name:
            return name, []
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == module:
                    return (alias.asname or module) + "." + name, []
    line = "from %s import %s" % (module, name)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
               and n.lineno < p.cls.lineno]
    if imports:
        e = src.end(imports[-1])
        nls = src.next_line_start(e)
        return name, [(nls, nls, line + src.eol)]
    body = tree.body
    k = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        k = 1
    target = body[k]
    first_line = min([target.lineno] + [d.lineno for d in getattr(target, "decorator_list", [])])
    at = src.starts[first_line - 1]
    return name, [(at, at, line + src.eol + src.eol)]


def _scope_names(p, roots, name, what):
    """Spans of `name` used as a variable in the code below roots (for a rename)."""
    src, target = p.src, _norm(name)
    spans = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = node.args
            params = a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]
            if any(_norm(x.arg) == target for x in params):
                continue  # shadowed
            if not isinstance(node, ast.Lambda) and _norm(node.name) == target:
                raise EditError("line %d: %s is also the name of a function in %s; rename it "
                                "first" % (node.lineno, name, what))
        if isinstance(node, ast.ClassDef) and _norm(node.name) == target:
            raise EditError("line %d: %s is also the name of a class in %s; rename it first"
                            % (node.lineno, name, what))
        if isinstance(node, ast.Name) and node.id == target:
            s, e = src.start(node), src.end(node)
            if _norm(src.text[s:e]) != target:
                raise EditError("line %d: cannot locate %s in the source" % (node.lineno, name))
            spans.append((s, e))
        elif isinstance(node, ast.ExceptHandler) and node.name and _norm(node.name) == target:
            s = src.start(node)
            stop = src.start(node.body[0])
            for m in re.finditer(r"\bas[ \t]+([^\W\d]\w*)", src.text[s:stop]):
                if _norm(m.group(1)) == target:
                    spans.append((s + m.start(1), s + m.end(1)))
                    break
            else:
                raise EditError("line %d: cannot locate %s in the source" % (node.lineno, name))
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and target in node.names:
            raise EditError("line %d: %s is declared global/nonlocal; rename it by hand"
                            % (node.lineno, name))
        elif isinstance(node, ast.alias) and _norm(node.asname or node.name) == target:
            raise EditError("line %d: %s is bound by an import; rename it by hand"
                            % (node.lineno, name))
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name == target:
            raise EditError("line %d: %s is bound by a match pattern; rename it by hand"
                            % (node.lineno, name))
        stack.extend(ast.iter_child_nodes(node))
    return spans


def _arg_name_span(src, arg):
    s = src.start(arg)
    return s, s + _ident_len(src.text, s)


def _uses_name(fn, name, include_params=True):
    target = _norm(name)
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and node.id == target:
            return True
        if include_params and isinstance(node, ast.arg) and node.arg == target:
            return True
    return False


def _self_attribute_spans(p, name):
    """Spans of the attribute names in `self.<name>` across the class."""
    src, target = p.src, _norm(name)
    spans = []
    for node in ast.walk(p.cls):
        if isinstance(node, ast.Attribute) and node.attr == target \
                and isinstance(node.value, ast.Name) and node.value.id == "self":
            e = src.end(node)
            s = e
            while s > 0 and src.text[s - 1:e].isidentifier():
                s -= 1
            if _norm(src.text[s:e]) != target:
                raise EditError("line %d: cannot locate self.%s in the source"
                                % (node.lineno, name))
            spans.append((s, e))
    return spans


def _plain_self_assign(p, name):
    """The statement `self.<name> = <name>` in __init__'s body, or None."""
    target = _norm(name)
    for stmt in p.init.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            t = stmt.targets[0]
            if isinstance(t, ast.Attribute) and t.attr == target and isinstance(t.value, ast.Name) \
                    and t.value.id == "self" and isinstance(stmt.value, ast.Name) \
                    and stmt.value.id == target:
                return stmt
    return None


# --------------------------------------------------------------------------------------------
# Edit actions: each returns the new code (possibly by composing steps that re-parse)

def _need(edit, key, kind=str):
    if key not in edit:
        raise EditError("edit needs %r" % key)
    value = edit[key]
    if kind is not None and not isinstance(value, kind):
        raise EditError("edit %r must be a %s" % (key, "string" if kind is str else kind.__name__))
    return value


def _need_init_param(p, name, reference):
    what = "reference" if reference else "attribute"
    itf = p.interface
    names = [x["name"] for x in itf["references" if reference else "attributes"]]
    if _norm(name) not in [_norm(n) for n in names]:
        other = [x["name"] for x in itf["attributes" if reference else "references"]]
        hint = (" (%s is a%s)" % (name, "n attribute" if reference else " reference")
                if name in other else "")
        raise EditError("class %s has no %s named %r%s; known: %s"
                        % (p.cls.name, what, name, hint, ", ".join(names) or "none"))
    sig = Signature(p.src, p.init)
    return sig, sig.find(name)


def _need_execute(p):
    if p.execute is None:
        raise EditError("class %s has no execute method; add one first" % p.cls.name)
    return p.execute


def _add_param(p, fn, text, with_default):
    sig = Signature(p.src, fn)
    return sig.insert(sig.insert_index(with_default), text)


def act_add_input(p, edit):
    name = _need(edit, "name")
    _check_identifier(name)
    typ = edit.get("type")
    text = name
    if typ is not None:
        if not isinstance(typ, str) or not _valid_expr(typ):
            raise EditError("type %r is not a Python expression" % (typ,))
        text = "%s: %s" % (name, typ.strip())
    if p.execute is None:
        return _apply(p.src.text, _add_method(p, "def execute(self, %s):" % text, "pass"))
    if _uses_name(p.execute, name) or name in [x["name"] for x in p.interface["inputs"]]:
        raise EditError("the name %r is already used in execute; choose another" % name)
    return _apply(p.src.text, _add_param(p, p.execute, text, False))


def _valid_expr(text):
    try:
        ast.parse(text.strip(), mode="eval")
        return True
    except Exception:  # noqa: BLE001
        return False


def _need_input(p, name):
    fn = _need_execute(p)
    names = [x["name"] for x in p.interface["inputs"]]
    if _norm(name) not in [_norm(n) for n in names]:
        raise EditError("execute has no input named %r; known: %s"
                        % (name, ", ".join(names) or "none"))
    sig = Signature(p.src, fn)
    return fn, sig, sig.find(name)


def act_remove_input(p, edit):
    name = _need(edit, "name")
    _fn, sig, k = _need_input(p, name)
    return _apply(p.src.text, sig.remove(k))


def act_rename_input(p, edit):
    name, to = _need(edit, "name"), _need(edit, "to")
    _check_identifier(to, "new name")
    fn, sig, k = _need_input(p, name)
    if _norm(to) == _norm(name):
        return p.src.text
    if _uses_name(fn, to):
        raise EditError("the name %r is already used in execute; choose another" % to)
    edits = [_arg_name_span(p.src, sig.items[k].arg) + (to,)]
    edits += [(s, e, to) for s, e in _scope_names(p, fn.body, name, "execute")]
    return _apply(p.src.text, edits)


def _output_names(p):
    return [x["name"] for x in p.interface["outputs"]]


def act_add_output(p, edit):
    name = _need(edit, "name")
    _check_identifier(name)
    fn = _need_execute(p)
    src = p.src
    if name in _output_names(p):
        raise EditError("execute already has an output named %r; choose another" % name)
    rets = _returns(fn)
    if not rets:
        last = fn.body[-1]
        return _apply(src.text, _insert_statement(src, last, fn.body, "return " + name))
    edits = []
    for ret in rets:
        rs, re_ = src.start(ret), src.end(ret)
        v = ret.value
        if v is None or (isinstance(v, ast.Constant) and v.value is None):
            edits.append((rs + len("return"), re_, " " + name))
            continue
        if isinstance(v, ast.Tuple):
            toks = src.tokens(src.start(v), src.end(v))
            inner = toks
            if toks and toks[0][3] == "(" and _matching(toks, 0) == len(toks) - 1:
                inner = toks[1:-1]
            items = _split_items(inner, [(src.start(e), src.end(e)) for e in v.elts])
            if not items:
                edits.append((src.start(v), src.end(v), name))
            else:
                edits.append((items[-1].end, items[-1].end, ", " + name))
            continue
        edits.append((re_, re_, ", " + name))
    return _apply(src.text, edits)


def _matching(toks, i):
    depth = 0
    for k in range(i, len(toks)):
        s = toks[k][3]
        if s in ("(", "[", "{"):
            depth += 1
        elif s in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return k
    return None


def _need_output(p, name):
    fn = _need_execute(p)
    if name not in _output_names(p):
        raise EditError("execute has no output named %r; known: %s"
                        % (name, ", ".join(_output_names(p)) or "none"))
    return fn


def act_remove_output(p, edit):
    name = _need(edit, "name")
    fn = _need_output(p, name)
    src = p.src
    edits = []
    for ret in _returns(fn):
        elems = _return_elements(ret)
        idx = [n for n, _ in elems].index(name) if name in [n for n, _ in elems] else None
        if idx is None:
            continue
        v = ret.value
        if len(elems) == 1:
            edits.append((src.start(ret) + len("return"), src.end(ret), ""))
            continue
        toks = src.tokens(src.start(v), src.end(v))
        inner = toks
        if toks and toks[0][3] == "(" and _matching(toks, 0) == len(toks) - 1:
            inner = toks[1:-1]
        items = _split_items(inner, [(src.start(e), src.end(e)) for e in v.elts])
        if len(items) != len(elems):
            raise EditError("line %d: cannot analyse this return" % ret.lineno)
        edits += _remove_items(src, items, idx, idx)
    return _apply(src.text, edits)


def act_rename_output(p, edit):
    name, to = _need(edit, "name"), _need(edit, "to")
    _check_identifier(to, "new name")
    fn = _need_output(p, name)
    if to == name:
        return p.src.text
    if to in _output_names(p):
        raise EditError("execute already has an output named %r; choose another" % to)
    if not _uses_name(fn, name, include_params=False) or not any(
            isinstance(e, ast.Name) and e.id == _norm(name)
            for ret in _returns(fn) for _n, e in _return_elements(ret)):
        raise EditError("output %r is an expression, not a variable; assign it to a variable "
                        "and return that" % name)
    if name in [x["name"] for x in p.interface["inputs"]]:
        raise EditError("output %r is the input of the same name; rename the input, or assign "
                        "it to a new variable and return that" % name)
    if _uses_name(fn, to):
        raise EditError("the name %r is already used in execute; choose another" % to)
    spans = _scope_names(p, fn.body, name, "execute")
    return _apply(p.src.text, [(s, e, to) for s, e in spans])


def _init_name_taken(p, name):
    names = [x["name"] for x in p.interface["attributes"] + p.interface["references"]]
    if _norm(name) in [_norm(n) for n in names] or (
            p.init is not None and _uses_name(p.init, name)):
        raise EditError("the name %r is already used in __init__; choose another" % name)
    if _self_attribute_spans(p, name):
        raise EditError("self.%s is already used in class %s; choose another name"
                        % (name, p.cls.name))


def _add_init_param(p, name, text, with_default):
    """Add a parameter and `self.<name> = <name>` to __init__ (creating it if missing)."""
    src = p.src
    line = "self.%s = %s" % (name, name)
    if p.init is None:
        return _apply(src.text, _add_method(p, "def __init__(self, %s):" % text, line))
    edits = _add_param(p, p.init, text, with_default)
    body = p.init.body
    anchor = body[-1]
    for stmt in body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Attribute) \
                and isinstance(stmt.targets[0].value, ast.Name) \
                and stmt.targets[0].value.id == "self" and isinstance(stmt.value, ast.Name) \
                and stmt.value.id == stmt.targets[0].attr:
            anchor = stmt
    if len(body) == 1 and isinstance(body[0], ast.Pass):
        edits.append((src.start(body[0]), src.end(body[0]), line))
    else:
        edits += _insert_statement(src, anchor, body, line)
    return _apply(src.text, edits)


def _need_class(p):
    if p.cls is None:
        raise EditError("the code has no class; define the operation as a class first")


def act_add_attribute(p, edit):
    name = _need(edit, "name")
    _check_identifier(name)
    _init_name_taken(p, name)
    typ = edit.get("type")
    ann = None
    extra = []
    if typ is not None:
        if not isinstance(typ, str):
            raise EditError("type must be a string")
        typ = typ.strip()
        if typ == "choice":
            choices = edit.get("choices")
            if not isinstance(choices, list) or not choices:
                raise EditError("a choice attribute needs 'choices', a non-empty list")
            spelled, extra = _ensure_import(p, "typing", "Literal")
            ann = "%s[%s]" % (spelled, ", ".join(_literal_text(c) for c in choices))
        elif typ not in ("any", ""):
            if not _valid_expr(typ):
                raise EditError("type %r is not a Python expression" % typ)
            if _reference_type(ast.parse(typ, mode="eval").body):
                raise EditError("%s is a reference type; use add_reference" % typ)
            ann = typ
    has_default = "default" in edit or "literal" in edit
    text = name
    if ann:
        text += ": " + ann
    if has_default:
        text += (" = " if ann else "=") + _default_text(edit)
    code = _add_init_param(p, name, text, has_default)
    return _apply(code, extra) if extra else code


def _remove_init_param(p, name, reference):
    sig, k = _need_init_param(p, name, reference)
    edits = sig.remove(k)
    stmt = _plain_self_assign(p, name)
    if stmt is not None:
        edits += _remove_statement(p.src, stmt, p.init.body)
    return _apply(p.src.text, edits)


def act_remove_attribute(p, edit):
    return _remove_init_param(p, _need(edit, "name"), False)


def _rename_init_param(p, name, to, reference):
    _check_identifier(to, "new name")
    sig, k = _need_init_param(p, name, reference)
    if _norm(to) == _norm(name):
        return p.src.text
    _init_name_taken(p, to)
    edits = [_arg_name_span(p.src, sig.items[k].arg) + (to,)]
    edits += [(s, e, to) for s, e in _scope_names(p, p.init.body, name, "__init__")]
    edits += [(s, e, to) for s, e in _self_attribute_spans(p, name)]
    # a plain `self.x = x` has both spans; keep them distinct
    return _apply(p.src.text, sorted(set(edits)))


def act_rename_attribute(p, edit):
    return _rename_init_param(p, _need(edit, "name"), _need(edit, "to"), False)


def act_set_default(p, edit):
    name = _need(edit, "name")
    if "default" not in edit and "literal" not in edit:
        raise EditError("edit needs 'default' (a JSON value) or 'literal' (Python text)")
    value = _default_text(edit)
    sig, k = _need_init_param(p, name, False)
    item = sig.items[k]
    src = p.src
    if item.default is not None:
        return _apply(src.text, [(src.start(item.default), src.end(item.default), value)])
    later = [it for it in sig.items[k + 1:] if it.kind in ("posonly", "arg")]
    if item.kind == "kwonly" or all(it.default is not None for it in later):
        at = src.end(item.arg)
        sep = " = " if item.arg.annotation is not None else "="
        return _apply(src.text, [(at, at, sep + value)])
    # a positional parameter followed by parameters without defaults: move it
    text = src.text[src.start(item.arg):src.end(item.arg)]
    text += (" = " if item.arg.annotation is not None else "=") + value
    code = _apply(src.text, sig.remove(k))
    p2 = Parsed(code, p.cls.name)
    if p2.tree is None or p2.init is None:
        raise EditError("internal error: could not move the parameter")
    return _apply(code, _add_param(p2, p2.init, text, True))


def act_add_reference(p, edit):
    name = _need(edit, "name")
    _check_identifier(name)
    typ = edit.get("type", "Architecture")
    if typ not in RESOURCE_TYPES:
        raise EditError("reference type must be one of: %s" % ", ".join(RESOURCE_TYPES))
    _init_name_taken(p, name)
    spelled, extra = _ensure_import(p, "deepforge", typ)
    code = _add_init_param(p, name, "%s: %s" % (name, spelled), False)
    return _apply(code, extra) if extra else code


def act_remove_reference(p, edit):
    return _remove_init_param(p, _need(edit, "name"), True)


def act_rename_reference(p, edit):
    return _rename_init_param(p, _need(edit, "name"), _need(edit, "to"), True)


def act_rename_class(p, edit):
    to = _need(edit, "to")
    _check_identifier(to, "new class name")
    src, cls = p.src, p.cls
    if to == cls.name:
        return src.text
    for node in p.tree.body:
        names = []
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [node.name]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in node.names]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
        if _norm(to) in names:
            raise EditError("the name %r is already defined in this module; choose another" % to)
    s = src.start(cls) + len("class")
    m = re.compile(r"(?:[ \t\f]|\\\r?\n|\\\r)*").match(src.text, s)
    ns = m.end()
    ne = ns + _ident_len(src.text, ns)
    if _norm(src.text[ns:ne]) != cls.name:
        raise EditError("cannot locate the class name in the source")
    edits = [(ns, ne, to)]
    for node in ast.walk(p.tree):
        if isinstance(node, ast.Name) and node.id == cls.name:
            edits.append((src.start(node), src.end(node), to))
    return _apply(src.text, edits)


ACTIONS = {
    "add_input": act_add_input, "remove_input": act_remove_input,
    "rename_input": act_rename_input, "add_output": act_add_output,
    "remove_output": act_remove_output, "rename_output": act_rename_output,
    "add_attribute": act_add_attribute, "remove_attribute": act_remove_attribute,
    "rename_attribute": act_rename_attribute, "set_default": act_set_default,
    "add_reference": act_add_reference, "remove_reference": act_remove_reference,
    "rename_reference": act_rename_reference, "rename_class": act_rename_class,
}


def edit(code, edit, name=None):
    """Apply one interface edit: {"code", "interface"}; raises EditError."""
    if not isinstance(edit, dict):
        raise EditError("edit must be an object with an 'action'")
    action = edit.get("action")
    if action not in ACTIONS:
        raise EditError("unknown edit action %r; use one of: %s"
                        % (action, ", ".join(sorted(ACTIONS))))
    p = Parsed(code, name)
    se = p.interface["syntaxError"]
    if se is not None:
        raise EditError("the code has a syntax error at line %d, col %d (%s); fix it before "
                        "editing the interface" % (se["line"], se["col"], se["message"]))
    _need_class(p)
    new_code = ACTIONS[action](p, edit)
    new_name = edit["to"] if action == "rename_class" else p.cls.name
    result = Parsed(new_code, new_name)
    if result.interface["syntaxError"] is not None:
        raise EditError("internal error: the edit would make the code invalid (%s at line %s); "
                        "please edit the code by hand" % (result.interface["syntaxError"]["message"],
                                                          result.interface["syntaxError"]["line"]))
    return {"code": new_code, "interface": result.interface}


# --------------------------------------------------------------------------------------------
# Requirements

IMPORT_NAMES = {
    "scikit-learn": "sklearn", "sklearn": "sklearn", "scikit-image": "skimage",
    "pyyaml": "yaml", "pillow": "PIL", "opencv-python": "cv2", "opencv-python-headless": "cv2",
    "opencv-contrib-python": "cv2", "opencv-contrib-python-headless": "cv2",
    "beautifulsoup4": "bs4", "python-dateutil": "dateutil", "protobuf": "google.protobuf",
    "tensorflow-gpu": "tensorflow", "tensorflow-cpu": "tensorflow", "pytorch": "torch",
    "pytorch-lightning": "pytorch_lightning", "msgpack-python": "msgpack", "pyzmq": "zmq",
    "faiss-cpu": "faiss", "faiss-gpu": "faiss", "python-magic": "magic", "attrs": "attr",
    "pycryptodome": "Crypto", "pyserial": "serial", "pyopengl": "OpenGL", "pymupdf": "fitz",
    "python-dotenv": "dotenv", "typing-extensions": "typing_extensions", "setuptools": "setuptools",
    "tables": "tables", "pytables": "tables", "jax[cuda]": "jax",
}
_REQ = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def _dist_normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(packages):
    import importlib.metadata
    import importlib.util

    missing, found = [], {}
    for req in packages:
        m = _REQ.match(req)
        if not m:
            missing.append(req.strip())
            continue
        dist = m.group(1)
        norm = _dist_normal(dist)
        mod = IMPORT_NAMES.get(norm, norm.replace("-", "_"))
        version = None
        try:
            version = importlib.metadata.version(dist)
        except Exception:  # noqa: BLE001 - not installed as a distribution
            version = None
        spec = None
        try:
            spec = importlib.util.find_spec(mod)
        except Exception:  # noqa: BLE001 - a parent package missing or broken
            spec = None
        if spec is None and mod != dist:
            try:
                spec = importlib.util.find_spec(dist)
            except Exception:  # noqa: BLE001
                spec = None
        if spec is not None or version is not None:
            found[dist] = version
        else:
            missing.append(dist)
    return {"missing": missing, "found": found}


# --------------------------------------------------------------------------------------------
# Protocol

def handle(request):
    """The response object for one decoded request."""
    if not isinstance(request, dict):
        return {"id": None, "ok": False, "error": "a request must be a JSON object"}
    rid = request.get("id")
    if "id" not in request:
        return {"id": None, "ok": False, "error": "the request needs an 'id'"}
    typ = request.get("type")
    try:
        if typ == "ping":
            result = {"pong": True, "python": platform.python_version()}
        elif typ == "parse":
            code, name = _code_and_name(request)
            result = parse(code, name)
        elif typ == "edit":
            code, name = _code_and_name(request)
            if "edit" not in request:
                raise EditError("an edit request needs 'edit'")
            result = edit(code, request["edit"], name)
        elif typ == "requirements":
            pk = request.get("packages")
            if not isinstance(pk, list) or not all(isinstance(x, str) for x in pk):
                raise EditError("a requirements request needs 'packages', a list of strings")
            result = requirements(pk)
        elif typ == "layer_shapes":
            result = _nn_request(request)
        else:
            raise EditError("unknown request type %r; use parse, edit, requirements, "
                            "layer_shapes or ping (a model is imported in a sandboxed process of its own, "
                            "never here)" % (typ,))
    except EditError as e:
        return {"id": rid, "ok": False, "error": str(e)}
    except Exception as e:  # noqa: BLE001 - never crash the process
        return {"id": rid, "ok": False, "error": "internal error: %s: %s" % (type(e).__name__, e)}
    return {"id": rid, "ok": True, "result": result}


def _nn_request(request):
    """layer_shapes (meta-device shapes of catalog layers), answered by deepforge.nnimport (imported here: it needs torch)."""
    try:
        from deepforge import nnimport
    except ImportError as e:
        raise EditError("PyTorch is not available to %s (%s); install torch for this interpreter"
                        % (sys.executable, e))
    try:
        return nnimport.handle(request)
    except nnimport.NNError as e:
        raise EditError(str(e))


def _code_and_name(request):
    code = request.get("code")
    if not isinstance(code, str):
        raise EditError("the request needs 'code', a string")
    name = request.get("name")
    if name is not None and not isinstance(name, str):
        raise EditError("'name' must be a string")
    return code, name


def handle_line(line):
    """The response JSON text for one request line (bytes or str), or None for a blank line."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            return _dump({"id": None, "ok": False, "error": "the request is not valid UTF-8"})
    if not line.strip():
        return None
    try:
        request = json.loads(line)
    except Exception as e:  # noqa: BLE001 - ValueError, RecursionError
        return _dump({"id": None, "ok": False,
                      "error": "the request is not valid JSON: %s" % (e,)})
    return _dump(handle(request))


def _dump(response):
    try:
        return json.dumps(response, ensure_ascii=True, allow_nan=False)
    except Exception as e:  # noqa: BLE001 - e.g. an id that cannot be echoed
        rid = response.get("id")
        if not isinstance(rid, (str, int, bool, type(None))):
            rid = None
        return json.dumps({"id": rid, "ok": False, "error": "cannot encode the response: %s" % e})


def main():
    stdin = sys.stdin.buffer
    out = sys.stdout
    try:
        for line in stdin:
            try:
                response = handle_line(line)
            except Exception as e:  # noqa: BLE001
                response = json.dumps({"id": None, "ok": False, "error": "internal error: %s" % e})
            if response is None:
                continue
            out.write(response + "\n")
            out.flush()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
