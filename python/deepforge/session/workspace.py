"""The ``df`` module inside a session's kernel (docs/sessions.md "What runs in the kernel").

The server drives the Workspace page's explorer, trainer and saving by sending ordinary cells that
call these functions, so each is also usable by hand in the console. Each displays one DeepForge
mimetype (with a ``text/plain`` line beside it) through IPython's display machinery, which the agent
relays as a ``display`` output:

* :func:`load` -- ``application/vnd.deepforge.describe+json`` of the loaded object;
* :func:`explore` -- ``application/vnd.deepforge.describe+json`` with a plot;
* :func:`save` -- ``application/vnd.deepforge.saved+json``;
* :func:`train` -- metric and training outputs (``deepforge.session.trainer``).

Names are bound in, and expressions evaluated in, the IPython user namespace (``__main__``'s outside
IPython). A description is ``{"expression", "type", "shape"?, "dtype"?, "summary"?, "columns"?,
"preview", "plot"?}``; ``summary`` (``min``, ``max``, ``mean``, ``std`` over the finite values and the
``nan`` count) is given for numeric arrays and tensors. Plots (``plot=``):

* ``"line"`` -- a 1-D array: ``{"kind": "line", "y", "x"?}`` (``x``: the indices kept when the array is
  longer than ``MAX_POINTS`` and was thinned);
* ``"image"`` -- a 2-D array (or H×W×3/4 colour image): ``{"kind": "image", "width", "height", "png",
  "min", "max"}``, thinned to at most ``MAX_IMAGE``×``MAX_IMAGE`` and coloured with viridis between
  ``min`` and ``max`` (NaN transparent);
* ``"scatter"`` -- an N×2 or N×3 array, or two or three ``columns`` of a table (a pandas-like frame, a
  dict of arrays, a structured array): ``{"kind": "scatter", "dims", "points", "color"?}`` with at
  most ``MAX_POINTS`` points (``color``: an expression giving one number per point);
* ``"auto"`` (the default of :func:`explore`) -- line for 1-D, scatter for N×2/N×3 with N > 3, image
  for other 2-D and for colour images, nothing otherwise; ``"none"`` -- no plot.

Sizes of length-1 axes are squeezed away before plotting (``x[0, :, :, 2]`` of a 4-D array is an image).
"""

import base64
import io
import json
import keyword
import math
import os
import re
import reprlib
import shutil
import sys

from deepforge import serialization

__all__ = ["load", "explore", "save", "train", "describe", "DESCRIBE", "SAVED", "MAX_POINTS",
           "MAX_IMAGE"]

DESCRIBE = "application/vnd.deepforge.describe+json"
SAVED = "application/vnd.deepforge.saved+json"
MAX_POINTS = 10000
MAX_IMAGE = 512
PREVIEW_CHARS = 4000
SUMMARY_CHUNK = 1 << 20
PLOTS = ("auto", "line", "image", "scatter", "none")
_OUTPUT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")


# ---------------------------------------------------------------- the kernel's namespace and display

def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def namespace():
    """The namespace cells run in."""
    shell = _shell()
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def _emit(mimetype, content, text):
    content = _finite(content)
    if _shell() is None:
        print(json.dumps({mimetype: content}))
        return
    from IPython.display import display
    display({mimetype: content, "text/plain": text}, raw=True)


