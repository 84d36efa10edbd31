"""The edit actions (add/remove/rename an input, output, attribute or reference; set a default; rename
the class) and :func:`edit`, which applies one and returns the new code."""

import ast
import re

from .editing import (Signature, _add_method, _apply, _arg_name_span, _check_identifier, _default_text,
                      _ensure_import, _insert_statement, _literal_text, _plain_self_assign, _remove_items,
                      _remove_statement, _scope_names, _self_attribute_spans, _split_items, _uses_name)
from .interface import Parsed, _reference_type, _return_elements, _returns
from .source import EditError, RESOURCE_TYPES, _ident_len, _norm


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
