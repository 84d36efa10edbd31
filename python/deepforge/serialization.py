"""How job inputs and outputs are stored: ``<dir>/data`` plus ``<dir>/meta.json``.

``meta.json`` is ``{"type": "<registry name>", "sha256": "<hex of data>", "size": <bytes>}``.

The registry maps a name to (a type or a predicate, ``save(obj, path)``, ``load(path)``).
:func:`save` uses the first entry that accepts the object: the entries registered by user code
(most recently registered first) and then the built-ins, in this order:

=================== ======================================================================
``torch.nn.Module`` ``torch.save`` of the whole module (its class is pickled by reference, so
                    it must be importable when loading: a bundle module such as
                    ``architectures.a1`` is, a class defined in ``__main__`` is not)
``torch.Tensor``    ``torch.save``
``numpy.ndarray``   ``np.save(..., allow_pickle=False)`` (object arrays fall through to pickle)
``pickle``          ``pickle.dump``: anything else (dicts, lists, numbers, ...)
=================== ======================================================================

:func:`load` reads by the recorded name; an unknown name raises :class:`UnknownTypeError`
naming it. numpy and torch are imported only when an entry needs them.

User code (usually a module in ``utils/``, imported by the runtime before inputs load)::

    from deepforge.serialization import register
    register("mypkg.Table", Table, lambda table, path: table.write(path), Table.read)
"""

import hashlib
import inspect
import json
import os
import pickle
import sys

__all__ = ["register", "unregister", "registered", "entry_for", "save", "load", "read_meta",
           "file_digest", "UnknownTypeError"]


class UnknownTypeError(LookupError):
    """``load`` found a type name that no registry entry has."""


class _Entry:
    __slots__ = ("name", "accepts", "save", "load", "builtin")

    def __init__(self, name, accepts, save, load, builtin):
        self.name, self.accepts, self.save, self.load, self.builtin = (
            name, accepts, save, load, builtin)

    def __repr__(self):
        return "<serializer %r%s>" % (self.name, " (built-in)" if self.builtin else "")


def _matcher(type_or_predicate):
    if isinstance(type_or_predicate, type) or (
            isinstance(type_or_predicate, tuple)
            and all(isinstance(t, type) for t in type_or_predicate)):
        return lambda obj: isinstance(obj, type_or_predicate)
    if callable(type_or_predicate):
        return type_or_predicate
    raise TypeError("register: expected a type, a tuple of types or a predicate, got %r"
                    % (type_or_predicate,))


_user = []       # user entries, most recent first
_builtins = []   # built-in entries, in the documented order


def register(name, type_or_predicate, save, load):
    """Register a serializer; it takes precedence over the built-ins and over earlier user
    entries. Registering a name again replaces the earlier entry of that name (a built-in's
    name included, for loading). ``save(obj, path)`` writes the file ``path``; ``load(path)``
    returns the object."""
    if not isinstance(name, str) or not name:
        raise ValueError("register: the name must be a non-empty string")
    if not callable(save) or not callable(load):
        raise TypeError("register: save and load must be callables")
    entry = _Entry(name, _matcher(type_or_predicate), save, load, False)
    _user[:] = [e for e in _user if e.name != name]
    _user.insert(0, entry)
    return entry


def unregister(name):
    """Remove the user entry ``name`` (built-ins stay). Returns whether one was removed."""
    before = len(_user)
    _user[:] = [e for e in _user if e.name != name]
    return len(_user) != before


def registered():
    """The entries in the order ``save`` tries them."""
    return list(_user) + list(_builtins)


def entry_for(obj):
    """The entry ``save`` would use for ``obj``."""
    for entry in registered():
        if entry.accepts(obj):
            return entry
    raise TypeError("no serializer accepts %s" % type(obj).__name__)  # pickle accepts all


def _by_name(name):
    for entry in registered():
        if entry.name == name:
            return entry
    return None


# ---------------------------------------------------------------- built-ins

def _is_module(obj):
    torch = sys.modules.get("torch")  # no torch loaded: obj cannot be a torch object
    return torch is not None and isinstance(obj, torch.nn.Module)


def _is_tensor(obj):
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.Tensor)


def _is_ndarray(obj):
    np = sys.modules.get("numpy")
    return np is not None and isinstance(obj, np.ndarray) and not obj.dtype.hasobject


def _torch_save(obj, path):
    import torch
    torch.save(obj, path)


