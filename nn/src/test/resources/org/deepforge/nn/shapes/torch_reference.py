"""Reference shapes and parameter counts from real torch for architectures in DeepForge's JSON.

Reads {"fixture": architecture, ...} from the file named by argv[1]; builds every layer with torch.nn
(inferring in_channels and friends from the actual tensors, independently of the Java code), runs a
forward pass on zeros with batch 2 and prints {"fixture": {"layers": {id: {"outputs", "parameters"}},
"parameters": total}} as JSON.
"""
import json
import sys

import torch
from torch import nn

BATCH = 2


def tup(v):
    return tuple(tup(x) for x in v) if isinstance(v, list) else v


def inferred(t, xs):
    x = xs[0]
    if t.startswith(("Conv", "ConvTranspose")):
        return {"in_channels": x.shape[1]}
    if t == "Linear":
        return {"in_features": x.shape[-1]}
    if t == "Bilinear":
        return {"in1_features": x.shape[-1], "in2_features": xs[1].shape[-1]}
    if t.startswith(("BatchNorm", "InstanceNorm", "SyncBatchNorm")):
        return {"num_features": x.shape[1]}
    if t == "GroupNorm":
        return {"num_channels": x.shape[1]}
    if t == "LayerNorm":
        return {"normalized_shape": x.shape[-1]}
    if t in ("RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"):
        return {"input_size": x.shape[-1]}
    if t == "MultiheadAttention":
        return {"embed_dim": x.shape[-1]}
    if t in ("TransformerEncoderLayer", "TransformerDecoderLayer", "Transformer"):
        return {"d_model": x.shape[-1]}
    return {}


def flat(out):
    if isinstance(out, torch.Tensor):
        return [out]
    result = []
    for o in out:
        result.extend(flat(o))
    return result


def order(arch):
    layers = list(arch["layers"])
    indeg = {l: 0 for l in layers}
    for c in arch.get("connections", {}).values():
        indeg[c["to"]["layer"]] += 1
    ready = [l for l in layers if indeg[l] == 0]
    out = []
    while ready:
        l = ready.pop(0)
        out.append(l)
        for c in arch.get("connections", {}).values():
            if c["from"]["layer"] == l:
                indeg[c["to"]["layer"]] -= 1
                if indeg[c["to"]["layer"]] == 0:
                    ready.append(c["to"]["layer"])
    return out


def apply(t, m, xs):
    if t in ("Embedding", "EmbeddingBag"):
        return m(xs[0].long())
    if t == "MultiheadAttention":
        q = xs[0]
        k = xs[1] if len(xs) > 1 else q
        v = xs[2] if len(xs) > 2 else q
        return m(q, k, v)
    return m(*xs)


def run(arch):
    modules, values, result, total = {}, {}, {}, 0
    seen = set()
    for lid in order(arch):
        layer = arch["layers"][lid]
        t = layer["type"]
        args = {k: tup(v) for k, v in layer.get("arguments", {}).items()}
        ins = sorted((c for c in arch.get("connections", {}).values() if c["to"]["layer"] == lid),
                     key=lambda c: c["to"].get("input", 0))
        xs = [values[c["from"]["layer"]][c["from"].get("output", 0)] for c in ins]
        params = 0
        if t == "Input":
            out = torch.zeros(BATCH, *args["shape"])
        elif t == "Output":
            out = xs[0]
        elif t == "Concatenate":
            out = torch.cat(xs, dim=args.get("dim", 1))
        elif t == "Add":
            out = xs[0]
            for x in xs[1:]:
                out = out + x
        elif t == "Multiply":
            out = xs[0]
            for x in xs[1:]:
                out = out * x
        elif t == "Mean":
            out = torch.stack(xs).mean(0)
        elif t == "Reshape":
            out = xs[0].reshape(xs[0].shape[0], *args["shape"])
        elif t == "Split":
            out = torch.split(xs[0], args["split_size_or_sections"], dim=args.get("dim", 1))
        elif t == "Permute":
            out = xs[0].permute(*args["dims"])
        elif t == "ReduceMean":
            out = xs[0].mean(args["dim"], keepdim=args.get("keepdim", False))
        elif t == "Expand":
            out = xs[0].expand(*[BATCH if d is None else d for d in args["shape"]])
        elif t == "Select":
            out = xs[0].select(args["dim"], args["index"])
        elif t == "Parameter":
            out = nn.Parameter(torch.zeros(*args["shape"]))
            params = out.numel()
        elif t == "Shared":
            target = arch["layers"][args["layer"]]["type"]
            out = apply(target, modules[args["layer"]], xs)
        else:
            kwargs = dict(inferred(t, xs))
            kwargs.update(args)
            m = getattr(nn, t)(**kwargs)
            m.eval()
            modules[lid] = m
            with torch.no_grad():
                out = apply(t, m, xs)
            params = sum(p.numel() for p in m.parameters())
        values[lid] = flat(out)
        total += params
        result[lid] = {"outputs": [list(v.shape) for v in values[lid]], "parameters": params}
    return {"layers": result, "parameters": total}


def main():
    with open(sys.argv[1]) as f:
        fixtures = json.load(f)
    report = {}
    for name, arch in fixtures.items():
        try:
            report[name] = run(arch)
        except Exception as e:  # reported per fixture so one bad fixture does not hide the rest
            report[name] = {"error": "%s: %s" % (type(e).__name__, e)}
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
