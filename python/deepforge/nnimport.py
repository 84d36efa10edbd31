"""PyTorch helpers of the analysis process (docs/architectures.md, docs/operations.md).

Two requests, dispatched from ``deepforge.analysis`` (which imports this module lazily, so that the
analysis process starts without torch):

* ``layer_shapes``: the output shapes and parameter count of one ``torch.nn`` layer for given
  input shapes, computed by running the layer on the ``meta`` device (no memory for weights or
  activations).  The fallback for layers the Java side has no shape rule for.
* ``import_model``: an architecture JSON (docs/architectures.md) from a torchvision model or from
  the user's own code, by tracing it with ``torch.fx.symbolic_trace``.

Errors are raised as :class:`NNError` with a message meant for the user.

Decisions where the brief leaves room:

* ``layer_shapes``: every ``null`` in an input shape is a batch size; the layer runs twice (batch 2
  and batch 3) and every output dimension that differs between the two runs is reported as
  ``null``.  JSON lists in ``arguments`` are passed as tuples.  Inferable arguments that are missing
  (``in_channels``, ``num_features`` from dimension 1; ``in_features``, ``input_size``,
  ``embed_dim``, ``d_model``, ``normalized_shape`` from the last dimension) are filled in from
  input 0 and listed in an extra ``inferred`` field.  An input given as ``null`` (not a list) is
  passed as ``None``.  ``Embedding``/``EmbeddingBag`` get integer inputs; an optional ``dtypes``
  list (``"float"``, ``"long"``, ``"bool"``, ...) overrides the input dtypes.  The layer runs in
  training mode (no inference fast paths, which lack meta kernels).  ``Lazy*`` layers are not cached.
* ``import_model``: ``input_shape`` may also be a list of shapes, one per forward parameter.  The
  traced graph is run once on meta tensors (batch 2; on the CPU if a meta kernel is missing) so
  that the output structure of every node is known: this resolves ``getitem`` on tuple outputs
  (``out, (h, c) = self.lstm(x)`` → outputs 0, 1, 2), and ``view``/``reshape`` shapes are taken
  from the actual result (so ``x.view(x.size(0), -1)`` works; the batch dimension must be kept).
  ``x.size()``/``x.shape`` arithmetic that only feeds ``view``/``reshape`` is dropped.
  Constructor arguments are recovered from module attributes, and every recovered layer is rebuilt
  from them and its parameter/buffer shapes compared with the original; a mismatch, or an argument
  that cannot be written as JSON, is reported as unsupported.  Arguments equal to their default
  are omitted, except for the listed common layers, whose main arguments are always written.
  ``torch.flatten`` defaults to ``start_dim=0`` (unlike ``nn.Flatten``) and ``torch.cat`` to
  ``dim=0``, so ``start_dim``/``end_dim``/``dim`` are always written.  Output layers are named
  ``output`` (one) or ``output_1``, ``output_2``, ... (zero-padded beyond 9).  Shared layers get no
  name.  Constant keyword arguments of a module call are accepted only when they equal the forward
  default or are ``need_weights`` (which does not change output 0).  The model is traced in eval
  mode (the inference graph: e.g. GoogLeNet's auxiliary heads are left out).  Besides the required
  mappings, ``torch.sigmoid``/``tanh``, ``F.gelu``, ``F.softmax``, ``F.dropout``, ``F.max_pool2d``
  and ``F.avg_pool2d`` become the matching torch.nn layers, and ``x.contiguous()`` is dropped.
  Unsupported operations are listed once; what only follows from them is not listed again.
  During tracing ``torch.fx.Proxy.__iter__`` is temporarily replaced by a version that finds the
  unpacking instruction by byte offset (torch 1.13's own fails on Python 3.11).
"""

import builtins
import collections
import contextlib
import copy
import dis
import inspect
import json
import keyword
import math
import operator
import re
import sys

import torch
import torch.fx
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

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


# --------------------------------------------------------------------------------------------
# import_model

def _load_model(source):
    if not isinstance(source, dict):
        raise NNError("'source' must be {\"torchvision\": name} or {\"code\": ..., \"factory\": ...}")
    factory_args = source.get("arguments") or {}
    if not isinstance(factory_args, dict):
        raise NNError("source 'arguments' must be an object")
    if "torchvision" in source:
        name = source["torchvision"]
        try:
            import torchvision.models as tvm
        except ImportError as e:
            raise NNError("torchvision is not installed for %s (%s)" % (sys.executable, e))
        fn = getattr(tvm, name, None) if isinstance(name, str) and not name.startswith("_") else None
        if fn is None or not callable(fn) or isinstance(fn, type(tvm)):
            raise NNError("torchvision has no model %r" % (name,))
        def build():
            try:
                return fn(weights=None, **factory_args)
            except TypeError:
                return fn(**factory_args)
        try:
            try:
                with _MetaWeights():
                    model = build()
            except Exception:  # noqa: BLE001 - a builder that reads its weights: build it for real
                model = build()
        except Exception as e:  # noqa: BLE001
            raise NNError("torchvision.models.%s could not be built: %s" % (name, _readable(e)))
        return model, name
    if "code" in source:
        code = source["code"]
        factory = source.get("factory")
        if not isinstance(code, str):
            raise NNError("source 'code' must be a string")
        if not isinstance(factory, str) or not factory:
            raise NNError("a code source needs 'factory', the name of a callable in the code")
        namespace = {"__name__": "deepforge_user_model", "__builtins__": builtins}
        try:
            compiled = compile(code, "<model code>", "exec")
        except SyntaxError as e:
            raise NNError("the model code has a syntax error at line %s: %s" % (e.lineno, e.msg))
        try:
            exec(compiled, namespace)  # noqa: S102 - the user's own code on their own server
        except Exception as e:  # noqa: BLE001
            raise NNError("the model code failed: %s: %s" % (type(e).__name__, _readable(e)))
        fn = namespace.get(factory)
        if fn is None or not callable(fn):
            names = sorted(k for k, v in namespace.items()
                           if callable(v) and not k.startswith("_")
                           and getattr(v, "__module__", None) == "deepforge_user_model")
            raise NNError("the code defines no callable %r (callables defined: %s)"
                          % (factory, ", ".join(names) or "none"))
        try:
            model = fn(**factory_args)
        except Exception as e:  # noqa: BLE001
            raise NNError("%s() failed: %s: %s" % (factory, type(e).__name__, _readable(e)))
        return model, factory
    raise NNError("'source' must be {\"torchvision\": name} or {\"code\": ..., \"factory\": ...}")


