"""DeepForge helpers importable from operation code.

Kept import-light on purpose (no numpy/torch): the analysis process and every job import it.

* ``Architecture`` -- marker type for references: an ``__init__`` parameter annotated with it
  names an architecture of the project; the job receives the built ``torch.nn.Module``.
* ``Range(lo, hi)`` / ``Range(min=..., max=...)`` -- bounds, used as ``Annotated[int, Range(1, 10)]``.
* ``Choices(*values)`` -- allowed values, used as ``Annotated[str, Choices("a", "b")]``.
* ``log_metric(name, value, step=None)`` / ``progress(done, total, label="")`` -- job events,
  re-exported lazily from ``deepforge.events`` (loaded on first use).
"""

__all__ = ["Architecture", "Range", "Choices", "log_metric", "progress"]


def __getattr__(name):  # PEP 562: deepforge.events is loaded only when these are used
    if name in ("log_metric", "progress"):
        from deepforge import events
        return getattr(events, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


class Architecture:
    """Marker type: a reference to an architecture of the project."""

    __slots__ = ()


class Range:
    """Inclusive bounds for a numeric attribute; either bound may be None (unbounded)."""

    __slots__ = ("min", "max")

    def __init__(self, min=None, max=None):  # noqa: A002 - the spec spells them min/max
        self.min = min
        self.max = max

    def __contains__(self, value):
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def __eq__(self, other):
        return isinstance(other, Range) and (self.min, self.max) == (other.min, other.max)

    def __hash__(self):
        return hash((Range, self.min, self.max))

    def __repr__(self):
        return "Range(%r, %r)" % (self.min, self.max)


class Choices:
    """The allowed values of a choice attribute."""

    __slots__ = ("values",)

    def __init__(self, *values):
        self.values = tuple(values)

    def __contains__(self, value):
        return value in self.values

    def __iter__(self):
        return iter(self.values)

    def __eq__(self, other):
        return isinstance(other, Choices) and self.values == other.values

    def __hash__(self):
        return hash((Choices, self.values))

    def __repr__(self):
        return "Choices(%s)" % ", ".join(repr(v) for v in self.values)
