"""Matplotlib backend that sends figures to the job's event channel as SVG.

Selected with ``MPLBACKEND=module://deepforge.plotting`` (``deepforge.runtime`` sets it unless
the environment already chose a backend). It is the Agg backend (so ``savefig`` and
``canvas.draw`` behave as usual and still write the real file) plus capture:

* ``plt.show()`` / ``fig.show()``, ``plt.pause()``, ``fig.canvas.draw()`` / ``plt.draw()`` and
  ``savefig`` each capture the figure: matplotlib's own SVG output (``savefig(format="svg")``),
  so whatever matplotlib draws (subplots, axvline, imshow, pie, 3-D) is what is sent;
* one id per figure number, so a live figure (``plt.pause`` in a loop) updates in place;
* a 3-D scatter figure also sends its points as ``data`` (docs/jobs.md), with the colour map of a
  scatter coloured by values (``colorbar``), so the browser can draw it rotatable with a colour bar;
* unchanged figures are not re-sent (SHA-256 of the SVG; the SVG is made deterministic with a
  per-figure ``svg.hashsalt`` and no date);
* at most one event per figure per ``RATE_INTERVAL`` seconds; a capture inside the interval is
  remembered, and the figure's state is sent with ``"final": true`` when the job ends
  (:func:`send_final`, called by ``deepforge.runtime.run`` and at exit) or when the figure is
  closed. At the end every open figure whose current state was not sent is sent that way.

Event line: ``{"type":"plot","id":"<figure number>","title","svg","time","final":bool}``;
the title is the figure's suptitle, else the first axes title, else ``Figure <number>``.
A capture that fails is reported on stderr and never breaks the user's code.
"""

import atexit
import hashlib
import io
import sys
import threading
import time
import traceback

import matplotlib
from matplotlib._pylab_helpers import Gcf
from matplotlib.backend_bases import FigureManagerBase, _Backend
from matplotlib.backends.backend_agg import FigureCanvasAgg

from deepforge import events

__all__ = ["FigureCanvasDeepForge", "FigureManagerDeepForge", "send_final", "RATE_INTERVAL",
           "MAX_POINTS_3D"]

RATE_INTERVAL = 0.5
MAX_POINTS_3D = 20000  # points per 3-D scatter series sent as data

_lock = threading.RLock()
_busy = False        # inside a capture or a user's savefig: nested hooks do nothing
_states = {}         # figure id -> _State
_final_sent = False
_warned = False


class _State:
    __slots__ = ("sent_hash", "sent_at", "pending")

    def __init__(self):
        self.sent_hash = None   # SHA-256 of the last SVG sent
        self.sent_at = None     # time.monotonic() of the last event
        self.pending = False    # a capture was skipped by the rate limit


def _figure_id(canvas):
    manager = getattr(canvas, "manager", None)
    number = getattr(manager, "num", None)
    if number is None:
        number = getattr(canvas.figure, "number", None)
    return None if number is None else str(number)


def _title(figure, figure_id):
    getter = getattr(figure, "get_suptitle", None)  # matplotlib >= 3.8
    if getter is not None:
        text = getter()
    else:
        suptitle = getattr(figure, "_suptitle", None)
        text = suptitle.get_text() if suptitle is not None else ""
    if not text:
        for axes in figure.axes:
            text = axes.get_title() or axes.get_title("left") or axes.get_title("right")
            if text:
                break
    return text or "Figure %s" % figure_id


def _render(figure, figure_id):
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "deepforge-figure-%s" % figure_id}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue().decode("utf-8")


def _round(values):
    """Floats rounded to 4 significant digits (plain ints stay ints: short JSON)."""
    out = []
    for value in values:
        value = float("%.4g" % value)
        out.append(int(value) if value.is_integer() and abs(value) < 1e15 else value)
    return out


def _hex(rgba):
    r, g, b = (max(0, min(255, int(round(float(c) * 255)))) for c in rgba[:3])
    return "#%02x%02x%02x" % (r, g, b)