def _proxy_iter(self):
    """Proxy.__iter__ that finds the calling instruction by its byte offset, so that tuple
    unpacking (``out, (h, c) = self.lstm(x)``, ``n, c, h, w = x.shape``) traces on every Python
    version (torch 1.13's own lookup raises IndexError on Python 3.11)."""
    frame = inspect.currentframe().f_back
    for inst in dis.get_instructions(frame.f_code):
        if inst.offset == frame.f_lasti:
            if inst.opname == "UNPACK_SEQUENCE":
                return (self[i] for i in range(inst.argval))
            break
    return self.tracer.iter(self)


def _trace(model):
    original = torch.fx.Proxy.__iter__
    torch.fx.Proxy.__iter__ = _proxy_iter
    try:
        return torch.fx.symbolic_trace(model)
    finally:
        torch.fx.Proxy.__iter__ = original


class _Recorder(torch.fx.Interpreter):
    def __init__(self, gm):
        super().__init__(gm)
        self.values = {}

    def run_node(self, n):
        result = super().run_node(n)
        self.values[n] = result
        return result


class _MetaWeights(TorchFunctionMode):
    """While a torchvision model is built, ``torch.empty`` (what every torch.nn layer allocates its weights
    with) makes tensors on the meta device: even vit_h_14 or regnet_y_128gf is built in milliseconds
    without memory for weights or time to initialise them.  Tensors its builder computes with (regnet's
    ``torch.arange``) stay real."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if func is torch.empty and kwargs.get("device") is None:
            kwargs["device"] = "meta"
        return func(*args, **kwargs)


def _record(gm, shapes, batch=2):
    """The value of every node for inputs of the given per-sample shapes and batch size."""
    if not getattr(gm, "_deepforge_on_cpu", False):
        gm.train()
        try:
            gm.to("meta")
            inputs = [torch.empty([batch] + list(s), device="meta") for s in shapes]
            rec = _Recorder(gm)
            with torch.no_grad():
                rec.run(*inputs)
            return rec.values
        except Exception:  # noqa: BLE001 - a missing meta kernel: run on the CPU
            pass
        gm.to_empty(device="cpu")
        gm._deepforge_on_cpu = True
    gm.eval()
    inputs = [torch.zeros([batch] + list(s)) for s in shapes]
    rec = _Recorder(gm)
    with torch.no_grad():
        rec.run(*inputs)
    return rec.values


def _identifier(text, taken):
    name = re.sub(r"\W", "_", text)
    if not name or name[0].isdigit():
        name = "m_" + name
    if name in ("Input", "Output") or keyword.iskeyword(name):
        name = name + "_"
    base, k = name, 2
    while name in taken:
        name = "%s_%d" % (base, k)
        k += 1
    taken.add(name)
    return name


def _is_tensor(v):
    return isinstance(v, torch.Tensor)


class _Ref:
    """A value made by a layer: the layer id and a getitem path into its output structure."""

    def __init__(self, layer, structure, path=()):
        self.layer, self.structure, self.path = layer, structure, path

    def item(self, i):
        return _Ref(self.layer, self.structure, self.path + (i,))

    def resolve(self):
        """(layer, flat output index) or None when the path is not a single tensor."""
        if self.structure is None:
            return (self.layer, self.path[0] if self.path else 0)
        index = 0
        value = self.structure
        for step in self.path:
            if isinstance(value, dict):
                keys = list(value)
                if step not in value:
                    return None
                for key in keys[:keys.index(step)]:
                    index += len(_flatten_tensors(value[key], []))
                value = value[step]
            elif isinstance(value, (tuple, list)):
                if not isinstance(step, int) or not -len(value) <= step < len(value):
                    return None
                step = step % len(value)
                for v in value[:step]:
                    index += len(_flatten_tensors(v, []))
                value = value[step]
            else:
                return None
        if not _is_tensor(value):
            return None
        return (self.layer, index)


def _bind(args, kwargs, names, defaults):
    """A dict of the call's arguments by name (positional first)."""
    out = dict(defaults)
    for name, v in zip(names, args):
        out[name] = v
    if len(args) > len(names):
        out["*"] = args[len(names):]
    out.update(kwargs)
    return out


