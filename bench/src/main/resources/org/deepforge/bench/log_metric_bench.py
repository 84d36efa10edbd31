"""log_metric against a plain loop writing the same JSON lines with json.dumps (the baseline of issue #21),
alternating, median of the rounds after a warm-up. Run by MetricsBench with PYTHONPATH at deepforge's runtime."""
import json
import os
import statistics
import sys
import tempfile
import time

points, rounds = int(sys.argv[1]), int(sys.argv[2])
folder = tempfile.mkdtemp(prefix="log-metric-bench-")
os.environ["DEEPFORGE_EVENTS"] = os.path.join(folder, "events.jsonl")
from deepforge import events, log_metric  # noqa: E402


def plain():
    with open(os.path.join(folder, "plain.jsonl"), "w") as f:
        for i in range(points):
            f.write(json.dumps({"type": "metric", "name": "loss", "value": 1.0 / (i + 1), "step": i, "time": time.time()},
                               separators=(",", ":")) + "\n")


def logged():
    for i in range(points):
        log_metric("loss", 1.0 / (i + 1), i)
    events.flush()


timings = {"plain": [], "log_metric": []}
for r in range(rounds + 1):
    for name, run in (("plain", plain), ("log_metric", logged)):
        start = time.perf_counter()
        run()
        if r > 0:  # round 0 warms up
            timings[name].append(time.perf_counter() - start)
print(json.dumps({name: statistics.median(t) for name, t in timings.items()}))
