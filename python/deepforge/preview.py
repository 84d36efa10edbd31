"""``python -m deepforge.preview [--memory BYTES]``: looks into one artifact for the artifacts place.

Runs in a sandbox, one process per request (``ArtifactPreviews`` on the server): the artifact's data
is bound read-only, the only writable place is a private ``/tmp`` (and ``out``, for a conversion),
there is no network. Loading a pickle runs whatever the pickle says, so it happens here and never
in the server. One request (JSON) on stdin, one answer line on stdout::

    {"op": "summary", "type": "<serializer>", "data": "<path>", "modules": "<dir>"?}
    {"op": "slice", ..., "index": [i0, i1, ...]}      a 2-D slice of an N-D array, downsampled
    {"op": "portable", ..., "out": "<dir>"}      a model as plain torch, written to out/model.pt

How each kind of data is read (docs/artifacts.md says the same for users):

* ``numpy.ndarray`` (and ``.npy`` files): ``np.load(mmap_mode="r", allow_pickle=False)``: only the
  header is read eagerly; statistics stream over the array in blocks, a slice reads only its rows.
* ``torch.Tensor``: ``torch.load`` (``weights_only`` where the installed torch has it).
* ``torch.nn.Module`` and ``pickle``: unpickled (here, in the sandbox) with the generated
  architecture modules importable (``modules``).
* ``file``: sniffed by its first bytes: PNG/JPEG/GIF images, FITS (headers through astropy, data
  never read), ``.npy``, JSON and text; anything else is shown as its size and first bytes.
"""

import base64
import contextlib
import io
import json
import math
import os
import sys

#: The most elements statistics read exactly; above it they are estimated from evenly spaced blocks.
EXACT_STATS = 64 << 20
#: A slice is downsampled to at most this many rows and columns.
MAX_SIDE = 256
#: Rows a table shows at most.
MAX_ROWS = 200
#: Text shown at most (bytes).
MAX_TEXT = 64 * 1024
#: Images returned as they are up to this size; larger ones are downsampled.
MAX_IMAGE = 2 << 20


class PreviewError(Exception):
    """What the user should know about data that cannot be previewed."""


def _load_pickle(path):
    import pickle

    with open(path, "rb") as f:
        return pickle.load(f)


def _torch_load(path, weights_only):
    import inspect

    import torch

    kwargs = {"map_location": "cpu"}
    try:
        accepts = "weights_only" in inspect.signature(torch.load).parameters
    except (TypeError, ValueError):
        accepts = False
    if accepts:
        kwargs["weights_only"] = weights_only
    return torch.load(path, **kwargs)


def _sniff(path):
    with open(path, "rb") as f:
        return f.read(2880)


def _finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


# ---------------------------------------------------------------- arrays

def _is_numeric(dtype):
    import numpy as np

    return np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)