_ADD = {operator.add, torch.add}
_MUL = {operator.mul, torch.mul}
_CAT = {torch.cat} | ({torch.concat} if hasattr(torch, "concat") else set())
_FLATTEN = {torch.flatten}
# functions (and Tensor methods) that are a torch.nn layer: (type, argument names after the input,
# their defaults, arguments that are ignored)
_POOL_MAX = ("MaxPool2d", ["kernel_size", "stride", "padding", "dilation", "ceil_mode",
                           "return_indices"],
             {"stride": None, "padding": 0, "dilation": 1, "ceil_mode": False,
              "return_indices": False}, ())
_POOL_AVG = ("AvgPool2d", ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                           "divisor_override"],
             {"stride": None, "padding": 0, "ceil_mode": False, "count_include_pad": True,
              "divisor_override": None}, ())
_LAYER_FUNCTIONS = [
    ((torch.relu, F.relu), "relu", ("ReLU", ["inplace"], {"inplace": False}, ("inplace",))),
    ((torch.sigmoid, getattr(F, "sigmoid", torch.sigmoid)), "sigmoid", ("Sigmoid", [], {}, ())),
    ((torch.tanh, getattr(F, "tanh", torch.tanh)), "tanh", ("Tanh", [], {}, ())),
    ((F.gelu,), None, ("GELU", ["approximate"], {"approximate": "none"}, ())),
    ((F.softmax,), "softmax", ("Softmax", ["dim", "_stacklevel", "dtype"],
                               {"dim": None, "_stacklevel": 3, "dtype": None}, ("_stacklevel",))),
    ((F.dropout,), None, ("Dropout", ["p", "training", "inplace"],
                          {"p": 0.5, "training": True, "inplace": False}, ("training", "inplace"))),
    ((F.adaptive_avg_pool2d,), None, ("AdaptiveAvgPool2d", ["output_size"], {}, ())),
    ((F.max_pool2d,), None, _POOL_MAX),
    ((F.avg_pool2d,), None, _POOL_AVG),
]
_FUNCTION_LAYERS = {}
_METHOD_LAYERS = {}
for _fns, _method, _spec in _LAYER_FUNCTIONS:
    for _fn in _fns:
        try:
            _FUNCTION_LAYERS[_fn] = _spec
        except TypeError:  # unhashable
            pass
    if _method:
        _METHOD_LAYERS[_method] = _spec
_PASS_METHODS = {"contiguous"}
_SHAPE_METHODS = {"size", "dim", "numel"}
# functions whose weight and bias come from a torch.nn layer of this class (a subclass that calls the
# functional form in its own forward, e.g. torchvision's LayerNorm2d): (class, the weight's and bias's
# argument positions after the input)
_FUNCTIONAL_OF_LAYER = {F.layer_norm: (nn.LayerNorm, ["normalized_shape", "weight", "bias", "eps"])}
# the most characters of the list of unsupported operations in a refusal (the server adds its own
# 28-character prefix and the whole message stays under 300)
_MESSAGE_BUDGET = 270


def _is_stochastic_depth(node):
    """torchvision.ops.stochastic_depth (traced from StochasticDepth modules too)."""
    t = node.target
    return (node.op == "call_function" and getattr(t, "__name__", "") == "stochastic_depth"
            and (getattr(t, "__module__", "") or "").startswith("torchvision."))


def _dims_arg(args, kwargs, name):
    """The dims of x.permute(0, 2, 1) / x.permute([0, 2, 1]) / torch.permute(x, (0, 2, 1))."""
    rest = list(args[1:])
    if name in kwargs:
        rest = [kwargs[name]]
    if len(rest) == 1 and isinstance(rest[0], (list, tuple)):
        rest = list(rest[0])
    return rest


def _op_name(node):
    if node.op == "call_method":
        return "Tensor.%s" % node.target
    if node.op == "get_attr":
        return "parameter %s" % node.target
    target = node.target
    mod = getattr(target, "__module__", None) or ""
    name = getattr(target, "__name__", str(target))
    if target in (operator.getitem,):
        return "indexing (x[...])"
    if mod in ("_operator", "operator"):
        return "operator.%s" % name
    if mod.startswith("torch.nn.functional") or getattr(F, name, None) is target:
        return "F.%s" % name
    if mod == "torch" or mod.startswith("torch._") or getattr(torch, name, None) is target:
        return "torch.%s" % name
    return "%s.%s" % (mod, name) if mod else name


def _refusal(unsupported):
    """The refusal for the grouped unsupported operations, in order of first use, with their counts;
    at most _MESSAGE_BUDGET characters (what does not fit is counted, not listed)."""
    head = "the model uses operations that have no architecture node: "
    parts = ["%s ×%d" % (what, len(nodes)) if len(nodes) > 1 else what
             for what, nodes in unsupported.items()]
    if len(head + ", ".join(parts)) > _MESSAGE_BUDGET:
        # torchvision.models.swin_transformer.shifted_window_attention → swin_transformer.shifted_window_attention
        parts = [re.sub(r"\b(?:[a-z_]\w*\.)+(?=[a-z_]\w*\.\w+)", "", p) if p.startswith("torchvision.") else p
                 for p in parts]
    for shown in range(len(parts), 0, -1):
        rest = len(parts) - shown
        text = head + ", ".join(parts[:shown]) + (" and %d more" % rest if rest else "")
        if len(text) <= _MESSAGE_BUDGET:
            return text
    return (head + parts[0])[:_MESSAGE_BUDGET - 1] + "…"


