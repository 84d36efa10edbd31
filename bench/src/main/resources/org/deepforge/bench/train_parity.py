"""Training parity: the module DeepForge generates for the redshift network against the same network
written by hand in idiomatic PyTorch (an Inception block class, nn.Sequential branches, in-place ReLU).

Both start from the same weights (the generated module's state_dict, loaded into the hand-written one
tensor by tensor in registration order, shapes checked), see the same batches and take the same optimiser
steps on CPU. Training alternates between the two in rounds, so that the background load of the machine
falls on both alike. Prints one JSON line: steps/s of each, their ratio and whether every loss is equal.

Keep HandWritten in step with bench/src/main/java/org/deepforge/bench/RedshiftNet.java.
"""
import argparse
import importlib.util
import json
import statistics
import time

import torch
from torch import nn


class Inception(nn.Module):
    """1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | 3x3 average pool -> 1x1, each followed by ReLU, concatenated."""

    def __init__(self, cin, reduce, c3, c5, pool):
        super().__init__()
        self.b1 = nn.Sequential(nn.Conv2d(cin, reduce, 1), nn.ReLU(inplace=True))
        self.b3 = nn.Sequential(nn.Conv2d(cin, reduce, 1), nn.ReLU(inplace=True),
                                nn.Conv2d(reduce, c3, 3, padding=1), nn.ReLU(inplace=True))
        self.b5 = nn.Sequential(nn.Conv2d(cin, reduce, 1), nn.ReLU(inplace=True),
                                nn.Conv2d(reduce, c5, 5, padding=2), nn.ReLU(inplace=True))
        self.bp = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(cin, pool, 1), nn.ReLU(inplace=True))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.bp(x)], 1)


class HandWritten(nn.Module):
    """The redshift inception network (Pasquet et al. 2019 style) as a person would write it."""

    def __init__(self, bins=180):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(5, 64, 5, padding=2), nn.PReLU(),
            nn.Conv2d(64, 64, 3, stride=2, padding=1), nn.Tanh())
        self.blocks = nn.Sequential(
            Inception(64, 48, 64, 64, 64), Inception(240, 48, 64, 64, 64), nn.AvgPool2d(2),
            Inception(240, 64, 128, 128, 64), Inception(384, 64, 128, 128, 64), nn.AvgPool2d(2))
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(384 * 8 * 8, 1096), nn.PReLU(),
            nn.Linear(1096, 1096), nn.PReLU(), nn.Linear(1096, bins))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


def load_generated(path):
    spec = importlib.util.spec_from_file_location("generated", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    classes = [c for c in vars(module).values()
               if isinstance(c, type) and issubclass(c, nn.Module) and c is not nn.Module]
    return classes[0]


def copy_weights(source, target):
    """The source's tensors into the target, in registration order (names differ, shapes must not)."""
    src = list(source.state_dict().values())
    dst = target.state_dict()
    if len(src) != len(dst):
        raise SystemExit(f"the networks differ: {len(src)} tensors generated, {len(dst)} hand-written")
    for (name, t), s in zip(dst.items(), src):
        if t.shape != s.shape:
            raise SystemExit(f"the networks differ at {name}: {tuple(s.shape)} generated, {tuple(t.shape)} hand-written")
    target.load_state_dict({name: s.clone() for name, s in zip(dst.keys(), src)})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--generated", required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--steps", type=int, default=4, help="steps per round")
    ap.add_argument("--seed", type=int, default=19)
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    generated = load_generated(a.generated)()
    hand = HandWritten()
    copy_weights(generated, hand)
    count = sum(p.numel() for p in generated.parameters())
    if count != sum(p.numel() for p in hand.parameters()):
        raise SystemExit("the parameter counts differ")

    data = torch.Generator().manual_seed(a.seed)
    total = a.rounds * a.steps
    images = [torch.randn(a.batch, 5, 64, 64, generator=data) for _ in range(total)]
    labels = [torch.randint(0, 180, (a.batch,), generator=data) for _ in range(total)]
    runs = {}
    for name, model in (("generated", generated), ("hand-written", hand)):
        model.train()
        runs[name] = {"model": model, "opt": torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9),
                      "losses": [], "round_s": []}
    loss_fn = nn.CrossEntropyLoss()
    for r in range(a.rounds):
        order = ("generated", "hand-written") if r % 2 == 0 else ("hand-written", "generated")
        for name in order:
            run = runs[name]
            t0 = time.perf_counter()
            for s in range(r * a.steps, (r + 1) * a.steps):
                run["opt"].zero_grad()
                loss = loss_fn(run["model"](images[s]), labels[s])
                loss.backward()
                run["opt"].step()
                run["losses"].append(loss.item())
            run["round_s"].append(time.perf_counter() - t0)
    # round 0 warms allocator and caches: not timed
    per_step = {name: statistics.median(run["round_s"][1:]) / a.steps for name, run in runs.items()}
    ratios = [hr / gr for gr, hr in zip(runs["generated"]["round_s"][1:], runs["hand-written"]["round_s"][1:])]
    g, h = runs["generated"]["losses"], runs["hand-written"]["losses"]
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "parameters": count,
        "batch": a.batch, "rounds": a.rounds, "steps_per_round": a.steps,
        "generated_steps_per_s": 1 / per_step["generated"], "hand_steps_per_s": 1 / per_step["hand-written"],
        # each round's pair ran back to back: the median of their ratios is least moved by the machine's load
        "ratio": statistics.median(ratios), "ratio_of_medians": per_step["hand-written"] / per_step["generated"],
        "round_ratios": ratios,
        "losses_identical": g == h, "max_loss_difference": max(abs(x - y) for x, y in zip(g, h)),
        "first_loss": g[0], "last_loss": g[-1],
    }))


if __name__ == "__main__":
    main()
