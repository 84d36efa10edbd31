"""Helpers for a bundle's generated ``main.py`` (see docs/jobs.md)::

    from deepforge import runtime

    def main():
        from operations.Scale import Scale
        operation = Scale(factor=2.0, model=runtime.build_reference("model"))
        result = operation.execute(runtime.load_input("data"))
        runtime.save_outputs({"result": result})

    if __name__ == "__main__":
        runtime.run(main)

Importing this module sets ``MPLBACKEND=module://deepforge.plotting`` unless the environment
already sets MPLBACKEND (and selects it in matplotlib if a warm interpreter imported matplotlib
already); ``run`` does the same if it was not done. Importing the operation inside the function
given to ``run`` is recommended: an operation that fails to import (a syntax error) is then
reported in results.json like any other failure, not only as a traceback on stderr.

When job.json lists ``libraries`` (the Python modules of the project's libraries, whose packages lie
beside ``deepforge/`` in the bundle; docs/libraries.md), ``run`` and ``load_input`` import them first,
before utils/ and before any input is loaded: that is where a library registers its serializers. A
module that cannot be imported fails the job with an ImportError naming it.

When job.json has a ``seed`` (every job DeepForge runs has one), ``run`` seeds ``random``, numpy and
torch with it and turns on torch's deterministic algorithms before the operation is imported
(``deepforge.seeding``; docs/jobs.md "Seeds").

Importing this module also makes ``tqdm`` bars report ``progress`` events (``deepforge.tqdm_progress``).

The bundle root is ``$DEEPFORGE_BUNDLE`` if set, else the directory of the ``__main__`` script
when it holds job.json, else the current directory.
"""

import importlib
import json
import os
import platform
import sys
import time
import traceback

from deepforge import events, serialization, tqdm_progress

__all__ = ["run", "load_input", "build_reference", "save_outputs", "job", "environment",
           "bundle_root", "import_utils", "import_libraries"]

PLOT_BACKEND = "module://deepforge.plotting"

_outputs = {}
_utils_imported = set()
_libraries_imported = set()
_job_cache = None


def _default_backend():
    """Select the capture backend unless the environment chose one. matplotlib reads MPLBACKEND
    when it is imported; in an interpreter that imported it already (a warm, forked one) the
    backend is selected in matplotlib too. Runs once: a later ``matplotlib.use`` of the user's
    code wins."""
    if "MPLBACKEND" in os.environ:
        return
    os.environ["MPLBACKEND"] = PLOT_BACKEND
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:
        try:
            matplotlib.use(PLOT_BACKEND)
        except Exception as error:  # plots are then not captured; the job still runs
            print("deepforge.runtime: cannot select %s: %s" % (PLOT_BACKEND, error),
                  file=sys.stderr)


_default_backend()
tqdm_progress.install()


def bundle_root():
    return events.job_directory() or os.getcwd()


def job():
    """job.json as a dict ({} when the bundle has none)."""
    global _job_cache
    if _job_cache is None:
        path = os.path.join(bundle_root(), "job.json")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                _job_cache = json.load(f)
        else:
            _job_cache = {}
    return _job_cache


def _on_path(root):
    if not any(os.path.abspath(p or os.curdir) == root for p in sys.path):
        sys.path.insert(0, root)


def import_libraries():
    """Import the modules job.json lists as ``libraries``, once, in their order."""
    root = bundle_root()
    if root in _libraries_imported:
        return
    _libraries_imported.add(root)
    modules = job().get("libraries") or []
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise ImportError("job.json: \"libraries\" must be a list of module names, not %r" % (modules,))
    _on_path(root)
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:
            raise ImportError("the library module %s could not be imported (%s: %s); is the library's code in the "
                              "bundle and are its requirements installed?" % (name, type(error).__name__, error),
                              name=name) from error


def import_utils():
    """Import every module of ``utils/`` (sorted by name), once, so that their serializers
    register before any input is loaded."""
    root = bundle_root()
    directory = os.path.join(root, "utils")
    if root in _utils_imported or not os.path.isdir(directory):
        return
    _utils_imported.add(root)
    _on_path(root)
    names = []
    for entry in sorted(os.listdir(directory)):
        path = os.path.join(directory, entry)
        if entry.endswith(".py") and entry != "__init__.py" and os.path.isfile(path):
            names.append(entry[:-3])
        elif os.path.isfile(os.path.join(path, "__init__.py")):
            names.append(entry)
    for name in names:
        if name.isidentifier():
            importlib.import_module("utils." + name)


def load_input(name):
    """The value of input ``name`` (``inputs/<name>/``)."""
    import_libraries()
    import_utils()
    directory = os.path.join(bundle_root(), "inputs", name)
    if not os.path.isfile(os.path.join(directory, "meta.json")):
        raise FileNotFoundError("input %r is missing: %s has no meta.json" % (name, directory))
    if not os.path.exists(os.path.join(directory, "data")) and os.path.isfile(os.path.join(directory, "fetch.json")):
        fetch_input(directory)
    return serialization.load(directory)


