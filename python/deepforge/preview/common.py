"""What the preview modules share: limits, the error users see, and reading what a job wrote."""

import math
import sys

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


def _plain(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2 ** 53 else str(v)
    if isinstance(v, float):
        return _finite(v) if math.isfinite(v) else str(v)
    return None


def _is_tensor(obj):
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.Tensor)