class _Importer:
    def __init__(self, gm, values, shapes, values3=None, model=None):
        self.gm, self.values, self.shapes = gm, values, shapes
        # the traced model: its modules that were traced through (the graph module keeps only leaves)
        self.model = model if model is not None else gm
        # the same run with batch 3: which sizes are the batch
        self.values3 = values3 if values3 is not None else {}
        self.layers = collections.OrderedDict()
        self.connections = collections.OrderedDict()
        self.refs = {}
        self.unsupported = collections.OrderedDict()
        self.names = set()
        self.shared = {}
        self.failed = set()
        self.layer_nodes = {}  # layer id -> the fx node whose value is its output
        self.layer_parameters = {}  # layer id -> its trainable parameters in the original model
        self.attr_layers = {}  # parameter target -> its Parameter layer
        self.quiet = False  # while the node being translated has an input that failed

    def problem(self, what, node, follows=False):
        """Reports an unsupported operation.  A problem that ``follows`` from the node's inputs (no batch
        dimension, not a layer output) is not reported when one of them failed: it follows from that."""
        self.failed.add(node)
        if self.quiet and follows:
            return
        self.unsupported.setdefault(what, []).append(node.name)

    def add_layer(self, typ, arguments, name=None, node=None, parameters=0):
        lid = "l%d" % (len(self.layers) + 1)
        layer = {"type": typ, "arguments": arguments}
        if name is not None:
            layer["name"] = name
        self.layers[lid] = layer
        if node is not None:
            self.layer_nodes[lid] = node
        self.layer_parameters[lid] = int(parameters)
        return lid

    def connect(self, ref, lid, index):
        src = ref.resolve()
        kid = "k%d" % (len(self.connections) + 1)
        self.connections[kid] = {"from": {"layer": src[0], "output": src[1]},
                                 "to": {"layer": lid, "input": index}}

    # -- batch sizes ------------------------------------------------------------------------------

    def batch_dims(self, node):
        """The dimensions of the node's (first) tensor that are the batch size (2 in one run, 3 in the
        other); None when that cannot be told."""
        a, b = self.values.get(node), self.values3.get(node)
        a = _flatten_tensors(a, [])
        b = _flatten_tensors(b, [])
        if not a or not b or a[0].dim() != b[0].dim():
            return None
        return [i for i, (x, y) in enumerate(zip(a[0].shape, b[0].shape)) if x != y]

    def size_value(self, v):
        """A size argument as JSON: an int, None for the batch size, or raises _NotJSON."""
        if isinstance(v, torch.fx.Node):
            a, b = self.values.get(v), self.values3.get(v)
            if isinstance(a, int) and a == b:
                return a
            if (a, b) == (2, 3):
                return None
            raise _NotJSON()
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        raise _NotJSON()

    # -- tensors ----------------------------------------------------------------------------------

    def tensor_ref(self, arg):
        """The _Ref of an argument that must be a tensor, or None."""
        if not isinstance(arg, torch.fx.Node):
            return None
        if arg.op == "get_attr" and arg not in self.refs and arg not in self.failed:
            self.parameter(arg)
        ref = self.refs.get(arg)
        if not isinstance(ref, _Ref) or ref.resolve() is None:
            return None
        return ref

    def parameter(self, node):
        """A Parameter layer for a learnable tensor of the model used as a value (a class token, a
        positional embedding, a layer scale); made when first used, so that weights handed to a function
        that becomes a layer (F.layer_norm) are not made twice."""
        target = node.target
        if target in self.attr_layers:
            self.refs[node] = _Ref(self.attr_layers[target], None)
            return
        try:
            value = self.gm.get_parameter(target)
        except AttributeError:
            self.problem("buffers (constant tensors)", node)
            return
        lid = self.add_layer("Parameter", {"shape": list(value.shape)},
                             _identifier(target, self.names), node, value.numel())
        self.attr_layers[target] = lid
        self.refs[node] = _Ref(lid, None)

    def identity(self, node, arg):
        """The node is its argument (an identity in eval mode, a one-tensor torch.cat)."""
        if isinstance(arg, torch.fx.Node) and arg in self.failed:
            self.failed.add(node)
            return
        ref = self.tensor_ref(arg)
        if ref is None:
            self.problem("%s of a value that is not a layer output" % _op_name(node), node, follows=True)
            return
        self.refs[node] = ref

    def layer_from(self, node, typ, arguments, inputs, name=None, parameters=0):
        """A layer fed by the tensor arguments `inputs`; None (and a problem) if one is not."""
        refs = [self.tensor_ref(a) for a in inputs]
        if any(a in self.failed for a in inputs if isinstance(a, torch.fx.Node)):
            self.failed.add(node)  # follows from a reported problem: not reported again
            return None
        if not inputs or any(r is None for r in refs):
            self.problem("%s with an input that is not a layer output" % _op_name(node)
                         if node.op != "call_module" else
                         "module %s called with an input that is not a layer output"
                         % node.target, node)
            return None
        lid = self.add_layer(typ, arguments, name, node, parameters)
        for i, r in enumerate(refs):
            self.connect(r, lid, i)
        self.refs[node] = _Ref(lid, self.values.get(node))
        return lid

    def run(self):
        placeholders = [n for n in self.gm.graph.nodes if n.op == "placeholder"]
        used = [n for n in placeholders if n.users]
        if not used:
            raise NNError("the model's forward uses no input")
        if len(self.shapes) != len(used):
            raise NNError("the model takes %d input%s (%s) but %d input shape%s given"
                          % (len(used), "" if len(used) == 1 else "s",
                             ", ".join(n.target for n in used), len(self.shapes),
                             " was" if len(self.shapes) == 1 else "s were"))
        shape_of = dict(zip(used, self.shapes))
        for node in self.gm.graph.nodes:
            if node.op == "placeholder":
                if node in shape_of:
                    lid = self.add_layer("Input", {"shape": list(shape_of[node])},
                                         _identifier(node.target.lstrip("*"), self.names), node)
                    self.refs[node] = _Ref(lid, self.values.get(node))
            elif node.op == "call_module":
                self.module(node)
            elif node.op in ("call_function", "call_method"):
                self.function(node)
            elif node.op == "get_attr":
                pass  # a Parameter layer once something uses it as a tensor (tensor_ref)
            elif node.op == "output":
                self.output(node)
        if self.unsupported:
            raise NNError(_refusal(self.unsupported))
        self.check_reachable()
        return {"layers": dict(self.layers), "connections": dict(self.connections)}

    def torch_shapes(self):
        """What torch computed for every layer: its output shapes (None where the size is the batch)
        and its trainable parameters in the original model."""
        layers = {}
        for lid in self.layers:
            node = self.layer_nodes.get(lid)
            outputs = []
            if node is not None and self.layers[lid]["type"] != "Output":
                ts2 = _flatten_tensors(self.values.get(node), [])
                ts3 = _flatten_tensors(self.values3.get(node), [])
                for k, t in enumerate(ts2):
                    other = ts3[k].shape if k < len(ts3) and ts3[k].dim() == t.dim() else t.shape
                    outputs.append([None if a != b else int(a) for a, b in zip(t.shape, other)])
            layers[lid] = {"outputs": outputs, "parameters": self.layer_parameters.get(lid, 0)}
        return {"layers": layers,
                "parameters": int(sum(p.numel() for p in self.gm.parameters()))}

    def check_reachable(self):
        succ = collections.defaultdict(list)
        for c in self.connections.values():
            succ[c["from"]["layer"]].append(c["to"]["layer"])
        seen = [lid for lid, l in self.layers.items() if l["type"] in ("Input", "Parameter")]
        seen_set = set(seen)
        while seen:
            for nxt in succ[seen.pop()]:
                if nxt not in seen_set:
                    seen_set.add(nxt)
                    seen.append(nxt)
        lost = [lid for lid in self.layers if lid not in seen_set]
        if lost:
            raise NNError("internal error: layers %s are not reachable from an input"
                          % ", ".join(lost))

    def module(self, node):
        target = node.target
        module = self.gm.get_submodule(target)
        try:
            sig = inspect.signature(module.forward)
            bound = sig.bind(*node.args, **node.kwargs)
        except (TypeError, ValueError) as e:
            self.problem("module %s called with arguments it does not take (%s)" % (target, e),
                         node)
            return
        inputs = []
        params = list(sig.parameters.values())
        for p in params:
            if p.name not in bound.arguments:
                continue
            v = bound.arguments[p.name]
            if p.kind == p.VAR_POSITIONAL:
                if any(not isinstance(x, torch.fx.Node) for x in v):
                    self.problem("module %s called with a constant input" % target, node)
                    return
                inputs.extend(v)
            elif isinstance(v, torch.fx.Node):
                inputs.append(v)
            elif p.name == "need_weights" or (p.default is not inspect.Parameter.empty
                                              and _same(v, p.default)) or v is None:
                continue
            else:
                self.problem("module %s called with %s=%r" % (target, p.name, v), node)
                return
        if target in self.shared:
            self.layer_from(node, "Shared", {"layer": self.shared[target]}, inputs)
            return
        try:
            typ, arguments = recover_arguments(module)
        except NNError as e:
            self.problem(str(e), node)  # names the class: grouped over the modules of one class
            return
        lid = self.layer_from(node, typ, arguments, inputs, _identifier(target, self.names),
                              sum(p.numel() for p in module.parameters()))
        if lid is not None:
            self.shared[target] = lid

    def function(self, node):
        inputs = []
        torch.fx.node.map_arg((node.args, node.kwargs), inputs.append)
        self.quiet = any(a in self.failed for a in inputs)
        try:
            self.translate(node)
        finally:
            self.quiet = False

    def translate(self, node):
        t, args, kwargs = node.target, node.args, node.kwargs
        method = node.op == "call_method"
        value = self.values.get(node)
        # shape helpers (x.size(0), x.shape, arithmetic on them): no layer; a layer that takes
        # one as a tensor input reports it
        if not _is_tensor(value) and not _flatten_tensors(value, []):
            self.refs[node] = "shape"
            return
        if ((t is operator.getitem and not method) or (method and t in _PASS_METHODS)) \
                and args and args[0] in self.failed:
            self.failed.add(node)
            return
        if t is operator.getitem and not method:
            src = args[0]
            ref = self.refs.get(src) if isinstance(src, torch.fx.Node) else None
            if isinstance(ref, _Ref) and not _is_tensor(self.values.get(src)) \
                    and isinstance(args[1], (int, str)):
                self.refs[node] = ref.item(args[1])
                return
            self.select(node, src, args[1])
            return
        if _is_stochastic_depth(node):
            b = _bind(args, kwargs, ["input", "p", "mode", "training"], {"training": True})
            if b.get("training") is not False:
                self.problem("torchvision.ops.stochastic_depth in training mode", node)
                return
            self.identity(node, b["input"])  # an identity in eval mode
            return
        if (method and t in ("add", "__add__")) or (not method and t in _ADD):
            b = _bind(args, kwargs, ["input", "other", "alpha"], {"alpha": 1})
            if b.get("alpha") != 1 or "*" in b:
                self.problem("%s with alpha" % _op_name(node), node)
                return
            if not isinstance(b.get("other"), torch.fx.Node):
                self.problem("%s of a constant" % _op_name(node), node)
                return
            self.layer_from(node, "Add", {}, [b["input"], b["other"]])
            return
        if (method and t in ("mul", "__mul__")) or (not method and t in _MUL):
            b = _bind(args, kwargs, ["input", "other"], {})
            if not isinstance(b.get("other"), torch.fx.Node) or "*" in b:
                self.problem("%s with a constant" % _op_name(node), node)
                return
            self.layer_from(node, "Multiply", {}, [b["input"], b["other"]])
            return
        if not method and t in _CAT:
            b = _bind(args, kwargs, ["tensors", "dim"], {"dim": 0})
            tensors = b.get("tensors")
            if not isinstance(tensors, (list, tuple)) or not isinstance(b["dim"], int):
                self.problem("torch.cat of a computed list", node)
                return
            if len(tensors) == 1:
                self.identity(node, tensors[0])  # torch.cat([x]) is x
                return
            self.layer_from(node, "Concatenate", {"dim": b["dim"]}, list(tensors))
            return
        if (method and t == "flatten") or (not method and t in _FLATTEN):
            b = _bind(args, kwargs, ["input", "start_dim", "end_dim"],
                      {"start_dim": 0, "end_dim": -1})
            self.layer_from(node, "Flatten", {"start_dim": b["start_dim"], "end_dim": b["end_dim"]},
                            [b["input"]])
            return
        if (method and t in ("view", "reshape")) or (not method and t is torch.reshape):
            self.reshape(node, args[0] if args else kwargs.get("input"))
            return
        if (method and t == "permute") or (not method and t is torch.permute):
            dims = _dims_arg(args, kwargs, "dims")
            if not all(isinstance(d, int) for d in dims):
                self.problem("%s with computed dims" % _op_name(node), node)
                return
            self.layer_from(node, "Permute", {"dims": dims}, [args[0]])
            return
        if (method and t == "transpose") or (not method and t is torch.transpose):
            b = _bind(args, kwargs, ["input", "dim0", "dim1"], {})
            rank = value.dim()
            dims = list(range(rank))
            try:
                d0, d1 = b["dim0"] % rank, b["dim1"] % rank
            except (KeyError, TypeError, ZeroDivisionError):
                self.problem("%s with computed dims" % _op_name(node), node)
                return
            dims[d0], dims[d1] = dims[d1], dims[d0]
            self.layer_from(node, "Permute", {"dims": dims}, [b["input"]])
            return
        if (method and t in ("chunk", "split")) or (not method and t in (torch.chunk, torch.split)):
            self.split(node, t if method else t.__name__)
            return
        if (method and t == "mean") or (not method and t is torch.mean):
            b = _bind(args, kwargs, ["input", "dim", "keepdim"], {"dim": None, "keepdim": False})
            dim = b.get("dim")
            if dim is None or "*" in b or b.get("dtype") is not None:
                self.problem("%s over every dimension" % _op_name(node) if dim is None
                             else "%s with a dtype" % _op_name(node), node)
                return
            arguments = {"dim": list(dim) if isinstance(dim, (list, tuple)) else dim}
            if b["keepdim"]:
                arguments["keepdim"] = True
            self.layer_from(node, "ReduceMean", arguments, [b["input"]])
            return
        if method and t == "expand":
            sizes = _dims_arg(args, kwargs, "size")
            try:
                shape = [self.size_value(v) for v in sizes]
            except _NotJSON:
                self.problem("Tensor.expand to a computed size", node)
                return
            self.layer_from(node, "Expand", {"shape": shape}, [args[0]])
            return
        if not method and t in _FUNCTIONAL_OF_LAYER and self.functional_layer(node):
            return
        spec = _METHOD_LAYERS.get(t) if method else _FUNCTION_LAYERS.get(t)
        if spec is not None:
            typ, names, defaults, ignored = spec
            b = _bind(args, kwargs, ["input"] + names, defaults)
            arguments = {}
            for pname in names:
                if pname in ignored or pname not in b:
                    continue
                if pname in defaults and _same(b[pname], defaults[pname]):
                    continue
                try:
                    arguments[pname] = _jsonable(b[pname])
                except _NotJSON:
                    self.problem("%s with a computed %s" % (_op_name(node), pname), node)
                    return
            if "*" in b or (typ == "Softmax" and b.get("dtype") is not None):
                self.problem("%s with arguments the layer %s does not take" % (_op_name(node), typ),
                             node)
                return
            self.layer_from(node, typ, arguments, [b["input"]])
            return
        if method and t in _PASS_METHODS:
            ref = self.tensor_ref(args[0])
            if ref is None:
                self.problem(_op_name(node), node)
                return
            self.refs[node] = ref
            return
        self.problem(_op_name(node), node)

    def reshape(self, node, src):
        """x.view / x.reshape / torch.reshape that keeps the batch in dimension 0: a Reshape."""
        out, before = self.values.get(node), self.values.get(src)
        name = "torch.reshape" if node.op == "call_function" else "Tensor.%s" % node.target
        if not (_is_tensor(out) and _is_tensor(before) and out.dim() >= 1 and before.dim() >= 1
                and out.shape[0] == before.shape[0]
                and self.batch_dims(node) in ([0], None) and self.batch_dims(src) in ([0], None)):
            self.problem("%s that changes the batch dimension" % name, node, follows=True)
            return
        self.layer_from(node, "Reshape", {"shape": list(out.shape[1:])}, [src])

    def split(self, node, what):
        """x.chunk(n, dim) / x.split(size, dim) / torch.chunk / torch.split: a Split."""
        first = "chunks" if what == "chunk" else "split_size_or_sections"
        b = _bind(node.args, node.kwargs, ["input", first, "dim"], {"dim": 0})
        if "split_size" in b:
            b[first] = b.pop("split_size")
        src, dim = b["input"], b["dim"]
        before = self.values.get(src)
        size = b.get(first)
        if not _is_tensor(before) or not isinstance(dim, int) or "*" in b or not (
                isinstance(size, int) or (isinstance(size, (list, tuple))
                                          and all(isinstance(s, int) for s in size))):
            self.problem("%s with computed sizes" % _op_name(node), node)
            return
        dim = dim % before.dim()
        if dim in (self.batch_dims(src) or [0]):
            self.problem("%s of the batch dimension" % _op_name(node), node, follows=True)
            return
        if what == "chunk":
            if not isinstance(size, int) or size < 1:
                self.problem("%s with computed sizes" % _op_name(node), node)
                return
            size = -(-before.shape[dim] // size)  # torch.chunk's pieces: as torch.split of this size
        self.layer_from(node, "Split", {"split_size_or_sections": _jsonable(size), "dim": dim}, [src])

    def select(self, node, src, index):
        """x[:, 0] / x[..., 2]: a Select of one index along one dimension."""
        before = self.values.get(src)
        items = list(index) if isinstance(index, tuple) else [index]
        full = slice(None, None, None)
        if not _is_tensor(before) or sum(isinstance(i, int) for i in items) != 1 or any(
                not (isinstance(i, int) or i == full or i is Ellipsis) for i in items) \
                or items.count(Ellipsis) > 1:
            self.problem("indexing (x[...])", node)
            return
        at = next(k for k, i in enumerate(items) if isinstance(i, int))
        if Ellipsis in items and items.index(Ellipsis) < at:
            dim = before.dim() - (len(items) - at)
        else:
            dim = at
        if dim in (self.batch_dims(src) or [0]):
            self.problem("indexing the batch dimension (x[i])", node, follows=True)
            return
        self.layer_from(node, "Select", {"dim": dim, "index": items[at]}, [src])

    def functional_layer(self, node):
        """F.layer_norm(x, shape, self.weight, self.bias, eps) in the forward of a subclass of nn.LayerNorm
        (torchvision's LayerNorm2d): that module's layer.  False when the weights are not one layer's."""
        cls, names = _FUNCTIONAL_OF_LAYER[node.target]
        b = _bind(node.args, node.kwargs, ["input"] + names, {})
        weight, bias = b.get("weight"), b.get("bias")
        if not (isinstance(weight, torch.fx.Node) and weight.op == "get_attr"
                and weight.target.endswith(".weight")):
            return False
        owner = weight.target[:-len(".weight")]
        if not (isinstance(bias, torch.fx.Node) and bias.op == "get_attr"
                and bias.target == owner + ".bias"):
            return False
        try:
            module = self.model.get_submodule(owner)
        except AttributeError:
            return False
        if not isinstance(module, cls):
            return False
        try:
            typ, arguments = recover_arguments(module, cls)
        except NNError as e:
            self.problem("module %s: %s" % (owner, e), node)
            return True
        for pname in names:
            if pname in arguments and pname in b and not _same(_jsonable_or(b[pname]), arguments[pname]):
                self.problem("%s with other arguments than module %s" % (_op_name(node), owner), node)
                return True
        self.layer_from(node, typ, arguments, [b["input"]], _identifier(owner, self.names),
                        sum(p.numel() for p in module.parameters()))
        return True

    def output(self, node):
        items = []

        def walk(v):
            if isinstance(v, torch.fx.Node):
                items.append(v)
            elif isinstance(v, (tuple, list)):
                for x in v:
                    walk(x)
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x)

        walk(node.args[0])
        refs = []
        if any(item in self.failed for item in items):
            return
        for item in items:
            ref = self.tensor_ref(item)
            if ref is None:
                self.problem("a returned value that is not a tensor (%s)" % item.name, node)
                return
            refs.append(ref)
        if not refs:
            self.problem("a forward that returns no tensor", node)
            return
        width = len(str(len(refs)))
        for i, ref in enumerate(refs):
            if len(refs) == 1:
                name = "output"
            else:
                name = "output_%0*d" % (width, i + 1)
            name = _identifier(name, self.names)
            lid = self.add_layer("Output", {}, name)
            self.connect(ref, lid, 0)