def fetch_input(directory):
    """Download an input kept in remote storage through the presigned link in ``fetch.json``
    (valid for this job only), checking its sha256; the data lands in ``data`` only when complete."""
    import hashlib
    import urllib.error
    import urllib.request
    with open(os.path.join(directory, "fetch.json"), encoding="utf-8") as f:
        fetch = json.load(f)
    target = os.path.join(directory, "data")
    partial = target + ".part"
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(fetch["url"], timeout=60) as response, open(partial, "wb") as out:
            while True:
                chunk = response.read(1 << 20)
                if not chunk:
                    break
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except urllib.error.HTTPError as e:
        _remove(partial)
        raise IOError("could not download input %s from storage: HTTP %d %s (the link may have expired; "
                      "run the job again from DeepForge to get a fresh one)"
                      % (os.path.basename(directory), e.code, e.reason)) from None
    except BaseException:
        _remove(partial)
        raise
    expected = fetch.get("sha256")
    if expected and digest.hexdigest() != expected:
        _remove(partial)
        raise IOError("input %s changed in storage since it was recorded: sha256 %s, expected %s"
                      % (os.path.basename(directory), digest.hexdigest(), expected))
    os.replace(partial, target)
    return size


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def build_reference(name):
    """Instantiate the architecture that job.json's reference ``name`` names; None when the
    reference is unset. The reference gives ``module`` (or ``id``, meaning the module
    ``architectures.<id>``) and ``class``; without ``class`` the module's one ``nn.Module``
    subclass (or its one class) is used."""
    reference = (job().get("references") or {}).get(name)
    if not isinstance(reference, dict):
        return None
    module_name = reference.get("module") or (
        "architectures.%s" % reference["id"] if reference.get("id") else None)
    if not module_name:
        return None
    _on_path(bundle_root())
    module = importlib.import_module(module_name)
    class_name = reference.get("class")
    if class_name:
        try:
            cls = getattr(module, class_name)
        except AttributeError:
            raise ImportError("reference %r: module %s has no class %s"
                              % (name, module_name, class_name)) from None
    else:
        cls = _only_class(name, module)
    return cls()


def _only_class(name, module):
    classes = [c for c in vars(module).values()
               if isinstance(c, type) and c.__module__ == module.__name__]
    torch = sys.modules.get("torch")
    if torch is not None:
        modules = [c for c in classes if issubclass(c, torch.nn.Module)]
        classes = modules or classes
    if len(classes) != 1:
        raise ImportError("reference %r: job.json names no class and module %s defines %s"
                          % (name, module.__name__,
                             ", ".join(sorted(c.__name__ for c in classes)) or "no class"))
    return classes[0]


def save_outputs(values):
    """Save each ``{name: value}`` to ``outputs/<name>/`` and report it as an artifact event."""
    for name, value in values.items():
        meta = serialization.save(value, os.path.join(bundle_root(), "outputs", name))
        _outputs[name] = meta
        # The spec writes the value's type as a second "type" key; JSON readers keep only one
        # of two equal keys, so the value's type travels as "valueType".
        events.emit({"type": "artifact", "name": name, "valueType": meta["type"],
                     "sha256": meta["sha256"], "size": meta["size"]})
    return {name: _outputs[name] for name in values}


def _version(module):
    loaded = sys.modules.get(module)
    version = getattr(loaded, "__version__", None) if loaded is not None else None
    if version:
        return str(version)
    try:
        from importlib import metadata
        return metadata.version(module)
    except Exception:  # not installed
        return None


_environment = None


def environment():
    """Versions of Python and the main libraries, without importing them. Looked up once per process
    (a few ms of package metadata): a warm-start zygote does it before forking, so its jobs need not."""
    global _environment
    if _environment is None:
        _environment = {"python": platform.python_version(), "torch": _version("torch"),
                        "numpy": _version("numpy"), "matplotlib": _version("matplotlib"),
                        "platform": platform.platform()}
    return dict(_environment)


def _exception_line(error):
    lines = traceback.format_exception_only(type(error), error)
    notes = getattr(error, "__notes__", None)
    if isinstance(notes, (list, tuple)) and 0 < len(notes) < len(lines):
        lines = lines[:len(lines) - len(notes)]
    return lines[-1].rstrip("\n") if lines else type(error).__name__


def _finish_events():
    plotting = sys.modules.get("deepforge.plotting")
    if plotting is not None:
        try:
            plotting.send_final()
        except Exception:  # never let plot capture change the job's result
            traceback.print_exc()
    events.flush()


def _seed_job():
    """Seeds the job from job.json's ``seed``; returns the seed (None when job.json has none)."""
    value = job().get("seed")
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    from deepforge import seeding
    return seeding.seed(value)


def _nondeterministic():
    seeding = sys.modules.get("deepforge.seeding")
    return seeding.nondeterministic() if seeding is not None else []


def _write_results(results):
    path = os.path.join(bundle_root(), "results.json")
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    os.replace(temporary, path)


def run(main_function):
    """Run ``main_function()`` as the job: import the libraries and utils/, run, send the final plots and
    metrics, then write results.json (last). On an exception the traceback goes to stderr,
    results.json has status "failed" and the exception line, and the process exits with 1."""
    _default_backend()
    start = time.time()
    error = trace = None
    seed = None
    try:
        seed = _seed_job()
        import_libraries()
        import_utils()
        main_function()
    except SystemExit as exit_:
        if exit_.code not in (None, 0):
            error, trace = _exception_line(exit_), traceback.format_exc()
    except BaseException as exception:  # KeyboardInterrupt included: the job did not finish
        error, trace = _exception_line(exception), traceback.format_exc()
    if trace is not None:
        sys.stderr.write(trace)
        sys.stderr.flush()
    _finish_events()
    _write_results({
        "status": "failed" if error is not None else "success",
        "error": error,
        "traceback": trace,
        "outputs": dict(_outputs),
        "environment": environment(),
        "seed": seed,
        "nondeterministic": _nondeterministic(),
        "seconds": round(time.time() - start, 3),
    })
    if error is not None:
        sys.exit(1)
