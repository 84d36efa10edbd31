"""One request in, one answer out: the protocol of the server's sandboxed helper processes (model import,
artifact previews). The server starts ``python -m <module> [--memory BYTES]`` inside bubblewrap, writes one
JSON request on stdin and reads one JSON answer line on stdout.

What the helper imports before the address-space limit (torch, numpy) is loaded first, so the limit only
bounds what the user's data and code take; whatever the user's code prints goes to stderr, so stdout carries
the answer only; the process ends without interpreter teardown, since the user's objects may misbehave in
``__del__``."""

import contextlib
import json
import os
import sys

__all__ = ["serve"]


def serve(answer, what, preload=lambda request: None, argv=None):
    """Read the request, ``preload(request)``, set the memory limit, write ``answer(request, limit)`` (a JSON
    object; ``what`` names it in the error when it cannot be written as JSON) and exit."""
    import resource

    argv = list(sys.argv[1:] if argv is None else argv)
    limit = int(argv[argv.index("--memory") + 1]) if "--memory" in argv else None
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    preload(request)
    answer_fd = os.dup(1)
    os.dup2(2, 1)
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with contextlib.redirect_stdout(sys.stderr):
        response = answer(request, limit)
    try:
        text = json.dumps(response, allow_nan=False)
    except (TypeError, ValueError) as e:
        text = json.dumps({"ok": False, "error": "%s cannot be written as JSON: %s" % (what, e)})
    with os.fdopen(answer_fd, "w") as out:
        out.write(text + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
