"""tqdm bars and deepforge.progress in a job become rate-limited ``progress`` events
(python/deepforge/tqdm_progress.py, events.progress), run in a real /usr/bin/python3 subprocess."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
PYTHON = os.environ.get("DEEPFORGE_TEST_PYTHON") or (
    "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)

pytest.importorskip("tqdm")


def _run(tmp_path, script):
    (tmp_path / "job.py").write_text(script)
    events_file = tmp_path / "events.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("DEEPFORGE_")}
    env.update(PYTHONPATH=str(PYTHON_DIR), DEEPFORGE_EVENTS=str(events_file), MPLBACKEND="Agg")
    process = subprocess.run([PYTHON, "-u", "job.py"], cwd=tmp_path, capture_output=True, text=True,
                             timeout=120, env=env)
    assert process.returncode == 0, process.stderr
    lines = events_file.read_text().splitlines() if events_file.exists() else []
    return [json.loads(line) for line in lines], process


def test_a_tqdm_loop_imported_after_the_runtime_reports_its_progress_rate_limited(tmp_path):
    events, process = _run(tmp_path, (
        "import time\n"
        "from deepforge import runtime\n"
        "from tqdm import tqdm\n"
        "for i in tqdm(range(2000), desc='batches', mininterval=0):\n"
        "    time.sleep(0.0005)\n"))
    progress = [e for e in events if e["type"] == "progress"]
    assert progress[0]["done"] == 0 and progress[0]["total"] == 2000 and progress[0]["label"] == "batches"
    assert progress[-1]["done"] == 2000
    done = [e["done"] for e in progress]
    assert done == sorted(done) and len(set(done)) >= 3     # it advanced in between
    assert len(progress) < 100                               # 2,000 updates, a few events a second
    assert "batches" in process.stderr                       # tqdm still draws its bar on stderr


def test_tqdm_imported_before_the_runtime_trange_and_unknown_totals_report_too(tmp_path):
    events, _ = _run(tmp_path, (
        "from tqdm.auto import trange\n"
        "import tqdm\n"
        "from deepforge import runtime\n"
        "for i in trange(5, desc='epochs'):\n"
        "    pass\n"
        "bar = tqdm.tqdm(desc='open-ended')\n"
        "bar.update(7)\n"
        "bar.close()\n"
        "for i in tqdm.tqdm(range(5), desc='hidden', disable=True):\n"
        "    pass\n"))
    by_label = {}
    for e in events:
        by_label.setdefault(e["label"], []).append(e)
    assert by_label["epochs"][-1]["done"] == 5 and by_label["epochs"][-1]["total"] == 5
    assert by_label["open-ended"][-1]["done"] == 7 and by_label["open-ended"][-1]["total"] is None
    assert "hidden" not in by_label


def test_progress_calls_per_batch_are_rate_limited_and_the_last_state_is_written(tmp_path):
    events, _ = _run(tmp_path, (
        "import time\n"
        "from deepforge import progress\n"
        "for i in range(1, 5001):\n"
        "    progress(i, 10000, 'train')\n"
        "time.sleep(1)   # nothing more is reported: the held-back state is still written\n"
        "with open('seen.txt', 'w') as f:\n"
        "    f.write(open('events.jsonl').read())\n"))
    progress = [e for e in events if e["type"] == "progress"]
    assert 2 <= len(progress) < 100
    assert progress[0]["done"] == 1 and progress[-1]["done"] == 5000
    seen = [json.loads(line) for line in (tmp_path / "seen.txt").read_text().splitlines()]
    assert seen[-1]["done"] == 5000   # by the daemon thread, before exit
