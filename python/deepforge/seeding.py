"""Seeds for reproducible jobs (docs/jobs.md, "Seeds").

Every execution has a seed (chosen in the run dialog or the REST request's ``"seed"``, else drawn
and recorded). Each job gets its own seed from it, ``job_seed(execution_seed, node_id)``: the first
four bytes of SHA-256 of ``"<execution seed>:<node id>"`` (the seed in decimal, UTF-8) as an
unsigned big-endian number. ``seed(value)`` then, before the operation runs:

- seeds Python's ``random`` and numpy's global generator (``numpy.random.seed``; generators a user
  makes with ``numpy.random.default_rng()`` without a seed are not affected);
- seeds torch (``torch.manual_seed``, which covers CUDA too) and turns on deterministic algorithms
  (``torch.use_deterministic_algorithms(True, warn_only=True)``: an operation torch cannot run
  deterministically still runs, with a warning, and the warning is recorded in the job's
  results.json under ``nondeterministic`` and from there in the provenance of its outputs);
- torch is seeded as soon as it is imported, so a job that never imports torch does not pay for it.

The same pipeline at the same commit with the same seed then computes byte-identical outputs,
inside DeepForge, in a rerun and in the exported ``python main.py``, for operations that are
deterministic on the CPU with the same number of threads.
"""

import hashlib
import os
import random
import sys
import warnings

__all__ = ["job_seed", "seed", "current", "nondeterministic"]

_seed = None
_notes = []
_pending = set()
_hooked = False
_showwarning = None


def job_seed(execution_seed, node):
    """The seed of the job for pipeline node ``node`` in an execution seeded with ``execution_seed``."""
    digest = hashlib.sha256(("%d:%s" % (int(execution_seed), node)).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big")


def current():
    """The seed the job was seeded with, or None."""
    return _seed


def nondeterministic():
    """What torch reported it could not do deterministically since ``seed`` (warning texts, each once)."""
    return list(_notes)


def seed(value):
    """Seed ``random``, numpy and torch with ``value`` (0 to 2**32-1) and turn on torch's deterministic
    algorithms; torch is seeded when it is imported if it is not imported yet."""
    global _seed
    value = int(value)
    if not 0 <= value <= 0xFFFFFFFF:
        raise ValueError("a seed is a whole number from 0 to 4294967295, not %d" % value)
    _seed = value
    random.seed(value)
    # cuBLAS needs this before CUDA starts to be deterministic; harmless without CUDA
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    _watch_warnings()
    for name in ("numpy", "torch"):
        if name in sys.modules:
            _apply(name)
        else:
            _pending.add(name)
            _hook()
    return value


def _apply(name):
    module = sys.modules.get(name)
    if module is None or _seed is None:
        return
    if name == "numpy":
        module.random.seed(_seed)
    elif name == "torch":
        module.manual_seed(_seed)
        try:
            module.use_deterministic_algorithms(True, warn_only=True)
        except TypeError:  # torch before 1.11 has no warn_only: leave the algorithms as they are
            pass
        backends = getattr(module, "backends", None)
        cudnn = getattr(backends, "cudnn", None)
        if cudnn is not None:
            cudnn.deterministic = True
            cudnn.benchmark = False


def _watch_warnings():
    global _showwarning
    if _showwarning is not None:
        return
    _showwarning = warnings.showwarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        text = str(message)
        if "deterministic" in text and text not in _notes and len(_notes) < 20:
            _notes.append(text)
        return _showwarning(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


class _SeedAfterLoad:
    """A module's loader that seeds the module once it has loaded; everything else is the loader's."""

    def __init__(self, loader, name):
        self._loader = loader
        self._name = name

    def __getattr__(self, attribute):
        return getattr(self._loader, attribute)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _apply(self._name)


class _Finder:
    """Finds numpy and torch as the other finders do, with a loader that seeds them after loading."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _pending:
            return None
        _pending.discard(fullname)
        import importlib.util
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _SeedAfterLoad(spec.loader, fullname)
        return spec

    def invalidate_caches(self):
        pass


def _hook():
    global _hooked
    if not _hooked:
        sys.meta_path.insert(0, _Finder())
        _hooked = True
