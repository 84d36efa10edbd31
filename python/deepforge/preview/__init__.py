"""``python -m deepforge.preview [--memory BYTES]``: looks into one artifact for the artifacts place.

Runs in a sandbox, one process per request (``ArtifactPreviews`` on the server): the artifact's data
is bound read-only, the only writable place is a private ``/tmp`` (and ``out``, for a conversion),
there is no network. Loading a pickle runs whatever the pickle says, so it happens here and never
in the server. One request (JSON) on stdin, one answer line on stdout::

    {"op": "summary", "type": "<serializer>", "data": "<path>", "modules": "<dir>"?, "libraries": [<module>]?}
    {"op": "slice", ..., "index": [i0, i1, ...]}      a 2-D slice of an N-D array, downsampled
    {"op": "portable", ..., "out": "<dir>"}      a model as plain torch, written to out/model.pt

How each kind of data is read (docs/artifacts.md says the same for users):

* ``numpy.ndarray`` (and ``.npy`` files): ``np.load(mmap_mode="r", allow_pickle=False)``: only the
  header is read eagerly; statistics stream over the array in blocks, a slice reads only its rows.
* ``torch.Tensor``: ``torch.load`` (``weights_only`` where the installed torch has it).
* ``torch.nn.Module`` and ``pickle``: unpickled (here, in the sandbox) with the generated
  architecture modules importable (``modules``).
* a type registered by a library of the project (``libraries``: its modules, imported first, whose
  packages are in ``modules``; docs/libraries.md): read by that serializer's ``load``.
* ``file``: sniffed by its first bytes: PNG/JPEG/GIF images, FITS (headers through astropy, data
  never read), ``.npy``, JSON and text; anything else is shown as its size and first bytes.
"""

import os

from deepforge import serialization

from .arrays import _array_summary, _open_array, _slice, _tensor_array
from .common import MAX_ROWS, PreviewError, _load_pickle, _sniff, _torch_load
from .files import _file_summary
from .objects import _object_summary
from .portable import portable, use_modules



def summary(request):
    typ = request.get("type")
    path = request["data"]
    if os.path.isdir(path):
        names = sorted(os.listdir(path))
        return {"kind": "table", "type": "directory", "columns": ["name"], "rows": [[n] for n in names[:MAX_ROWS]],
                "total": len(names)}
    if typ == "numpy.ndarray":
        arr, kind = _open_array(request)
        return _array_summary(arr, kind)
    if typ == "torch.Tensor":
        return _array_summary(_tensor_array(_torch_load(path, True)), "torch.Tensor")
    if typ == "torch.nn.Module":
        use_modules(request)
        model = _torch_load(path, False)
        return _object_summary(model, typ)
    if typ == "file":
        return _file_summary(path)
    failed = use_modules(request)
    entry = next((e for e in serialization.registered() if e.name == typ and not e.builtin), None)
    if entry is not None:  # a type one of the project's libraries registered: read as a job reads it
        return _object_summary(entry.load(path), typ)
    # pickle and anything a user's serializer wrote with pickle
    head = _sniff(path)
    if head.startswith(b"PK\x03\x04"):  # torch.save's zip format
        obj = _torch_load(path, False)
    else:
        try:
            obj = _load_pickle(path)
        except Exception as e:  # noqa: BLE001 - an unknown format: show the file
            if typ == "pickle":
                raise
            out = _file_summary(path)
            out["note"] = "not a pickle (%s: %s); shown as a file" % (type(e).__name__, e)
            if failed:
                out["note"] += "; the project's library module %s, which may read it, could not be imported: %s" % (
                    next(iter(failed)), next(iter(failed.values())))
            return out
    return _object_summary(obj, typ)


def slice_of(request):
    use_modules(request)
    index = request.get("index") or []
    if not isinstance(index, list):
        raise PreviewError("index is a list of integers, one per leading axis")
    arr, _ = _open_array(request)
    return _slice(arr, index)


def answer(request, memory_limit=None):
    ops = {"summary": summary, "slice": slice_of, "portable": portable}
    op = ops.get(request.get("op"))
    if op is None:
        return {"ok": False, "error": "unknown request %r" % request.get("op")}
    try:
        return {"ok": True, "result": op(request)}
    except PreviewError as e:
        return {"ok": False, "error": str(e)}
    except MemoryError:
        return {"ok": False, "error": "reading the artifact ran out of memory (the limit is %s)"
                % ("%d MiB" % (memory_limit >> 20) if memory_limit else "what this machine has")}
    except BaseException as e:  # noqa: B902 - a pickle may raise anything, SystemExit included
        text = str(e)
        if len(text) > 500:
            text = text[:500] + "..."
        return {"ok": False, "error": "reading the artifact failed: %s: %s" % (type(e).__name__, text)}


def _preload(request):
    import importlib

    importlib.import_module("numpy")  # loaded before the limit, as torch is for what needs it
    if request.get("type") in ("torch.Tensor", "torch.nn.Module", "pickle"):
        importlib.import_module("torch")


def main(argv=None):
    from deepforge import sandboxed

    sandboxed.serve(answer, "the preview", _preload, argv)