def _scatter_series(collection):
    """One 3-D scatter collection as ``{"x","y","z","colors","size"}``, or None."""
    import numpy as np
    from matplotlib.collections import Collection

    xs, ys, zs = (np.ma.filled(np.ma.ravel(np.ma.asarray(v, dtype=float)), np.nan)
                  for v in collection._offsets3d)
    n = min(len(xs), len(ys), len(zs))
    if n == 0:
        return None
    xs, ys, zs = xs[:n], ys[:n], zs[:n]
    # The colours in the data's order: Collection's own getter (Path3DCollection's reorders
    # them by depth and shades them), after the colormap is applied to the c= values.
    collection.update_scalarmappable()
    colors = np.asarray(Collection.get_facecolor(collection), dtype=float).reshape(-1, 4)
    if len(colors) == 0:
        colors = np.asarray(Collection.get_edgecolor(collection), dtype=float).reshape(-1, 4)
    if len(colors) == 0:
        colors = np.zeros((1, 4))
    keep = np.isfinite(xs) & np.isfinite(ys) & np.isfinite(zs)
    index = np.flatnonzero(keep)
    if len(index) > MAX_POINTS_3D:
        index = index[np.unique(np.linspace(0, len(index) - 1, MAX_POINTS_3D).round().astype(int))]
    if len(index) == 0:
        return None
    if len(colors) == 1:
        colors = [_hex(colors[0])] * len(index)
    else:
        colors = [_hex(colors[i % len(colors)]) for i in index]
    sizes = getattr(collection, "_sizes3d", None)
    if sizes is None or len(sizes) == 0:
        sizes = collection.get_sizes()
    size = float(np.median(sizes)) if len(sizes) else float(matplotlib.rcParams["lines.markersize"] ** 2)
    out = {"x": _round(xs[index]), "y": _round(ys[index]), "z": _round(zs[index]),
           "colors": colors, "size": _round([size])[0]}
    colorbar = _colorbar(collection)
    if colorbar is not None:
        out["colorbar"] = colorbar
    return out


COLORBAR_STOPS = 11  # colours sampled along a colour map, evenly from its low to its high end


def _colorbar(collection):
    """How a scatter coloured by values (``c=values``) maps them to colours:
    ``{"min","max","colors":[hex, ...],"label"}`` (the label of its ``fig.colorbar``, if any), or None."""
    import numpy as np

    values = collection.get_array()
    if values is None or np.size(values) == 0 or collection.norm is None or collection.cmap is None:
        return None
    low, high = collection.norm.vmin, collection.norm.vmax
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return None
    stops = [_hex(collection.cmap(collection.norm(low + (high - low) * i / (COLORBAR_STOPS - 1))))
             for i in range(COLORBAR_STOPS)] if high > low else [_hex(collection.cmap(0.5))] * 2
    label = ""
    bar = getattr(collection, "colorbar", None)
    if bar is not None:
        axis = bar.ax.xaxis if getattr(bar, "orientation", "vertical") == "horizontal" else bar.ax.yaxis
        label = axis.get_label().get_text()
    return {"min": _round([low])[0], "max": _round([high])[0], "colors": stops, "label": label}


def _data(figure):
    """The 3-D scatter data of ``figure`` (see the module doc), or None for other figures."""
    axes_list = [a for a in figure.axes if getattr(a, "name", None) == "3d"]
    if not axes_list:
        return None
    from mpl_toolkits.mplot3d.art3d import Path3DCollection

    out = []
    for axes in axes_list:
        series = []
        for collection in axes.collections:
            if isinstance(collection, Path3DCollection) and collection.get_visible():
                one = _scatter_series(collection)
                if one is not None:
                    series.append(one)
        if series:
            out.append({"title": axes.get_title() or axes.get_title("left") or "",
                        "xlabel": axes.get_xlabel(), "ylabel": axes.get_ylabel(),
                        "zlabel": axes.get_zlabel(), "series": series})
    return {"kind": "scatter3d", "axes": out} if out else None


