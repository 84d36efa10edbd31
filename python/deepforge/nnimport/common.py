"""Shared by the PyTorch helpers: :class:`NNError`, readable exception text, JSON values, torch.nn
classes and their constructor parameters."""

import collections
import inspect
import math

import torch
import torch.nn.functional as F
from torch import nn




LANGUAGE_NODES = ("Input", "Output", "Concatenate", "Add", "Multiply", "Mean", "Reshape", "Split",
                  "Shared", "Permute", "ReduceMean", "Expand", "Select", "Parameter")


class NNError(Exception):
    """A request that cannot be answered; the message is for the user."""


# --------------------------------------------------------------------------------------------
# Helpers

def _readable(exc):
    """A one-paragraph message of a torch exception (no C++ stack, no blank lines)."""
    text = str(exc)
    if isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    for cut in ("\nException raised from", "\nframe #0", "While executing %"):
        k = text.find(cut)
        if k >= 0:
            text = text[:k]
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    text = " ".join(lines)
    if not text:
        text = type(exc).__name__
    if len(text) > 600:
        text = text[:600] + "..."
    return text


def _to_python(value):
    """JSON lists → tuples (torch accepts tuples wherever it accepts sequences)."""
    if isinstance(value, list):
        return tuple(_to_python(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_python(v) for k, v in value.items()}
    return value


_ACTIVATIONS = {}
for _name in ("relu", "gelu", "tanh", "sigmoid", "silu", "elu", "leaky_relu"):
    if hasattr(F, _name):
        _ACTIVATIONS[getattr(F, _name)] = _name
_ACTIVATIONS[torch.relu] = "relu"
_ACTIVATIONS[torch.tanh] = "tanh"
_ACTIVATIONS[torch.sigmoid] = "sigmoid"


class _NotJSON(Exception):
    pass


def _jsonable(value):
    """A JSON value for an argument value, else raises _NotJSON."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _NotJSON()
        return value
    if isinstance(value, (tuple, list, torch.Size)):
        return [_jsonable(v) for v in value]
    if callable(value) and value in _ACTIVATIONS:
        return _ACTIVATIONS[value]
    raise _NotJSON()


def _nn_class(name):
    if not isinstance(name, str) or not name:
        raise NNError("the request needs 'layer', the name of a torch.nn class")
    if name in LANGUAGE_NODES:
        raise NNError("%s is a node of the architecture language, not a torch.nn layer" % name)
    cls = getattr(nn, name, None)
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)) or name.startswith("_"):
        raise NNError("unknown layer type %r: torch.nn (version %s) has no such layer"
                      % (name, torch.__version__))
    if cls is nn.Module or issubclass(cls, (nn.Sequential, nn.ModuleList, nn.ModuleDict,
                                            nn.ParameterList, nn.ParameterDict)):
        raise NNError("%s is a container of other layers, not a layer" % name)
    return cls


def _signature_params(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None, False
    out = collections.OrderedDict()
    var = False
    for i, (pname, p) in enumerate(sig.parameters.items()):
        if i == 0:
            continue
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            var = True
            continue
        out[pname] = p
    return out, var


def _init_params(cls):
    """The named parameters of cls.__init__ (without self, *args, **kwargs); for a class whose
    __init__ only forwards *args/**kwargs (LSTM, GRU, RNN), those of the base class that takes
    them.  None when they cannot be known."""
    for klass in cls.__mro__:
        if "__init__" not in vars(klass) or klass is nn.Module:
            continue
        params, var = _signature_params(vars(klass)["__init__"])
        if params is None:
            return None
        if params or not var:
            if issubclass(cls, nn.RNNBase) and klass is nn.RNNBase:
                params.pop("mode", None)
                if issubclass(cls, nn.RNN):
                    params["nonlinearity"] = inspect.Parameter(
                        "nonlinearity", inspect.Parameter.KEYWORD_ONLY, default="tanh")
            return params
    return collections.OrderedDict()


def _accepts_device(params):
    return params is not None and "device" in params