def _finite(value):
    """JSON-safe: NaN and infinities become null, numpy scalars Python numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and getattr(value, "shape", None) == ():
        return _finite(value.item())
    return value


def _evaluate(expression, what="expression"):
    if not isinstance(expression, str) or not expression.strip():
        raise ValueError("df: the %s must be a non-empty Python expression" % what)
    code = compile(expression.strip(), "<%s>" % what, "eval")  # a statement is a SyntaxError
    return eval(code, namespace())


# ---------------------------------------------------------------- load

def load(variable, directory, sha256):
    """Load the artifact in ``directory`` (``inputs/<name>``: data + meta.json) after checking that
    its data has the SHA-256 ``sha256``, bind it to ``variable`` and display its description."""
    if not isinstance(variable, str) or not variable.isidentifier() or keyword.iskeyword(variable):
        raise ValueError("df.load: %r is not a Python variable name" % (variable,))
    directory = os.fspath(directory)
    data = os.path.join(directory, "data")
    if not os.path.exists(data):
        raise FileNotFoundError("df.load: %s has no data" % directory)
    actual, _ = serialization.file_digest(data)
    if actual != str(sha256).lower():
        raise ValueError("df.load: %s does not have the expected content (sha256 %s, expected %s); "
                         "load the artifact again" % (directory, actual, sha256))
    value = serialization.load(directory)
    namespace()[variable] = value
    description = describe(value, variable)
    _emit(DESCRIBE, description, "%s: %s" % (variable, _headline(description)))


# ---------------------------------------------------------------- explore

def explore(expression, plot=None, color=None, columns=None):
    """Evaluate ``expression`` in the session's namespace and display its description and plot
    (``plot``: auto, line, image, scatter or none; ``color``: an expression with a value per scatter
    point; ``columns``: the two or three columns of a table to scatter)."""
    value = _evaluate(expression)
    colors = _evaluate(color, "color expression") if color is not None else None
    description = describe(value, expression, plot or "auto", colors, columns)
    _emit(DESCRIBE, description, "%s: %s" % (expression, _headline(description)))


def _headline(description):
    parts = [description["type"]]
    if "shape" in description:
        parts.append("shape " + "×".join(str(n) for n in description["shape"]))
    if "dtype" in description:
        parts.append(description["dtype"])
    return ", ".join(parts)


def describe(value, expression, plot=None, color=None, columns=None):
    """The description of ``value`` (with a plot unless ``plot`` is None or "none")."""
    if plot is not None and plot not in PLOTS:
        raise ValueError("df.explore: plot must be one of %s, not %r" % (", ".join(PLOTS), plot))
    description = {"expression": expression, "type": _type_name(value)}
    array = _as_array(value)
    if array is not None:
        description["shape"] = [int(n) for n in array.shape]
        description["dtype"] = str(getattr(value, "dtype", array.dtype))
        if array.dtype.names:
            description["columns"] = list(array.dtype.names)
        else:
            summary = _summary(array)
            if summary is not None:
                description["summary"] = summary
    else:
        shape = getattr(value, "shape", None)
        if isinstance(shape, tuple) and all(isinstance(n, int) for n in shape):
            description["shape"] = list(shape)
        elif isinstance(value, (list, tuple, dict, set, str, bytes)):
            description["shape"] = [len(value)]
        names = _columns(value)
        if names is not None:
            description["columns"] = names
    description["preview"] = _preview(value)
    if plot is not None and plot != "none":
        chosen = _plot(value, array, plot, color, columns)
        if chosen is not None:
            description["plot"] = chosen
    return description


def _type_name(value):
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module in ("builtins", "__main__") else "%s.%s" % (module, kind.__qualname__)


def _numpy():
    import numpy
    return numpy


def _as_array(value):
    """A numpy view of an array or tensor (None for anything else)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        if value.dtype == torch.bfloat16 or value.dtype == torch.float16:
            value = value.float()
        return value.numpy()
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(value)
    return None


def _numeric(array):
    return array.dtype.kind in "biuf"


def _summary(array):
    """min, max, mean, std of the finite values and the NaN count, in chunks (no full-size copy)."""
    if not _numeric(array) or array.size == 0:
        return None
    np = _numpy()
    flat = array.reshape(-1)

    def pieces():
        for start in range(0, flat.size, SUMMARY_CHUNK):
            yield flat[start:start + SUMMARY_CHUNK].astype(np.float64)

    nan, count, total, low, high = 0, 0, 0.0, math.inf, -math.inf
    for piece in pieces():
        finite = np.isfinite(piece)
        nan += int(np.isnan(piece).sum())
        if not finite.all():
            piece = piece[finite]
        if piece.size:
            count += piece.size
            total += float(piece.sum())
            low, high = min(low, float(piece.min())), max(high, float(piece.max()))
    if count == 0:
        return {"min": None, "max": None, "mean": None, "std": None, "nan": nan}
    mean = total / count
    squares = 0.0
    for piece in pieces():
        piece = piece[np.isfinite(piece)]
        squares += float(np.square(piece - mean).sum())
    return {"min": low, "max": high, "mean": mean, "std": math.sqrt(squares / count), "nan": nan}