def _jsonable_or(value):
    try:
        return _jsonable(value)
    except _NotJSON:
        return value


def _input_shapes(shape):
    if not isinstance(shape, list) or not shape:
        raise NNError("'input_shape' must be the per-sample shape, e.g. [3, 224, 224]")

    def ok(s):
        return isinstance(s, list) and all(isinstance(d, int) and not isinstance(d, bool)
                                           and d > 0 for d in s)
    if ok(shape):
        return [shape]
    if all(ok(s) for s in shape):
        return shape
    raise NNError("'input_shape' must be a list of positive sizes (without the batch), or a list "
                  "of such lists, one per input")


def import_model(request):
    """An architecture JSON (docs/architectures.md) traced from a PyTorch model."""
    shapes = _input_shapes(request.get("input_shape"))
    with contextlib.redirect_stdout(sys.stderr):
        model, default_name = _load_model(request.get("source"))
        if not isinstance(model, nn.Module):
            if isinstance(model, type) and issubclass(model, nn.Module):
                try:
                    model = model()
                except Exception as e:  # noqa: BLE001
                    raise NNError("%s() failed: %s" % (model.__name__, _readable(e)))
            else:
                raise NNError("the factory returned %s, not a torch.nn.Module"
                              % type(model).__name__)
        model.eval()  # the inference graph (e.g. no auxiliary training heads)
        try:
            gm = _trace(model)
        except Exception as e:  # noqa: BLE001
            raise NNError("the model cannot be traced with torch.fx (%s: %s); forward must not "
                          "branch or loop on tensor values" % (type(e).__name__, _readable(e)))
        try:
            values = _record(gm, shapes, 2)
            values3 = _record(gm, shapes, 3)  # which sizes are the batch
        except Exception as e:  # noqa: BLE001
            raise NNError("the model does not run on an input of shape %s: %s"
                          % ("[N, %s]" % ", ".join(str(d) for d in shapes[0]) if len(shapes) == 1
                             else shapes, _readable(e)))
        importer = _Importer(gm, values, shapes, values3, model)
        arch = importer.run()
    name = request.get("name")
    if not isinstance(name, str) or not name:
        name = default_name
    result = {"name": name, "layers": arch["layers"], "connections": arch["connections"]}
    if request.get("with_torch_shapes"):
        result["torch"] = importer.torch_shapes()
    return result


