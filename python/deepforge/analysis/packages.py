"""The ``requirements`` request: which of the given distributions this interpreter has."""

import re




# --------------------------------------------------------------------------------------------
# Requirements

IMPORT_NAMES = {
    "scikit-learn": "sklearn", "sklearn": "sklearn", "scikit-image": "skimage",
    "pyyaml": "yaml", "pillow": "PIL", "opencv-python": "cv2", "opencv-python-headless": "cv2",
    "opencv-contrib-python": "cv2", "opencv-contrib-python-headless": "cv2",
    "beautifulsoup4": "bs4", "python-dateutil": "dateutil", "protobuf": "google.protobuf",
    "tensorflow-gpu": "tensorflow", "tensorflow-cpu": "tensorflow", "pytorch": "torch",
    "pytorch-lightning": "pytorch_lightning", "msgpack-python": "msgpack", "pyzmq": "zmq",
    "faiss-cpu": "faiss", "faiss-gpu": "faiss", "python-magic": "magic", "attrs": "attr",
    "pycryptodome": "Crypto", "pyserial": "serial", "pyopengl": "OpenGL", "pymupdf": "fitz",
    "python-dotenv": "dotenv", "typing-extensions": "typing_extensions", "setuptools": "setuptools",
    "tables": "tables", "pytables": "tables", "jax[cuda]": "jax",
}
_REQ = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def _dist_normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(packages):
    import importlib.metadata
    import importlib.util

    missing, found = [], {}
    for req in packages:
        m = _REQ.match(req)
        if not m:
            missing.append(req.strip())
            continue
        dist = m.group(1)
        norm = _dist_normal(dist)
        mod = IMPORT_NAMES.get(norm, norm.replace("-", "_"))
        version = None
        try:
            version = importlib.metadata.version(dist)
        except Exception:  # noqa: BLE001 - not installed as a distribution
            version = None
        spec = None
        try:
            spec = importlib.util.find_spec(mod)
        except Exception:  # noqa: BLE001 - a parent package missing or broken
            spec = None
        if spec is None and mod != dist:
            try:
                spec = importlib.util.find_spec(dist)
            except Exception:  # noqa: BLE001
                spec = None
        if spec is not None or version is not None:
            found[dist] = version
        else:
            missing.append(dist)
    return {"missing": missing, "found": found}


# --------------------------------------------------------------------------------------------
# Imports

def imported_modules(code):
    """The ``imports`` request: the top-level modules ``code`` imports anywhere in it (``import a.b`` and
    ``from a.b import c`` give ``a``; relative imports are the project's own and are left out), read with
    Python's own grammar. ``{"modules": [sorted names], "error": None}``, or no modules and the syntax error."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError as e:
        return {"modules": [], "error": "line %s: %s" % (e.lineno, e.msg)}
    except ValueError as e:  # e.g. a NUL character
        return {"modules": [], "error": str(e)}
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return {"modules": sorted(modules), "error": None}
