"""tqdm progress bars inside a job report through the event channel as ``progress`` events.

``deepforge.runtime`` calls :func:`install` when it is imported. If tqdm is loaded already its bar
class is patched at once; otherwise an import hook patches ``tqdm.std`` when the job first imports
tqdm (so a job that never uses tqdm never loads it). Every tqdm flavour (``tqdm.tqdm``,
``tqdm.auto``, ``trange``, ``tqdm.notebook``) is a subclass of ``tqdm.std.tqdm``, and every update
goes through its ``update`` (iteration calls it once per ``mininterval``) and ends in ``close``, so
the patch wraps those two and ``__init__``:

* a bar reports ``deepforge.progress(n, total, desc)`` when it starts, as it advances and when it
  closes; :func:`deepforge.events.progress` rate-limits per label and always writes the last state;
* a disabled bar (``disable=True``) reports nothing, as it shows nothing;
* reporting never raises into the user's loop.

This is the runtime route rather than parsing tqdm's carriage-return lines from the console: it
works whatever the bar's format, file or width, and a user's print can never look like progress.
"""

import importlib.abc
import sys

from deepforge import events

__all__ = ["install", "patch"]

_MODULE = "tqdm.std"
_MARK = "_deepforge_progress"


def _report(bar):
    try:
        if getattr(bar, "disable", True):
            return
        total = getattr(bar, "total", None)
        if total is not None and not total > 0:
            total = None
        events.progress(bar.n, total, getattr(bar, "desc", "") or "")
    except Exception:  # progress must never break the user's loop
        pass


def patch(module):
    """Wrap ``module.tqdm`` (``tqdm.std``) so its bars report progress; idempotent."""
    cls = getattr(module, "tqdm", None)
    if cls is None or getattr(cls, _MARK, False):
        return
    original_init, original_update, original_close = cls.__init__, cls.update, cls.close

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        _report(self)

    def update(self, n=1):
        result = original_update(self, n)
        _report(self)
        return result

    def close(self):
        if not getattr(self, "disable", True):
            _report(self)  # before tqdm's close, which disables the bar
        return original_close(self)

    for name, function in (("__init__", __init__), ("update", update), ("close", close)):
        original = getattr(cls, name)
        function.__name__, function.__qualname__, function.__doc__ = original.__name__, original.__qualname__, original.__doc__
        function.__wrapped__ = original
        setattr(cls, name, function)
    setattr(cls, _MARK, True)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: when ``tqdm.std`` is found by the other finders, its loader is wrapped
    so the module is patched right after it runs."""

    deepforge_tqdm = True  # recognised across copies of this module (a forked warm interpreter)

    def find_spec(self, name, path, target=None):
        if name != _MODULE:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original_exec = loader.exec_module

        def exec_module(module):
            original_exec(module)
            patch(module)

        loader.exec_module = exec_module
        return spec


def install():
    """Make tqdm bars report progress (now if tqdm is loaded, else when it is imported)."""
    module = sys.modules.get(_MODULE)
    if module is not None:
        patch(module)
        return
    # a copy of this module loaded earlier (the warm interpreter's) may have left its finder: replace it
    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "deepforge_tqdm", False)]
    sys.meta_path.insert(0, _Finder())
