"""The interface of an operation class parsed from its code (``ast``): inputs, outputs and their
types, attributes, references, docstring."""

import ast
import json
import math
import re

from .linting import lint
from .source import BASIC_TYPES, RESOURCE_TYPES, Source, _TYPE_ALIASES, _dotted, _last


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


def parse(code, name=None):
    """The interface JSON of an operation's code."""
    return Parsed(code, name).interface