def _stats(arr):
    """min, max, mean of a (possibly memory-mapped) array, read in blocks of rows."""
    import numpy as np

    n = int(arr.size)
    if n == 0 or not _is_numeric(arr.dtype):
        return {}
    # a view in memory order (C or Fortran) reads the mapped file front to back; statistics do not care about order
    contiguous = arr.flags.c_contiguous or arr.flags.f_contiguous
    flat = arr.reshape(-1, order="A") if contiguous else np.asarray(arr).reshape(-1)
    block = 1 << 22
    starts = range(0, n, block)
    exact = n <= EXACT_STATS
    if not exact:  # evenly spaced blocks, EXACT_STATS elements in all
        count = EXACT_STATS // block
        step = max(1, len(starts) // count)
        starts = starts[::step]
    lo, hi, total, finite, nans = None, None, 0.0, 0, 0
    for s in starts:
        chunk = np.asarray(flat[s:s + block])
        if np.iscomplexobj(chunk):
            chunk = np.abs(chunk)
        chunk = chunk.astype(np.float64, copy=False)
        ok = np.isfinite(chunk)
        nans += int(np.isnan(chunk).sum())
        good = chunk[ok] if not ok.all() else chunk
        if good.size:
            lo = float(good.min()) if lo is None else min(lo, float(good.min()))
            hi = float(good.max()) if hi is None else max(hi, float(good.max()))
            total += float(good.sum(dtype=np.float64))
            finite += int(good.size)
    out = {"min": lo, "max": hi, "mean": _finite(total / finite) if finite else None, "exact": exact}
    if nans:
        out["nan"] = nans
    return out


def _image_like(shape):
    """'gray' for 2-D, 'rgb' for H×W×3/4, 'chw' for 3/4×H×W (torch's channels first), None otherwise."""
    if len(shape) == 2 and min(shape) > 1:
        return "gray"
    if len(shape) == 3 and shape[2] in (3, 4) and min(shape[:2]) > 1:
        return "rgb"
    if len(shape) == 3 and shape[0] in (3, 4) and min(shape[1:]) > 4:
        return "chw"
    return None


def _png(arr, kind):
    """A downsampled PNG (data URI) of a 2-D array (colour-mapped) or an RGB(A) image."""
    import numpy as np
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    if kind == "chw":
        arr, kind = np.moveaxis(arr, 0, -1), "rgb"
    step = max(1, math.ceil(max(arr.shape[0], arr.shape[1]) / MAX_SIDE))
    small = np.asarray(arr[::step, ::step]).astype(np.float64)
    buf = io.BytesIO()
    if kind == "rgb":
        if small.max(initial=0) > 1.0:
            small = small / 255.0 if small.min(initial=0) >= 0 and small.max(initial=0) <= 255 else \
                (small - small.min()) / max(small.max() - small.min(), 1e-12)
        plt.imsave(buf, np.clip(np.nan_to_num(small), 0.0, 1.0), format="png")
    else:
        plt.imsave(buf, np.nan_to_num(small), format="png", cmap="viridis")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _array_summary(arr, kind="numpy.ndarray"):
    shape = [int(d) for d in arr.shape]
    out = {"kind": "array", "type": kind, "shape": shape, "dtype": str(arr.dtype),
           "size": int(arr.size), "stats": _stats(arr)}
    image = _image_like(shape)
    if image and _is_numeric(arr.dtype):
        out["image"] = _png(arr, image)
    if len(shape) == 0:
        out["value"] = _plain(arr.item())
    elif len(shape) == 1:
        n = min(shape[0], MAX_ROWS)
        out["values"] = [_plain(v) for v in arr[:n].tolist()]
    return out


def _slice(arr, index):
    """The 2-D slice at ``index`` (one index per leading axis), downsampled to MAX_SIDE per side."""
    import numpy as np

    shape = [int(d) for d in arr.shape]
    if len(shape) < 2:
        raise PreviewError("a slice needs an array of 2 or more dimensions; this one has shape %s" % shape)
    lead = len(shape) - 2
    if len(index) != lead:
        raise PreviewError("give %d index(es) for the leading axes of shape %s (e.g. index=%s), not %d"
                           % (lead, shape, ",".join("0" * lead) or "(none)", len(index)))
    for axis, (i, n) in enumerate(zip(index, shape)):
        if not isinstance(i, int) or not 0 <= i < n:
            raise PreviewError("index %s of axis %d is outside 0..%d" % (i, axis, n - 1))
    if not _is_numeric(arr.dtype):
        raise PreviewError("an array of %s has no numbers to slice" % arr.dtype)
    plane = arr[tuple(index)] if lead else arr
    step = [max(1, math.ceil(n / MAX_SIDE)) for n in shape[-2:]]
    small = np.asarray(plane[::step[0], ::step[1]])
    if np.iscomplexobj(small):
        small = np.abs(small)
    small = small.astype(np.float64)
    ok = np.isfinite(small)
    values = [[_finite(v) for v in row] for row in small.tolist()]
    return {"index": index, "shape": shape[-2:], "step": step, "rows": values,
            "min": float(small[ok].min()) if ok.any() else None,
            "max": float(small[ok].max()) if ok.any() else None}


def _open_array(request):
    import numpy as np

    typ = request.get("type")
    path = request["data"]
    if typ == "torch.Tensor":
        t = _torch_load(path, True)
        return _tensor_array(t), "torch.Tensor"
    if typ == "numpy.ndarray" or _sniff(path).startswith(b"\x93NUMPY"):
        return np.load(path, mmap_mode="r", allow_pickle=False), "numpy.ndarray"
    obj = _load_pickle(path) if typ == "pickle" else None
    if isinstance(obj, np.ndarray):
        return obj, "numpy.ndarray"
    if _is_tensor(obj):
        return _tensor_array(obj), "torch.Tensor"
    raise PreviewError("artifact of type %s is not an array: it has no slices" % typ)


def _is_tensor(obj):
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.Tensor)


