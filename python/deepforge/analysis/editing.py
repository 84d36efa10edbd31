"""Helpers of the edit actions: parameter lists as token spans, inserting and removing items and
statements, identifiers and literals as code."""

import ast
import keyword
import math
import re

from .interface import _is_staticmethod
from .source import EditError, _ident_len, _norm


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
