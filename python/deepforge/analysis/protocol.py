"""The analysis process's protocol: one JSON request per line on stdin, one JSON response line per
request on stdout (``python3 -u -m deepforge.analysis``)."""

import json
import platform
import sys

from .actions import edit
from .interface import parse
from .packages import imported_modules, requirements
from .source import EditError


# --------------------------------------------------------------------------------------------
# Protocol

def handle(request):
    """The response object for one decoded request."""
    if not isinstance(request, dict):
        return {"id": None, "ok": False, "error": "a request must be a JSON object"}
    rid = request.get("id")
    if "id" not in request:
        return {"id": None, "ok": False, "error": "the request needs an 'id'"}
    typ = request.get("type")
    try:
        if typ == "ping":
            result = {"pong": True, "python": platform.python_version()}
        elif typ == "parse":
            code, name = _code_and_name(request)
            result = parse(code, name)
        elif typ == "edit":
            code, name = _code_and_name(request)
            if "edit" not in request:
                raise EditError("an edit request needs 'edit'")
            result = edit(code, request["edit"], name)
        elif typ == "requirements":
            pk = request.get("packages")
            if not isinstance(pk, list) or not all(isinstance(x, str) for x in pk):
                raise EditError("a requirements request needs 'packages', a list of strings")
            result = requirements(pk)
        elif typ == "imports":
            code, _ = _code_and_name(request)
            result = imported_modules(code)
        elif typ == "layer_shapes":
            result = _nn_request(request)
        else:
            raise EditError("unknown request type %r; use parse, edit, requirements, "
                            "imports, layer_shapes or ping (a model is imported in a sandboxed process of its own, "
                            "never here)" % (typ,))
    except EditError as e:
        return {"id": rid, "ok": False, "error": str(e)}
    except Exception as e:  # noqa: BLE001 - never crash the process
        return {"id": rid, "ok": False, "error": "internal error: %s: %s" % (type(e).__name__, e)}
    return {"id": rid, "ok": True, "result": result}


def _nn_request(request):
    """layer_shapes (meta-device shapes of catalog layers), answered by deepforge.nnimport (imported here: it needs torch)."""
    try:
        from deepforge import nnimport
    except ImportError as e:
        raise EditError("PyTorch is not available to %s (%s); install torch for this interpreter"
                        % (sys.executable, e))
    try:
        return nnimport.handle(request)
    except nnimport.NNError as e:
        raise EditError(str(e))


def _code_and_name(request):
    code = request.get("code")
    if not isinstance(code, str):
        raise EditError("the request needs 'code', a string")
    name = request.get("name")
    if name is not None and not isinstance(name, str):
        raise EditError("'name' must be a string")
    return code, name


def handle_line(line):
    """The response JSON text for one request line (bytes or str), or None for a blank line."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            return _dump({"id": None, "ok": False, "error": "the request is not valid UTF-8"})
    if not line.strip():
        return None
    try:
        request = json.loads(line)
    except Exception as e:  # noqa: BLE001 - ValueError, RecursionError
        return _dump({"id": None, "ok": False,
                      "error": "the request is not valid JSON: %s" % (e,)})
    return _dump(handle(request))


def _dump(response):
    try:
        return json.dumps(response, ensure_ascii=True, allow_nan=False)
    except Exception as e:  # noqa: BLE001 - e.g. an id that cannot be echoed
        rid = response.get("id")
        if not isinstance(rid, (str, int, bool, type(None))):
            rid = None
        return json.dumps({"id": rid, "ok": False, "error": "cannot encode the response: %s" % e})


def main():
    stdin = sys.stdin.buffer
    out = sys.stdout
    try:
        for line in stdin:
            try:
                response = handle_line(line)
            except Exception as e:  # noqa: BLE001
                response = json.dumps({"id": None, "ok": False, "error": "internal error: %s" % e})
            if response is None:
                continue
            out.write(response + "\n")
            out.flush()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    return 0