def handle(request):
    """Dispatch one layer_shapes request of the analysis process (the dict without id/type checks).

    Model import runs users' code, so it is never answered there: it runs in a sandboxed process of
    its own per request (``main`` below)."""
    typ = request.get("type")
    if typ == "layer_shapes":
        return layer_shapes(request)
    raise NNError("unknown request type %r" % (typ,))


def answer(request, memory_limit=None):
    """``{"ok": true, "result": architecture}`` or ``{"ok": false, "error": why}`` for one import request."""
    try:
        return {"ok": True, "result": import_model(request)}
    except NNError as e:
        return {"ok": False, "error": str(e)}
    except MemoryError:
        return {"ok": False, "error": "the model code ran out of memory (the limit is %s)" % _size(memory_limit)}
    except RecursionError as e:
        return {"ok": False, "error": "the model code recursed too deeply: %s" % e}
    except BaseException as e:  # noqa: B902 - SystemExit or KeyboardInterrupt from users' code, too
        return {"ok": False, "error": "the model code failed: %s: %s" % (type(e).__name__, _readable(e))}


def _size(limit):
    return "%d MiB" % (limit // (1 << 20)) if limit else "what this machine has"


def main(argv=None):
    """``python -m deepforge.nnimport [--memory BYTES]``: one import request (JSON) on stdin, one answer line on stdout.

    Runs in a sandbox, one process per request (see ModelImporter on the server). The address-space
    limit is set after torch and torchvision are imported and before any of the user's code runs;
    whatever the user's code prints goes to stderr, so stdout carries the answer only."""
    import os
    import resource

    argv = list(sys.argv[1:] if argv is None else argv)
    limit = None
    if "--memory" in argv:
        limit = int(argv[argv.index("--memory") + 1])
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    try:
        import torchvision.models  # noqa: F401 - loaded before the limit, as torch is
    except ImportError:
        pass
    answer_fd = os.dup(1)
    os.dup2(2, 1)
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    response = answer(request, limit)
    try:
        text = json.dumps(response, allow_nan=False)
    except (TypeError, ValueError) as e:
        text = json.dumps({"ok": False, "error": "the imported architecture cannot be written as JSON: %s" % e})
    with os.fdopen(answer_fd, "w") as out:
        out.write(text + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no interpreter teardown: the user's objects may misbehave in __del__


if __name__ == "__main__":
    main()

