"""The job's event channel: JSON lines appended to ``$DEEPFORGE_EVENTS`` (default: ``events.jsonl``
in the job's directory; outside a job, with no ``$DEEPFORGE_EVENTS``, events are not written).

Standard library only, so that ``import deepforge`` stays light.

Every write is one ``os.write`` of whole lines on a descriptor opened with ``O_APPEND``, so a
reader tailing the file never sees half a line (a user's ``print()`` goes to stdout and never
reaches this file). Event lines (see docs/jobs.md)::

    {"type":"metric","name","value","step","time"}
    {"type":"progress","done","total","label","time"}
    {"type":"plot","id","title","svg","time","final"}          (deepforge.plotting)
    {"type":"artifact","name","type","sha256","size"}          (deepforge.runtime.save_outputs)

Metrics are buffered: the buffer is written when it holds ``MAX_BUFFERED`` points, when its oldest
point is ``FLUSH_INTERVAL`` seconds old (a daemon thread checks, so points never wait longer even
if no further metric is logged), before any other event (so the file stays in order) and at exit.
A metric value that is not finite (NaN, inf) is written as ``null``: the channel is strict JSON.

Progress is rate-limited per label: the first report of a label, one that reaches ``total`` and
one at least ``PROGRESS_INTERVAL`` seconds after the last written are written at once; others
only replace the label's pending report, which the daemon thread writes once it is
``PROGRESS_INTERVAL`` old (so the last state is never lost, and a loop over a million batches
writes a few lines a second, not a million).
"""

import atexit
import json
import math
import os
import sys
import threading
import time

__all__ = ["log_metric", "progress", "emit", "flush", "events_path", "job_directory"]

FLUSH_INTERVAL = 0.5     # seconds a metric may wait in the buffer
MAX_BUFFERED = 1000      # points that force a flush
PROGRESS_INTERVAL = 0.2  # seconds between two written progress reports of one label
_CHUNK = 1 << 20         # a buffered flush is split into writes of about this many bytes

_lock = threading.RLock()
_buffer = []             # encoded lines (bytes) not yet written
_first_buffered = None   # time.monotonic() of the oldest buffered line
_fd = None
_fd_key = None           # (path, pid) the descriptor was opened for
_flusher = None          # (thread, pid)
_warned = False
_progress_sent = {}      # label -> time.monotonic() of its last written report
_progress_pending = {}   # label -> encoded report held back by the rate limit


def job_directory():
    """The job's bundle: ``$DEEPFORGE_BUNDLE``, else the directory of the running ``main.py`` when
    it holds a ``job.json``; None outside a job (an operation called from a notebook or a test),
    so that nothing is littered into whatever the current directory happens to be."""
    root = os.environ.get("DEEPFORGE_BUNDLE")
    if root:
        return os.path.abspath(root)
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file:
        directory = os.path.dirname(os.path.abspath(main_file))
        if os.path.isfile(os.path.join(directory, "job.json")):
            return directory
    return None


def events_path():
    """The event file: ``$DEEPFORGE_EVENTS``, else ``events.jsonl`` in the job's directory; None
    outside a job."""
    configured = os.environ.get("DEEPFORGE_EVENTS")
    if configured:
        return configured
    directory = job_directory()
    return os.path.join(directory, "events.jsonl") if directory else None