def _torch_load_kwargs(torch, full_pickle):
    kwargs = {}
    if not torch.cuda.is_available():
        kwargs["map_location"] = "cpu"  # saved on a GPU machine, loaded on a CPU one
    if full_pickle:
        try:
            accepts = "weights_only" in inspect.signature(torch.load).parameters
        except (TypeError, ValueError):
            accepts = False
        if accepts:  # torch >= 2.6 defaults to weights_only=True, which refuses modules
            kwargs["weights_only"] = False
    return kwargs


def _load_module(path):
    import torch
    return torch.load(path, **_torch_load_kwargs(torch, True))


def _load_tensor(path):
    import torch
    return torch.load(path, **_torch_load_kwargs(torch, False))


def _save_ndarray(obj, path):
    import numpy as np
    with open(path, "wb") as f:  # a file object: np.save would append ".npy" to a name
        np.save(f, obj, allow_pickle=False)


def _load_ndarray(path):
    import numpy as np
    return np.load(path, allow_pickle=False)


def _save_pickle(obj, path):
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=4)


def _load_pickle(path):
    with open(path, "rb") as f:
        return pickle.load(f)


class File(os.PathLike):
    """A file (or a directory of files) as a job's input or output, kept byte for byte (downloading the
    artifact gives the file itself, e.g. an uploaded CSV or an exported ONNX model). Loads as a path to the
    data: open it, np.load it, list the directory, or hand it to any library that takes a path. A job sees
    only its own bundle, so a path of one job means nothing to the next: pass files on as File."""

    __slots__ = ("path",)

    def __init__(self, path):
        self.path = os.fspath(path)

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return "File(%r)" % self.path


def _save_file(obj, path):
    import shutil

    if os.path.isdir(obj.path):
        shutil.copytree(obj.path, path)
    else:
        shutil.copyfile(obj.path, path)


_builtins.extend([
    _Entry("file", lambda obj: isinstance(obj, File), _save_file, File, True),
    _Entry("torch.nn.Module", _is_module, _torch_save, _load_module, True),
    _Entry("torch.Tensor", _is_tensor, _torch_save, _load_tensor, True),
    _Entry("numpy.ndarray", _is_ndarray, _save_ndarray, _load_ndarray, True),
    _Entry("pickle", lambda obj: True, _save_pickle, _load_pickle, True),
])


# ---------------------------------------------------------------- save / load

def file_digest(path):
    """(sha256 hex, size) of a file; for a directory (a serializer may write one), of its files
    in sorted order, each preceded by its relative path."""
    digest, size = hashlib.sha256(), 0
    if os.path.isdir(path):
        files = []
        for root, dirs, names in os.walk(path):
            dirs.sort()
            files.extend(os.path.join(root, n) for n in sorted(names))
        for file in files:
            digest.update(os.path.relpath(file, path).replace(os.sep, "/").encode() + b"\0")
            size += _update(digest, file)
        return digest.hexdigest(), size
    size = _update(digest, path)
    return digest.hexdigest(), size


def _update(digest, path):
    size = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return size


def save(obj, directory):
    """Write ``directory/data`` and ``directory/meta.json``; returns the meta dict
    ``{"type", "sha256", "size"}``."""
    directory = os.fspath(directory)
    os.makedirs(directory, exist_ok=True)
    entry = entry_for(obj)
    data = os.path.join(directory, "data")
    entry.save(obj, data)
    if not os.path.exists(data):
        raise RuntimeError("serializer %r did not write %s" % (entry.name, data))
    sha256, size = file_digest(data)
    meta = {"type": entry.name, "sha256": sha256, "size": size}
    with open(os.path.join(directory, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f)
        f.write("\n")
    return meta


def read_meta(directory):
    path = os.path.join(os.fspath(directory), "meta.json")
    with open(path, encoding="utf-8") as f:
        meta = json.load(f)
    if not isinstance(meta, dict) or not isinstance(meta.get("type"), str):
        raise ValueError("%s: expected an object with a \"type\" name" % path)
    return meta


def load(directory):
    """Read ``directory/data`` with the entry named in ``directory/meta.json``."""
    directory = os.fspath(directory)
    name = read_meta(directory)["type"]
    entry = _by_name(name)
    if entry is None:
        raise UnknownTypeError(
            "cannot load %s: no serializer is registered for type %r (registered: %s); "
            "register one with deepforge.serialization.register(%r, ...) in a utils module"
            % (directory, name, ", ".join(e.name for e in registered()), name))
    return entry.load(os.path.join(directory, "data"))
