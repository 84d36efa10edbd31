"""Loading a model (torchvision or the user's code), tracing it with torch.fx and recording the value of
every node on meta tensors."""

import builtins
import dis
import inspect
import sys

import torch
import torch.fx
from torch.overrides import TorchFunctionMode

from .common import NNError, _readable


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