def _encode(event):
    return (json.dumps(event, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")


def _descriptor():
    global _fd, _fd_key
    key = (events_path(), os.getpid())
    if _fd is None or _fd_key != key:
        if _fd is not None and _fd_key[1] == key[1]:  # the path changed: close the old one
            try:
                os.close(_fd)
            except OSError:
                pass
        _fd = os.open(key[0], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        _fd_key = key
    return _fd


def _write(data):
    """One os.write of whole lines (looping only if the kernel takes less, which regular files
    do not do short of a full disk). Failures are reported once on stderr, never raised: a job
    must not die because its progress could not be reported."""
    global _warned
    if events_path() is None:
        return
    try:
        fd = _descriptor()
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as error:
        if not _warned:
            _warned = True
            print("deepforge.events: cannot write %s: %s" % (events_path(), error), file=sys.stderr)


def _flush_locked(extra=None):
    global _buffer, _first_buffered
    lines, _buffer, _first_buffered = _buffer, [], None
    if extra is not None:
        lines.append(extra)
    chunk, size = [], 0
    for line in lines:
        chunk.append(line)
        size += len(line)
        if size >= _CHUNK:
            _write(b"".join(chunk))
            chunk, size = [], 0
    if chunk:
        _write(b"".join(chunk))


def _take_pending_progress(now=None):
    """Encoded progress reports held back (all, or those ``PROGRESS_INTERVAL`` old); they count as
    written now. Called with the lock held."""
    lines = []
    for label in list(_progress_pending):
        if now is None or now - _progress_sent.get(label, 0) >= PROGRESS_INTERVAL:
            lines.append(_progress_pending.pop(label))
            _progress_sent[label] = time.monotonic()
    return lines


def flush():
    """Write the buffered metrics (and held-back progress) now."""
    with _lock:
        for line in _take_pending_progress():
            _buffer.append(line)
        if _buffer:
            _flush_locked()


def emit(event):
    """Write one event now (after the buffered metrics, in the same write)."""
    line = _encode(event)
    with _lock:
        _flush_locked(line)


def _flusher_loop():
    while True:
        time.sleep(FLUSH_INTERVAL / 5)
        with _lock:
            now = time.monotonic()
            pending = _take_pending_progress(now)
            if pending:  # written with the metrics before them, in order
                _buffer.extend(pending)
                _flush_locked()
            elif _buffer and now - _first_buffered >= FLUSH_INTERVAL:
                _flush_locked()


def _ensure_flusher():
    global _flusher
    pid = os.getpid()
    if _flusher is not None and _flusher[1] == pid:
        return
    thread = threading.Thread(target=_flusher_loop, name="deepforge-events-flush", daemon=True)
    _flusher = (thread, pid)
    thread.start()


def _number(value, what):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        number = value
    else:
        item = getattr(value, "item", None)  # numpy scalars, 0-d arrays, one-element tensors
        try:
            number = item() if callable(item) else float(value)
        except (TypeError, ValueError) as error:
            raise TypeError("%s must be a number, not %s" % (what, type(value).__name__)) from error
        if not isinstance(number, (int, float)):
            raise TypeError("%s must be a number, not %s" % (what, type(value).__name__))
    if isinstance(number, float) and not math.isfinite(number):
        return None
    return number


def log_metric(name, value, step=None):
    """Record one point of the metric ``name`` (buffered; see the module docstring)."""
    global _first_buffered
    value = _number(value, "log_metric value")
    step = None if step is None else _number(step, "log_metric step")
    # the line is formatted here rather than by json.dumps: a training loop may log millions of points, and
    # finite floats and ints print as JSON numbers with repr (the name is JSON-encoded once per name)
    line = _METRIC_LINE % (_metric_name(name), _json_number(value), _json_number(step), float.__repr__(time.time()))
    with _lock:
        if _first_buffered is None:
            _first_buffered = time.monotonic()
            _ensure_flusher()
        _buffer.append(line.encode("utf-8"))
        if len(_buffer) >= MAX_BUFFERED or time.monotonic() - _first_buffered >= FLUSH_INTERVAL:
            _flush_locked()


_METRIC_LINE = '{"type":"metric","name":%s,"value":%s,"step":%s,"time":%s}\n'
_metric_names = {}       # name -> its JSON string


def _metric_name(name):
    name = name if type(name) is str else str(name)
    encoded = _metric_names.get(name)
    if encoded is None:
        encoded = json.dumps(name)
        if len(_metric_names) < 10000:
            _metric_names[name] = encoded
    return encoded


def _json_number(number):
    """A number from _number as JSON: the int and float reprs (never a subclass's, e.g. numpy's
    ``np.float64(0.5)`` or an IntEnum's), ``null`` for None."""
    if number is None:
        return "null"
    return float.__repr__(number) if isinstance(number, float) else int.__repr__(number)


def progress(done, total, label=""):
    """Report progress: ``done`` of ``total`` (``total`` None when unknown), rate-limited per
    ``label`` (see the module docstring)."""
    event = {"type": "progress", "done": _number(done, "progress done"),
             "total": None if total is None else _number(total, "progress total"),
             "label": "" if label is None else str(label), "time": time.time()}
    line = _encode(event)
    label = event["label"]
    finished = event["total"] is not None and event["done"] is not None and event["done"] >= event["total"]
    with _lock:
        now = time.monotonic()
        last = _progress_sent.get(label)
        if last is None or finished or now - last >= PROGRESS_INTERVAL:
            _progress_pending.pop(label, None)
            _progress_sent[label] = now
            _flush_locked(line)
        else:
            _progress_pending[label] = line
            _ensure_flusher()


def _at_fork_child():
    global _lock, _buffer, _first_buffered, _flusher
    _lock = threading.RLock()   # another thread may have held it at the fork
    _buffer, _first_buffered, _flusher = [], None, None  # the parent writes its own points
    _progress_pending.clear()
    _progress_sent.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_at_fork_child)
atexit.register(flush)
