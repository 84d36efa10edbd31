"""Unpickled objects: tables for dicts, lists and DataFrames; a model's module tree; anything else as text."""

import sys

from .arrays import _array_summary, _tensor_array
from .common import MAX_ROWS, MAX_TEXT, _is_tensor, _plain


def _describe(v):
    """A short text for a value that is not a plain number or string."""
    import numpy as np

    if isinstance(v, np.ndarray) or _is_tensor(v):
        return "%s %s %s" % (type(v).__name__, list(v.shape), v.dtype)
    if isinstance(v, (list, tuple, dict, set)):
        return "%s of %d" % (type(v).__name__, len(v))
    text = repr(v)
    return text if len(text) <= 120 else text[:117] + "..."


def _cell(v):
    import numpy as np

    if isinstance(v, np.generic):
        v = v.item()
    plain = _plain(v)
    return plain if plain is not None or v is None else _describe(v)


def _table(obj):
    """A table for a dict, a list of numbers/rows/dicts or a pandas DataFrame; None if obj is none of these."""
    if type(obj).__name__ == "DataFrame" and hasattr(obj, "columns"):
        head = obj.head(MAX_ROWS)
        return {"kind": "table", "type": "pandas.DataFrame", "columns": [str(c) for c in obj.columns],
                "rows": [[_cell(v) for v in row] for row in head.itertuples(index=False)],
                "total": int(len(obj))}
    if isinstance(obj, dict):
        items = list(obj.items())
        return {"kind": "table", "type": "dict", "columns": ["key", "value"],
                "rows": [[str(k), _cell(v)] for k, v in items[:MAX_ROWS]], "total": len(items)}
    if isinstance(obj, (list, tuple)):
        rows = list(obj[:MAX_ROWS])
        if all(isinstance(r, dict) for r in rows) and rows:
            cols = []
            for r in rows:
                cols.extend(str(k) for k in r if str(k) not in cols)
            return {"kind": "table", "type": type(obj).__name__, "columns": cols,
                    "rows": [[_cell(r.get(c, r.get(c))) for c in cols] for r in rows], "total": len(obj)}
        if all(isinstance(r, (list, tuple)) for r in rows) and rows:
            width = max(len(r) for r in rows)
            return {"kind": "table", "type": type(obj).__name__, "columns": [str(i) for i in range(width)],
                    "rows": [[_cell(v) for v in r] + [None] * (width - len(r)) for r in rows], "total": len(obj)}
        return {"kind": "table", "type": type(obj).__name__, "columns": ["index", "value"],
                "rows": [[i, _cell(v)] for i, v in enumerate(rows)], "total": len(obj)}
    return None


def _model_summary(model):
    modules = []
    for name, m in model.named_modules():
        if len(modules) >= 500:
            break
        entry = {"name": name or "(model)", "type": type(m).__name__, "depth": name.count(".") + 1 if name else 0,
                 "parameters": int(sum(p.numel() for p in m.parameters(recurse=False)))}
        for attr in ("out_features", "out_channels", "num_features", "hidden_size", "embedding_dim"):
            v = getattr(m, attr, None)
            if isinstance(v, int):
                entry["out"] = v
                break
        modules.append(entry)
    params = list(model.parameters())
    return {"kind": "model", "type": "torch.nn.Module", "class": type(model).__name__,
            "module": type(model).__module__, "parameters": int(sum(p.numel() for p in params)),
            "trainable": int(sum(p.numel() for p in params if p.requires_grad)), "modules": modules}


def _object_summary(obj, typ):
    import numpy as np

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(obj, torch.nn.Module):
        return _model_summary(obj)
    if isinstance(obj, np.ndarray) and not obj.dtype.hasobject:
        return _array_summary(obj)
    if _is_tensor(obj):
        return _array_summary(_tensor_array(obj), "torch.Tensor")
    if isinstance(obj, str):
        return {"kind": "text", "type": "str", "text": obj[:MAX_TEXT], "truncated": len(obj) > MAX_TEXT}
    table = _table(obj)
    if table is not None:
        return table
    plain = _plain(obj)
    if plain is not None:
        return {"kind": "value", "type": type(obj).__name__, "value": plain}
    return {"kind": "object", "type": type(obj).__module__ + "." + type(obj).__qualname__, "text": _describe(obj)}