def _columns(value):
    columns = getattr(value, "columns", None)
    if columns is not None and hasattr(value, "dtypes"):
        return [str(c) for c in list(columns)]
    if isinstance(value, dict):
        return [str(k) for k in value]
    return None


_REPR = reprlib.Repr()
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxfrozenset = _REPR.maxdeque = 100
_REPR.maxdict = 50
_REPR.maxlevel = 4
_REPR.maxstring = _REPR.maxother = PREVIEW_CHARS


def _preview(value):
    np = sys.modules.get("numpy")
    try:
        if isinstance(value, (list, tuple, dict, set, frozenset, str, bytes)):
            text = _REPR.repr(value)
        elif np is not None:
            with np.printoptions(threshold=200, edgeitems=3, linewidth=100):
                text = repr(value)
        else:
            text = repr(value)
    except Exception as error:
        text = "<%s: repr failed: %s>" % (type(value).__name__, error)
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS] + "\n… (%d characters in all)" % len(text)
    return text


# ---------------------------------------------------------------- plots

def _plot(value, array, kind, color, columns):
    np = _numpy()
    if columns is not None:
        array = _table_columns(value, columns)
    elif array is None:
        array = _array_like(value)
    if array is None:
        if kind == "auto":
            return None
        raise ValueError("df.explore: cannot plot a %s as %s" % (_type_name(value), kind))
    if array.dtype.names:
        array = _table_columns(array, list(array.dtype.names)[:3])
    if not _numeric(array):
        if kind == "auto":
            return None
        raise ValueError("df.explore: cannot plot %s values" % array.dtype)
    squeezed = np.squeeze(array) if array.ndim > 1 else array
    if kind == "auto":
        kind = _auto(squeezed)
        if kind is None:
            return None
    if kind == "line":
        if squeezed.ndim != 1:
            raise ValueError("df.explore: a line plot needs 1-D values, not shape %s" % (array.shape,))
        return _line(squeezed)
    if kind == "image":
        if squeezed.ndim == 2 or (squeezed.ndim == 3 and squeezed.shape[-1] in (3, 4)):
            return _image(squeezed)
        raise ValueError("df.explore: an image needs 2-D values (or H×W×3/4), not shape %s"
                         % (array.shape,))
    if squeezed.ndim != 2 or squeezed.shape[1] not in (2, 3):
        raise ValueError("df.explore: a scatter plot needs N×2 or N×3 values, not shape %s"
                         % (array.shape,))
    return _scatter(squeezed, color)


def _auto(array):
    if array.ndim == 1 and array.size > 0:
        return "line"
    if array.ndim == 2 and array.shape[1] in (2, 3) and array.shape[0] > 3:
        return "scatter"
    if array.ndim == 2 and min(array.shape) > 0:
        return "image"
    if array.ndim == 3 and array.shape[-1] in (3, 4) and min(array.shape) > 0:
        return "image"
    return None


