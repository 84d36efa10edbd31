"""The ``layer_shapes`` request: output shapes and parameter count of one torch.nn layer, run on
the meta device."""

import collections
import contextlib
import copy
import inspect
import json
import math
import sys

import torch
from torch import nn

from .common import NNError, _accepts_device, _init_params, _nn_class, _readable, _to_python


# --------------------------------------------------------------------------------------------
# layer_shapes

_CACHE = collections.OrderedDict()
_CACHE_SIZE = 64
_DIM1 = ("in_channels", "num_features")
_LAST = ("in_features", "input_size", "embed_dim", "d_model", "normalized_shape")
_DTYPES = {"float": torch.float32, "float32": torch.float32, "double": torch.float64,
           "float64": torch.float64, "half": torch.float16, "float16": torch.float16,
           "bfloat16": torch.bfloat16, "long": torch.int64, "int64": torch.int64,
           "int": torch.int32, "int32": torch.int32, "bool": torch.bool}


def _build(cls, kwargs):
    """The module built from kwargs, on the meta device where the class allows it."""
    params = _init_params(cls)
    if _accepts_device(params):
        return cls(**kwargs, device="meta")
    module = cls(**kwargs)
    return module.to("meta")


def _check_arguments(name, cls, arguments):
    params = _init_params(cls)
    if params is None:
        return
    for key in arguments:
        if key not in params or key in ("device", "dtype"):
            allowed = [p for p in params if p not in ("device", "dtype")]
            raise NNError("%s has no argument %r (its arguments: %s)"
                          % (name, key, ", ".join(allowed) or "none"))
    missing = [p for p, spec in params.items()
               if spec.default is inspect.Parameter.empty and p not in arguments]
    if missing:
        raise NNError("%s: missing required argument%s %s"
                      % (name, "s" if len(missing) > 1 else "",
                         ", ".join("'%s'" % m for m in missing)))


def _infer_arguments(cls, arguments, inputs):
    """Missing inferable arguments filled in from input 0: (arguments, inferred)."""
    params = _init_params(cls) or {}
    inferred = {}
    first = inputs[0] if inputs and isinstance(inputs[0], list) else None
    for pname, spec in params.items():
        if pname in arguments or first is None:
            continue
        if spec.default is not inspect.Parameter.empty:
            continue
        if pname in _DIM1 and len(first) > 1 and isinstance(first[1], int):
            inferred[pname] = first[1]
        elif pname in _LAST and first and isinstance(first[-1], int):
            inferred[pname] = first[-1]
    merged = dict(arguments)
    merged.update(inferred)
    return merged, inferred


def _module_for(name, cls, arguments):
    lazy = name.startswith("Lazy")
    key = (name, json.dumps(arguments, sort_keys=True, default=str))
    if not lazy and key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    try:
        module = _build(cls, _to_python(arguments))
    except Exception as e:  # noqa: BLE001 - bad arguments
        raise NNError("%s: %s" % (name, _readable(e)))
    module.train()
    if not lazy:
        _CACHE[key] = module
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return module


def _flatten_tensors(value, out):
    if isinstance(value, torch.Tensor):
        out.append(value)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _flatten_tensors(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            _flatten_tensors(v, out)
    return out


def _forward_arity(module):
    """(required, maximum or None) positional inputs of module.forward."""
    try:
        sig = inspect.signature(module.forward)
    except (TypeError, ValueError):
        return 0, None
    required, maximum = 0, 0
    for p in sig.parameters.values():
        if p.kind == p.VAR_POSITIONAL:
            maximum = None
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            if maximum is not None:
                maximum += 1
            if p.default is inspect.Parameter.empty:
                required += 1
    return required, maximum


def _run_layer(name, module, inputs, dtypes, batch):
    """Output shapes of the module (on the meta device) for inputs with the batch size."""
    def tensors(device):
        args = []
        for i, shape in enumerate(inputs):
            if shape is None:
                args.append(None)
            else:
                args.append(torch.zeros([batch if d is None else d for d in shape],
                                        dtype=dtypes[i], device=device))
        return args

    try:
        with contextlib.redirect_stdout(sys.stderr):
            result = module(*tensors("meta"))
        return [list(t.shape) for t in _flatten_tensors(result, [])]
    except Exception as e:  # noqa: BLE001 - shape mismatch, or a missing meta kernel
        error = e
    # the meta kernels' messages are terse (and some kernels are missing): retry on the CPU with
    # uninitialised weights when that is small enough
    size = sum(p.numel() for p in module.parameters()) + sum(b.numel() for b in module.buffers())
    size += sum(math.prod([batch if d is None else d for d in s]) for s in inputs if s is not None)
    if size <= 50_000_000:
        try:
            cpu = copy.deepcopy(module).to_empty(device="cpu")
            with contextlib.redirect_stdout(sys.stderr), torch.no_grad():
                result = cpu(*tensors("cpu"))
            return [list(t.shape) for t in _flatten_tensors(result, [])]
        except Exception as e:  # noqa: BLE001
            error = e
    raise NNError("%s: %s" % (name, _readable(error)))


def layer_shapes(request):
    """{"outputs": [[null, ...], ...], "parameters": n} for one torch.nn layer."""
    name = request.get("layer")
    cls = _nn_class(name)
    arguments = request.get("arguments")
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise NNError("'arguments' must be an object")
    inputs = request.get("inputs")
    if inputs is None:
        inputs = []
    if not isinstance(inputs, list):
        raise NNError("'inputs' must be a list of shapes")
    for shape in inputs:
        if shape is None:
            continue
        if not isinstance(shape, list) or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0)
                for d in shape):
            raise NNError("each input shape must be a list of sizes (null for the batch), got %s"
                          % json.dumps(shape))
    arguments, inferred = _infer_arguments(cls, arguments, inputs)
    _check_arguments(name, cls, arguments)
    module = _module_for(name, cls, arguments)

    required, maximum = _forward_arity(module)
    n = len(inputs)
    if n < required or (maximum is not None and n > maximum):
        if maximum is None:
            want = "at least %d" % required
        elif required == maximum:
            want = "%d" % required
        else:
            want = "%d to %d" % (required, maximum)
        raise NNError("%s takes %s input%s, but %d %s given"
                      % (name, want, "" if want == "1" else "s", n, "was" if n == 1 else "were"))

    dtype_names = request.get("dtypes")
    dtypes = []
    for i in range(n):
        dt = torch.float32
        if cls in (nn.Embedding, nn.EmbeddingBag) and i == 0:
            dt = torch.int64
        if isinstance(dtype_names, list) and i < len(dtype_names) and dtype_names[i] is not None:
            if dtype_names[i] not in _DTYPES:
                raise NNError("unknown dtype %r; use one of: %s"
                              % (dtype_names[i], ", ".join(sorted(_DTYPES))))
            dt = _DTYPES[dtype_names[i]]
        dtypes.append(dt)

    symbolic = any(s is not None and None in s for s in inputs)
    outs = _run_layer(name, module, inputs, dtypes, 2)
    if symbolic:
        try:
            outs3 = _run_layer(name, module, inputs, dtypes, 3)
        except NNError:
            outs3 = None
        if outs3 is not None and len(outs3) == len(outs):
            outs = [[None if (len(a) == len(b) and a[k] != b[k]) else a[k] for k in range(len(a))]
                    for a, b in zip(outs, outs3)]
    try:
        count = sum(p.numel() for p in module.parameters())
    except Exception:  # noqa: BLE001 - uninitialized lazy parameters
        count = 0
    result = {"outputs": outs, "parameters": int(count)}
    if inferred:
        result["inferred"] = inferred
    return result
