"""deepforge.figures: the figures an operation left open, saved as SVG the way an exported main.py does."""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

PYTHON_DIR = Path(__file__).resolve().parents[1]
PYTHON = os.environ.get("DEEPFORGE_TEST_PYTHON") or (
    "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)

SCRIPT = r'''
import matplotlib.pyplot as plt
from deepforge import figures

print("none", figures.save("out", "n0"))        # nothing drawn yet: nothing written
plt.figure(); plt.plot([1, 2]); plt.title("first")
plt.figure(); plt.plot([2, 1]); plt.title("second")
print("n1", sorted(os.path.basename(p) for p in figures.save("out", "n1")))
print("left", plt.get_fignums())                 # closed, so the next operation's figures are its own
plt.figure(); plt.title("third")
print("odd", [os.path.basename(p) for p in figures.save("out", "a/b c")])
'''


def test_open_figures_are_saved_as_svg_named_by_node_and_number_then_closed(tmp_path):
    (tmp_path / "run.py").write_text("import os\n" + SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MPLBACKEND", "DISPLAY")}
    env.update(PYTHONPATH=str(PYTHON_DIR), MPLBACKEND="Agg")
    process = subprocess.run([PYTHON, "run.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert process.returncode == 0, process.stderr
    assert "none []" in process.stdout
    assert "n1 ['n1-1.svg', 'n1-2.svg']" in process.stdout
    assert "left []" in process.stdout
    assert "odd ['a_b_c-1.svg']" in process.stdout
    for name, title in (("n1-1.svg", "first"), ("n1-2.svg", "second"), ("a_b_c-1.svg", "third")):
        path = tmp_path / "out" / name
        assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
        assert title in path.read_text()