def _array_like(value):
    """Lists and tuples of numbers (or of lists of numbers) as an array (None when they are not: a
    tuple of arrays such as ``(features, labels)`` is not one array)."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    if any(getattr(item, "ndim", 0) or hasattr(item, "__array__") and not _is_scalar(item)
           for item in value[:100]):
        return None
    np = _numpy()
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    return array if array.dtype != object else None


def _is_scalar(item):
    return getattr(item, "shape", None) == ()


def _table_columns(table, columns):
    """An N×k float array of ``columns`` of a pandas-like frame, a dict or a structured array."""
    np = _numpy()
    if isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    if not 1 <= len(columns) <= 3:
        raise ValueError("df.explore: give one to three columns, not %d" % len(columns))
    picked = []
    for column in columns:
        try:
            picked.append(np.asarray(table[column], dtype=np.float64).ravel())
        except (KeyError, IndexError, ValueError, TypeError) as error:
            raise ValueError("df.explore: no numeric column %r (%s)" % (column, error)) from None
    if len({len(c) for c in picked}) != 1:
        raise ValueError("df.explore: the columns %s have different lengths" % columns)
    return picked[0] if len(picked) == 1 else np.stack(picked, axis=1)


def _stride(n, limit):
    return max(1, math.ceil(n / limit))


def _floats(values):
    return [float(v) if math.isfinite(v) else None for v in values.tolist()]


def _line(array):
    np = _numpy()
    step = _stride(len(array), MAX_POINTS)
    plot = {"kind": "line", "y": _floats(array[::step].astype(np.float64))}
    if step > 1:
        plot["x"] = list(range(0, len(array), step))
    return plot


def _image(array):
    np = _numpy()
    from matplotlib import image

    array = array[::_stride(array.shape[0], MAX_IMAGE), ::_stride(array.shape[1], MAX_IMAGE)]
    values = array.astype(np.float64)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (None, None)
    lower = low if low is not None else 0.0
    upper = high if high is not None and high > lower else lower + 1.0
    buffer = io.BytesIO()
    if values.ndim == 3:  # a colour image: scaled to 0..1 as a whole
        rgb = np.nan_to_num((values - lower) / (upper - lower), nan=0.0).clip(0, 1)
        image.imsave(buffer, rgb, format="png")
    else:
        image.imsave(buffer, np.ma.masked_invalid(values), cmap="viridis", vmin=lower, vmax=upper,
                     format="png")
    return {"kind": "image", "width": int(array.shape[1]), "height": int(array.shape[0]),
            "png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "min": low, "max": high}


def _scatter(array, color):
    np = _numpy()
    colors = None
    if color is not None:
        colors = _as_array(color)
        if colors is None:
            colors = _array_like(color)
        if colors is None or colors.size != len(array):
            raise ValueError("df.explore: the colour needs one number per point (%d), not %s"
                             % (len(array), getattr(colors, "shape", type(color).__name__)))
    step = _stride(len(array), MAX_POINTS)
    values = array[::step].astype(np.float64)
    keep = np.isfinite(values).all(axis=1)
    plot = {"kind": "scatter", "dims": int(values.shape[1]), "points": values[keep].tolist()}
    if colors is not None:
        plot["color"] = _floats(colors.reshape(-1)[::step].astype(np.float64)[keep])
    return plot


# ---------------------------------------------------------------- save

def _trainings():
    try:
        from deepforge.session import trainer
    except ImportError:
        return {}
    return getattr(trainer, "trainings", {})


def save(expression_or_training, output):
    """Serialize the value of an expression (or the model of the training of that id) into
    ``outputs/<output>/`` (data + meta.json) and display what was saved."""
    if not isinstance(output, str) or not _OUTPUT_NAME.match(output) or ".." in output:
        raise ValueError("df.save: the output name %r must be 1-100 letters, digits, '.', '_' or '-' "
                         "starting with a letter or digit" % (output,))
    trainings = _trainings()
    record = {"output": output}
    if isinstance(expression_or_training, str) and expression_or_training in trainings:
        value = getattr(trainings[expression_or_training], "model", None)
        if value is None:
            raise ValueError("df.save: training %s has no model yet" % expression_or_training)
        record["training"] = expression_or_training
    else:
        value = _evaluate(expression_or_training)
        record["variable"] = expression_or_training.strip()
    outputs = os.path.join(os.getcwd(), "outputs")
    final = os.path.join(outputs, output)
    partial = os.path.join(outputs, ".%s.partial" % output)
    shutil.rmtree(partial, ignore_errors=True)
    try:
        meta = serialization.save(value, partial)
        if os.path.lexists(final):
            shutil.rmtree(final) if os.path.isdir(final) and not os.path.islink(final) else os.unlink(final)
        os.replace(partial, final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    record.update(type=meta["type"], sha256=meta["sha256"], size=meta["size"])
    _emit(SAVED, record, "saved %s as %s (%s, %d bytes)" % (
        record.get("variable") or "training " + record["training"], output, meta["type"], meta["size"]))


# ---------------------------------------------------------------- train

def train(config):
    """Train an architecture as ``config`` says (docs/sessions.md "Trainer")."""
    try:
        from deepforge.session import trainer
    except ImportError as error:
        raise RuntimeError("df.train: the trainer is not available (%s)" % error) from None
    return trainer.train(config)
