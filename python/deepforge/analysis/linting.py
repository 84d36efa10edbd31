"""Lint of operation code: undefined names (pyflakes, when installed) and imports that do not resolve."""

import ast
import sys

from .source import _dotted, _last


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
