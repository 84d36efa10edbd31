"""The figures an operation drew, saved as SVG files: what an exported pipeline's ``main.py`` keeps
of the plots DeepForge would have shown (``outputs/figures/<node>-<figure number>.svg``).

Only figures still open when the operation returns are saved (as DeepForge captures each figure's
final state then); each is closed after saving, so the next operation's figures are its own.
matplotlib is not imported here: an operation that never drew has nothing to save.
"""

import os
import re
import sys

__all__ = ["save"]


def save(directory, node):
    """Save every open matplotlib figure as ``<directory>/<node>-<number>.svg`` and close it;
    returns the paths written."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    prefix = re.sub(r"[^A-Za-z0-9_.-]", "_", str(node)) or "node"
    written = []
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, "%s-%s.svg" % (prefix, number))
        figure.savefig(path, format="svg", metadata={"Date": None})
        pyplot.close(figure)
        written.append(path)
    return written