def _capture(canvas, final=False, stale=None):
    """Capture the figure of ``canvas``. ``stale``: whether matplotlib marked the figure changed
    (taken before a draw that clears the mark); a figure unchanged since its last capture is
    not rendered again."""
    global _busy
    with _lock:
        if _busy:
            return
        figure_id = _figure_id(canvas)
        if figure_id is None:  # a figure outside pyplot has no id to update in place
            return
        state = _states.setdefault(figure_id, _State())
        if stale is None:
            stale = canvas.figure.stale
        if not final and not stale and not state.pending and state.sent_hash is not None:
            return
        now, wall = time.monotonic(), time.time()  # "time" is when the state was captured
        if not final and state.sent_at is not None and now - state.sent_at < RATE_INTERVAL:
            state.pending = True
            return
        _busy = True
        try:
            svg = _render(canvas.figure, figure_id)
        finally:
            _busy = False
        # savefig restores dpi and colours afterwards, which marks the figure changed; it is
        # not: what was rendered is current. Any later change of an artist marks it again.
        canvas.figure.stale = False
        state.pending = False
        digest = hashlib.sha256(svg.encode("utf-8")).hexdigest()
        if digest == state.sent_hash:
            return
        event = {"type": "plot", "id": figure_id, "title": _title(canvas.figure, figure_id),
                 "svg": svg, "time": wall, "final": bool(final)}
        try:
            data = _data(canvas.figure)
        except Exception:  # the SVG alone still goes out
            data = None
            sys.stderr.write("deepforge.plotting: could not read the 3-D data of a figure:\n"
                             + traceback.format_exc())
        if data is not None:
            event["data"] = data
        events.emit(event)
        state.sent_hash, state.sent_at = digest, now


def _safe_capture(canvas, final=False, stale=None):
    global _warned
    try:
        _capture(canvas, final, stale)
    except Exception:  # plot capture must never break the user's code
        if not _warned:
            _warned = True
            sys.stderr.write("deepforge.plotting: could not capture a figure:\n"
                             + traceback.format_exc())


def send_final(only_changed=False):
    """Send every open figure whose current state was not sent, marked ``"final": true``.
    With ``only_changed``, skip figures matplotlib reports unchanged since they were captured
    (used at exit after ``runtime.run`` already sent the final states)."""
    global _final_sent
    _final_sent = True
    for manager in list(Gcf.get_all_fig_managers()):
        canvas = manager.canvas
        if only_changed:
            state = _states.get(_figure_id(canvas))
            if (state is not None and state.sent_hash is not None and not state.pending
                    and not canvas.figure.stale):
                continue
        _safe_capture(canvas, final=True)


def _at_exit():
    send_final(only_changed=_final_sent)


class FigureCanvasDeepForge(FigureCanvasAgg):
    """Agg canvas whose draw and savefig also capture the figure."""

    def draw(self, *args, **kwargs):
        stale = self.figure.stale
        result = super().draw(*args, **kwargs)
        _safe_capture(self, stale=stale)
        return result

    def print_figure(self, *args, **kwargs):
        global _busy
        with _lock:
            if _busy:  # our own SVG rendering
                return super().print_figure(*args, **kwargs)
            stale = self.figure.stale
            _busy = True
            try:
                result = super().print_figure(*args, **kwargs)
            finally:
                _busy = False
            _safe_capture(self, stale=stale)
            return result


class FigureManagerDeepForge(FigureManagerBase):
    """Showing captures; closing sends a state the rate limit held back."""

    def show(self):
        _safe_capture(self.canvas)

    def destroy(self):
        with _lock:
            figure_id = _figure_id(self.canvas)
            state = _states.get(figure_id)
            if state is not None:
                if state.pending:
                    _safe_capture(self.canvas, final=True)
                _states.pop(figure_id, None)
        super().destroy()


FigureCanvasDeepForge.manager_class = FigureManagerDeepForge


@_Backend.export
class _BackendDeepForge(_Backend):
    FigureCanvas = FigureCanvasDeepForge
    FigureManager = FigureManagerDeepForge


# Registered after matplotlib's own atexit (Gcf.destroy_all, at the import of _pylab_helpers
# above), so it runs before the figures are destroyed.
atexit.register(_at_exit)
