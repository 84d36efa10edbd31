"""Arrays and tensors: statistics streamed over a memory map, images, downsampled 2-D slices."""

import base64
import io
import math

from .common import (MAX_ROWS, MAX_SIDE, PreviewError, _finite, _is_tensor, _load_pickle, _plain,
                     _sniff, _torch_load)

#: The most elements statistics read exactly; above it they are estimated from evenly spaced blocks.
EXACT_STATS = 64 << 20


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


def _tensor_array(t):
    import torch

    if not isinstance(t, torch.Tensor):
        raise PreviewError("the data is a %s, not a tensor" % type(t).__name__)
    t = t.detach().cpu()
    if t.dtype == torch.bfloat16:
        t = t.float()
    return t.numpy()
