"""A model as a plain-torch checkpoint that loads without DeepForge (docs/artifacts.md)."""

import importlib
import os
import sys

from .common import PreviewError, _torch_load


def use_modules(request):
    """Makes the generated architecture modules importable (a pickled model names its class by module) and imports
    the modules of the project's libraries (``libraries``, their packages in ``modules``), which register their
    serializers. Returns the failures, ``{module: "Error: text"}``: a preview that needs none of them still works."""
    modules = request.get("modules")
    if modules and modules not in sys.path:
        sys.path.insert(0, modules)
    failed = {}
    for name in request.get("libraries") or ():
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - a library's import may raise anything
            failed[name] = "%s: %s" % (type(error).__name__, error)
    return failed


def portable(request):
    """``out/model.pt``: ``{"format": "deepforge-model/1", "class", "code", "state_dict"}`` with only
    strings and tensors, so plain ``torch.load`` reads it (``weights_only`` too) without DeepForge."""
    import torch

    use_modules(request)
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