def _tensor_array(t):
    import torch

    if not isinstance(t, torch.Tensor):
        raise PreviewError("the data is a %s, not a tensor" % type(t).__name__)
    t = t.detach().cpu()
    if t.dtype == torch.bfloat16:
        t = t.float()
    return t.numpy()


# ---------------------------------------------------------------- objects

def _plain(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2 ** 53 else str(v)
    if isinstance(v, float):
        return _finite(v) if math.isfinite(v) else str(v)
    return None


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


# ---------------------------------------------------------------- files

def _fits(path):
    from astropy.io import fits

    hdus = []
    with fits.open(path, memmap=True, lazy_load_hdus=True) as hdul:
        for i, hdu in enumerate(hdul):
            if i >= 50:
                break
            header = hdu.header
            cards = [[c.keyword, _cell(c.value) if not isinstance(c.value, str) else c.value, c.comment]
                     for c in header.cards][:500]
            entry = {"name": hdu.name, "kind": type(hdu).__name__, "cards": cards}
            naxis = header.get("NAXIS", 0)
            if isinstance(naxis, int) and naxis > 0:
                entry["shape"] = [header.get("NAXIS%d" % n) for n in range(naxis, 0, -1)]
                entry["bitpix"] = header.get("BITPIX")
            hdus.append(entry)
    return {"kind": "fits", "type": "FITS", "hdus": hdus}


def _image(path, head):
    mime = ("image/png" if head.startswith(b"\x89PNG\r\n\x1a\n") else
            "image/jpeg" if head.startswith(b"\xff\xd8\xff") else "image/gif")
    size = os.path.getsize(path)
    out = {"kind": "image", "type": mime, "bytes": size}
    if size <= MAX_IMAGE:
        with open(path, "rb") as f:
            out["image"] = "data:%s;base64,%s" % (mime, base64.b64encode(f.read()).decode("ascii"))
        return out
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import image as mpimg

    arr = mpimg.imread(path)
    out["shape"] = list(arr.shape)
    out["image"] = _png(arr, "rgb" if arr.ndim == 3 else "gray")
    return out


def _file_summary(path):
    head = _sniff(path)
    if head.startswith(b"\x93NUMPY"):
        import numpy as np

        return _array_summary(np.load(path, mmap_mode="r", allow_pickle=False))
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return _image(path, head)
    if head.startswith(b"SIMPLE  =") and len(head) >= 80:
        return _fits(path)
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        raw = f.read(MAX_TEXT)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(raw) - 4 or b"\0" in raw:  # not just a character cut at the end
            return {"kind": "binary", "type": "file", "bytes": size, "head": raw[:256].hex()}
        text = raw[:e.start].decode("utf-8")
    out = {"kind": "text", "type": "text", "text": text, "truncated": size > len(raw), "bytes": size}
    if size <= MAX_TEXT:
        try:
            out["json"] = isinstance(json.loads(text), (dict, list))
        except ValueError:
            pass
    return out


# ---------------------------------------------------------------- requests

def _use_modules(request):
    modules = request.get("modules")
    if modules:
        sys.path.insert(0, modules)


def summary(request):
    typ = request.get("type")
    path = request["data"]
    if os.path.isdir(path):
        names = sorted(os.listdir(path))
        return {"kind": "table", "type": "directory", "columns": ["name"], "rows": [[n] for n in names[:MAX_ROWS]],
                "total": len(names)}
    if typ == "numpy.ndarray":
        arr, kind = _open_array(request)
        return _array_summary(arr, kind)
    if typ == "torch.Tensor":
        return _array_summary(_tensor_array(_torch_load(path, True)), "torch.Tensor")
    if typ == "torch.nn.Module":
        _use_modules(request)
        model = _torch_load(path, False)
        return _object_summary(model, typ)
    if typ == "file":
        return _file_summary(path)
    # pickle and anything a user's serializer wrote with pickle
    _use_modules(request)
    head = _sniff(path)
    if head.startswith(b"PK\x03\x04"):  # torch.save's zip format
        obj = _torch_load(path, False)
    else:
        try:
            obj = _load_pickle(path)
        except Exception as e:  # noqa: BLE001 - an unknown format: show the file
            if typ == "pickle":
                raise
            out = _file_summary(path)
            out["note"] = "not a pickle (%s: %s); shown as a file" % (type(e).__name__, e)
            return out
    return _object_summary(obj, typ)


def slice_of(request):
    _use_modules(request)
    index = request.get("index") or []
    if not isinstance(index, list):
        raise PreviewError("index is a list of integers, one per leading axis")
    arr, _ = _open_array(request)
    return _slice(arr, index)


def portable(request):
    """``out/model.pt``: ``{"format": "deepforge-model/1", "class", "code", "state_dict"}`` with only
    strings and tensors, so plain ``torch.load`` reads it (``weights_only`` too) without DeepForge."""
    import torch

    _use_modules(request)
    model = _torch_load(request["data"], False)
    if not isinstance(model, torch.nn.Module):
        raise PreviewError("the artifact is a %s, not a torch.nn.Module" % type(model).__name__)
    cls = type(model)
    module = sys.modules.get(cls.__module__)
    source = getattr(module, "__file__", None)
    modules = request.get("modules") or ""
    if not source or not modules or not os.path.abspath(source).startswith(os.path.abspath(modules) + os.sep):
        raise PreviewError("the model's class %s.%s is not a generated architecture, so its code cannot travel with "
                           "it; download the original with ?format=original and load it where that module is importable"
                           % (cls.__module__, cls.__qualname__))
    with open(source, encoding="utf-8") as f:
        code = f.read()
    ns = {}
    exec(compile(code, "<%s>" % cls.__name__, "exec"), ns)  # the code must stand alone: prove it here
    if cls.__name__ not in ns:
        raise PreviewError("the generated module has no class %s" % cls.__name__)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    rebuilt = ns[cls.__name__]()
    rebuilt.load_state_dict(state)
    checkpoint = {"format": "deepforge-model/1", "class": cls.__name__, "code": code, "state_dict": state}
    out = os.path.join(request["out"], "model.pt")
    # the zip format (torch >= 1.6) that torch 1.13 and 2.x both read
    torch.save(checkpoint, out, _use_new_zipfile_serialization=True)
    return {"class": cls.__name__, "format": checkpoint["format"],
            "parameters": int(sum(p.numel() for p in model.parameters()))}


def answer(request, memory_limit=None):
    ops = {"summary": summary, "slice": slice_of, "portable": portable}
    op = ops.get(request.get("op"))
    if op is None:
        return {"ok": False, "error": "unknown request %r" % request.get("op")}
    try:
        return {"ok": True, "result": op(request)}
    except PreviewError as e:
        return {"ok": False, "error": str(e)}
    except MemoryError:
        return {"ok": False, "error": "reading the artifact ran out of memory (the limit is %s)"
                % ("%d MiB" % (memory_limit >> 20) if memory_limit else "what this machine has")}
    except BaseException as e:  # noqa: B902 - a pickle may raise anything, SystemExit included
        text = str(e)
        if len(text) > 500:
            text = text[:500] + "..."
        return {"ok": False, "error": "reading the artifact failed: %s: %s" % (type(e).__name__, text)}


def main(argv=None):
    import resource

    argv = list(sys.argv[1:] if argv is None else argv)
    limit = int(argv[argv.index("--memory") + 1]) if "--memory" in argv else None
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    import importlib

    importlib.import_module("numpy")  # loaded before the limit, as torch is for what needs it
    if request.get("type") in ("torch.Tensor", "torch.nn.Module", "pickle"):
        importlib.import_module("torch")
    answer_fd = os.dup(1)
    os.dup2(2, 1)  # whatever a pickle prints goes to stderr
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with contextlib.redirect_stdout(sys.stderr):
        response = answer(request, limit)
    try:
        text = json.dumps(response, allow_nan=False)
    except (TypeError, ValueError) as e:
        text = json.dumps({"ok": False, "error": "the preview cannot be written as JSON: %s" % e})
    with os.fdopen(answer_fd, "w") as out:
        out.write(text + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
