"""Constructor arguments of a torch.nn module recovered from its attributes (the parameter mapping
of an imported layer), checked by rebuilding the layer."""

import contextlib
import inspect
import json
import sys

import torch
from torch import nn

from .common import NNError, _NotJSON, _init_params, _jsonable, _readable, _to_python
from .shapes import _build


# --------------------------------------------------------------------------------------------
# Constructor arguments of a module

_CONV = ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
         "bias"]
_RNN = ["input_size", "hidden_size", "num_layers", "batch_first", "bidirectional"]
_ALWAYS = {
    "Conv1d": _CONV, "Conv2d": _CONV, "Conv3d": _CONV,
    "ConvTranspose1d": _CONV, "ConvTranspose2d": _CONV, "ConvTranspose3d": _CONV,
    "Linear": ["in_features", "out_features", "bias"],
    "BatchNorm1d": ["num_features", "eps", "momentum", "affine"],
    "BatchNorm2d": ["num_features", "eps", "momentum", "affine"],
    "BatchNorm3d": ["num_features", "eps", "momentum", "affine"],
    "ReLU": ["inplace"],
    "MaxPool1d": ["kernel_size", "stride", "padding"],
    "MaxPool2d": ["kernel_size", "stride", "padding"],
    "MaxPool3d": ["kernel_size", "stride", "padding"],
    "AvgPool1d": ["kernel_size", "stride", "padding"],
    "AvgPool2d": ["kernel_size", "stride", "padding"],
    "AvgPool3d": ["kernel_size", "stride", "padding"],
    "AdaptiveAvgPool1d": ["output_size"], "AdaptiveAvgPool2d": ["output_size"],
    "AdaptiveAvgPool3d": ["output_size"],
    "Dropout": ["p"], "Dropout2d": ["p"],
    "Flatten": ["start_dim", "end_dim"],
    "Embedding": ["num_embeddings", "embedding_dim", "padding_idx"],
    "LayerNorm": ["normalized_shape", "eps", "elementwise_affine"],
    "LSTM": _RNN, "GRU": _RNN, "RNN": _RNN + ["nonlinearity"],
    "MultiheadAttention": ["embed_dim", "num_heads", "dropout", "bias", "batch_first"],
    "TransformerEncoderLayer": ["d_model", "nhead", "dim_feedforward", "dropout", "activation",
                                "layer_norm_eps", "batch_first", "norm_first"],
    "TransformerDecoderLayer": ["d_model", "nhead", "dim_feedforward", "dropout", "activation",
                                "layer_norm_eps", "batch_first", "norm_first"],
}
_MISSING = object()


def _attribute(module, cls_name, pname):
    """The constructor argument pname as recovered from module's attributes, or _MISSING."""
    if cls_name == "MultiheadAttention":
        if pname == "bias":
            return module.in_proj_bias is not None
        if pname == "add_bias_kv":
            return module.bias_k is not None
        if pname in ("kdim", "vdim"):
            return getattr(module, pname)
    if cls_name in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
        special = {
            "d_model": lambda: module.linear1.in_features,
            "nhead": lambda: module.self_attn.num_heads,
            "dim_feedforward": lambda: module.linear1.out_features,
            "dropout": lambda: module.dropout.p,
            "layer_norm_eps": lambda: module.norm1.eps,
            "batch_first": lambda: module.self_attn.batch_first,
            "norm_first": lambda: module.norm_first,
            "bias": lambda: module.linear1.bias is not None,
        }
        if pname in special:
            try:
                return special[pname]()
            except AttributeError:
                return _MISSING
        if pname == "activation":
            act = getattr(module, "activation", _MISSING)
            if isinstance(act, nn.ReLU):
                return "relu"
            if isinstance(act, nn.GELU):
                return "gelu"
            return act
    if pname == "bias" and isinstance(getattr(module, "bias", None), (torch.Tensor, type(None))):
        return getattr(module, "bias", None) is not None
    if pname in ("device", "dtype"):
        return _MISSING
    return getattr(module, pname, _MISSING)


def _same(a, b):
    try:
        return bool(a == b) and type(a) is type(b) or (
            isinstance(a, (int, float)) and isinstance(b, (int, float))
            and not isinstance(a, bool) and not isinstance(b, bool) and a == b)
    except Exception:  # noqa: BLE001
        return False


def _shapes(module):
    return ({n: tuple(p.shape) for n, p in module.named_parameters()},
            {n: tuple(b.shape) for n, b in module.named_buffers()})


def recover_arguments(module, cls=None):
    """(class name, arguments) of a torch.nn module, read as an instance of ``cls`` (default: its own
    class; a torch.nn base class for a subclass that only changes forward); raises NNError with the
    reason."""
    cls = cls or type(module)
    cls_name = cls.__name__
    if getattr(nn, cls_name, None) is not cls:
        raise NNError("%s is not a torch.nn layer" % cls_name)
    params = _init_params(cls)
    if params is None:
        raise NNError("the constructor of %s cannot be inspected" % cls_name)
    always = _ALWAYS.get(cls_name, [])
    arguments = {}
    for pname, spec in params.items():
        if pname in ("device", "dtype"):
            continue
        value = _attribute(module, cls_name, pname)
        required = spec.default is inspect.Parameter.empty
        if value is _MISSING:
            if required:
                raise NNError("the argument %r of %s cannot be recovered" % (pname, cls_name))
            continue
        if pname not in always and not required and _same(value, spec.default):
            continue
        try:
            arguments[pname] = _jsonable(value)
        except _NotJSON:
            if not required and spec.default is None and value is None:
                continue
            raise NNError("the argument %r of %s (%s) cannot be written as JSON"
                          % (pname, cls_name, type(value).__name__))
    # rebuild and compare the parameter and buffer shapes
    try:
        with contextlib.redirect_stdout(sys.stderr):
            rebuilt = _build(cls, _to_python(arguments))
    except Exception as e:  # noqa: BLE001
        raise NNError("%s cannot be rebuilt from the recovered arguments %s: %s"
                      % (cls_name, json.dumps(arguments), _readable(e)))
    if _shapes(rebuilt) != _shapes(module):
        raise NNError("%s rebuilt from the recovered arguments %s has other weights than the "
                      "original" % (cls_name, json.dumps(arguments)))
    return cls_name, arguments
