"""``import_model`` and the requests of the PyTorch helpers; ``main`` answers one import request in
a sandboxed process (``python -m deepforge.nnimport``)."""

import contextlib
import sys

from torch import nn

from .common import NNError, _readable
from .shapes import layer_shapes
from .tracing import _load_model, _record, _trace
from .translate import _Importer


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


def _preload(request):
    try:
        import torchvision.models  # noqa: F401 - loaded before the limit, as torch is
    except ImportError:
        pass


def main(argv=None):
    """``python -m deepforge.nnimport [--memory BYTES]``: one import request (JSON) on stdin, one answer line on stdout
    (see :mod:`deepforge.sandboxed`; one process per request, started by ModelImporter on the server)."""
    from deepforge import sandboxed

    sandboxed.serve(answer, "the imported architecture", _preload, argv)
