#!/usr/bin/env python3
"""Where a .cpuprofile's time went: self time by function (top 25) and the span between two times, if given.

Usage: bench/profile-summary.py bench/target/profile-<case>.cpuprofile [FROM_MS TO_MS]
Times are ms from the profile's start (bench/run browser --profile writes the profiles)."""
import json
import sys
from collections import Counter

profile = json.load(open(sys.argv[1]))
lo = float(sys.argv[2]) if len(sys.argv) > 3 else None
hi = float(sys.argv[3]) if len(sys.argv) > 3 else None
nodes = {n["id"]: n for n in profile["nodes"]}
t = 0.0
self_ms = Counter()
for node_id, delta in zip(profile["samples"], profile["timeDeltas"]):
    t += delta / 1000.0
    if lo is not None and not (lo <= t <= hi):
        continue
    f = nodes[node_id]["callFrame"]
    if f["functionName"] in ("(idle)", "(program)"):
        continue
    url = f["url"].rsplit("/", 1)[-1]
    self_ms[f"{f['functionName'] or '(anonymous)'} {url}:{f['lineNumber'] + 1}"] += delta / 1000.0
print(f"profile {t:.0f} ms long; busy {sum(self_ms.values()):.0f} ms" + (f" between {lo:.0f} and {hi:.0f} ms" if lo is not None else ""))
for name, ms in self_ms.most_common(25):
    print(f"{ms:8.1f} ms  {name}")
