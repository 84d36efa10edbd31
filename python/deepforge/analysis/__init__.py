"""DeepForge analysis process: parses and edits operation code (docs/operations.md).

Run as ``python3 -u -m deepforge.analysis``: JSON lines on stdin, one JSON line per request on
stdout. Standard library only, so that it starts fast; the PyTorch request ``layer_shapes`` imports
``deepforge.nnimport`` (and torch) lazily, on first use. This process is shared by every user, so it
never runs users' code: it parses it (``ast``) and computes meta-device shapes of catalog layers;
importing a model runs in a sandboxed process per request (``python -m deepforge.nnimport``).

The package, by concern: ``source`` (source text, positions), ``interface`` (parsing an operation's
interface, output types), ``linting`` (undefined names, unresolved imports), ``editing`` (signature
and statement helpers), ``actions`` (the edit actions and ``edit``), ``packages`` (the requirements
request, and the imports request: the top-level modules an operation imports, which tells whether it
uses a library), ``protocol`` (requests, JSON lines, ``main``; ``__main__`` runs it).

Spec ambiguities and how they are resolved here:

* ``errors`` entries are plain strings that start with ``line N:`` where a line is known.
* A syntax error gives ``class``/``docstring``/``line`` null and empty lists (the server keeps the
  last good interface); ``syntaxError.col`` is 0-based in characters.  An error without a position
  (e.g. a NUL byte) points at the NUL byte, else at line 1, col 0.
* ``name`` given but no class has it: the default choice is used and ``errors`` says so.
* ``return None`` counts like a bare ``return`` (no outputs).  Generated output names are
  ``output``, ``output_2``, ... counted per return, skipping names taken in that return.
* When returns disagree, the outputs are those of the first return.
* A default that is a tuple is reported as a list; sets, bytes, complex, NaN/inf and dicts with
  non-string keys are "not a literal" (type ``any``, default null, an error).  An annotation
  that is not understood (e.g. ``np.ndarray``) falls back to the default's type.
* Inputs report ``type`` as ``ast.unparse`` of the annotation (normalised), or the string's
  contents for a string annotation.  Attributes report ``annotation`` as the source text or null.
* ``remove_reference``/``add_reference``/``rename_reference`` treat ``self.<name> = <name>`` like
  the attribute actions do.  ``add_reference`` spells the type ``Architecture`` when the module
  imports it, ``deepforge.Architecture`` after ``import deepforge``, and otherwise adds
  ``from deepforge import Architecture``.
* ``add_attribute`` ``type`` is an annotation expression (``int``, ``Literal["a", "b"]``, ...);
  ``"any"`` means none; ``"choice"`` needs ``choices`` (a list) and writes ``Literal[...]``,
  importing ``Literal`` from typing when needed.
* ``add_input`` creates ``execute(self, ...)`` (body ``pass``) when it is missing; output edits
  need an existing ``execute``.
* ``rename_output`` of a generated output (an expression) or of an output that is also an input
  is refused with a message; renames refuse a target name already used in the scope.
* ``set_default`` on a positional parameter followed by parameters without defaults moves the
  parameter to the end of the positional parameters (before ``*``).
* ``rename_class`` also renames uses of the class name (``ast.Name``) elsewhere in the module.
* ``requirements``: ``found``/``missing`` are keyed by the requirement's name without version
  specifiers, extras or markers (as written); version specifiers are not checked.
* Blank request lines are ignored (no response); a request without ``id`` is an error with
  ``id`` null.  Responses are ASCII-only JSON.
"""

from .source import BASIC_TYPES, RESOURCE_TYPES, EditError, Source
from .interface import Parsed, parse
from .linting import lint, module_found
from .actions import ACTIONS, edit
from .packages import IMPORT_NAMES, requirements
from .protocol import handle, handle_line, main

__all__ = ["BASIC_TYPES", "RESOURCE_TYPES", "EditError", "Source", "Parsed", "parse", "lint", "module_found",
           "ACTIONS", "edit", "IMPORT_NAMES", "requirements", "handle", "handle_line", "main"]
