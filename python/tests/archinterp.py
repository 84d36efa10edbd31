"""A small interpreter of the architecture JSON (docs/architectures.md), shared by the tests that
check an architecture against real torch: the example projects (test_examples) and imports of
nn.Module classes (test_nnimport)."""
import inspect

import torch
from torch import nn

LANGUAGE = {"Input", "Output", "Concatenate", "Add", "Multiply", "Mean", "Reshape", "Split", "Shared",
            "Permute", "ReduceMean", "Expand", "Select", "Parameter"}


def tuples(value):
    """JSON lists as the tuples torch constructors expect."""
    if isinstance(value, list):
        return tuple(tuples(v) for v in value)
    return value


def flat(value, out):
    """The tensors of a nested output, in order, appended to out."""
    if isinstance(value, torch.Tensor):
        out.append(value)
    elif isinstance(value, (tuple, list)):
        for v in value:
            flat(v, out)
    return out


class Interpreted(nn.Module):
    """Runs the architecture's layers in topological order along its connections.

    With infer=True, arguments left out (in_channels, num_features, in_features) are filled in by
    running a zeros tensor of each Input's shape through the layers; otherwise every layer is built
    from its arguments alone. Inputs are ordered by input_key (default: the Input's name)."""

    def __init__(self, arch, infer=False, input_key=None):
        super().__init__()
        layers = self.layers = arch["layers"]
        self.sources = {lid: {} for lid in layers}
        successors = {lid: [] for lid in layers}
        for c in arch["connections"].values():
            frm, to = c["from"], c["to"]
            assert to["layer"] in layers and frm["layer"] in layers, f"unknown layer in {c}"
            key = to.get("input", 0)
            assert key not in self.sources[to["layer"]], "an input with two connections"
            self.sources[to["layer"]][key] = (frm["layer"], frm.get("output", 0))
            successors[frm["layer"]].append(to["layer"])
        # topological order (Kahn); every layer must be placed (no cycles)
        indegree = {lid: len(s) for lid, s in self.sources.items()}
        ready = sorted(lid for lid, d in indegree.items() if d == 0)
        self.order = []
        while ready:
            lid = ready.pop(0)
            self.order.append(lid)
            for nxt in successors[lid]:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    ready.append(nxt)
        assert len(self.order) == len(layers), "a cycle"
        by_name = lambda lid: layers[lid].get("name", lid)  # noqa: E731
        self.inputs = sorted((lid for lid in layers if layers[lid]["type"] == "Input"),
                             key=input_key or by_name)
        self.outputs = sorted((lid for lid in layers if layers[lid]["type"] == "Output"), key=by_name)
        self.mods = nn.ModuleDict()
        self.params = nn.ParameterDict()
        for lid, layer in layers.items():
            if layer["type"] == "Parameter":
                self.params[lid] = nn.Parameter(torch.zeros(*layer["arguments"]["shape"]))
        if infer:
            with torch.no_grad():
                self._run([torch.zeros(2, *layers[lid]["arguments"]["shape"]) for lid in self.inputs],
                          build=True)
        else:
            for lid, layer in layers.items():
                if layer["type"] not in LANGUAGE:
                    self.mods[lid] = self._make(lid, None)

    def _make(self, lid, x):
        layer = self.layers[lid]
        cls = getattr(nn, layer["type"])
        args = {k: tuples(v) for k, v in layer["arguments"].items()}
        if x is not None:
            params = inspect.signature(cls.__init__).parameters
            for name, value in (("in_channels", lambda: x.shape[1]),
                                ("num_features", lambda: x.shape[1]),
                                ("in_features", lambda: x.shape[-1])):
                if name in params and name not in args:
                    args[name] = int(value())
        return cls(**args)

    def _run(self, xs, build=False):
        values, results = {}, {}
        for lid in self.order:
            layer = self.layers[lid]
            typ, args = layer["type"], layer["arguments"]
            src = self.sources[lid]
            assert sorted(src) == list(range(len(src))), f"{lid}: inputs must be 0..n-1"
            ins = [values[src[i][0]][src[i][1]] for i in sorted(src)]
            if typ == "Input":
                out = [xs[self.inputs.index(lid)]]
                assert list(out[0].shape[1:]) == list(args["shape"])
            elif typ == "Output":
                results[lid] = ins[0]
                out = []
            elif typ == "Add":
                out = [ins[0] + ins[1]]
            elif typ == "Multiply":
                out = [ins[0] * ins[1]]
            elif typ == "Concatenate":
                out = [torch.cat(ins, dim=args.get("dim", 1))]
            elif typ == "Reshape":
                out = [ins[0].reshape(ins[0].shape[0], *args["shape"])]
            elif typ == "Mean":
                out = [torch.stack(ins).mean(0)]
            elif typ == "Split":
                out = list(torch.split(ins[0], args["split_size_or_sections"], dim=args.get("dim", 1)))
            elif typ == "Permute":
                out = [ins[0].permute(*args["dims"])]
            elif typ == "ReduceMean":
                out = [ins[0].mean(args["dim"], keepdim=args.get("keepdim", False))]
            elif typ == "Expand":
                out = [ins[0].expand(*[xs[0].shape[0] if d is None else d for d in args["shape"]])]
            elif typ == "Select":
                out = [ins[0].select(args["dim"], args["index"])]
            elif typ == "Parameter":
                out = [self.params[lid]]
            elif typ == "Shared":
                out = flat(self.mods[args["layer"]](*ins), [])
            else:
                assert typ not in LANGUAGE, f"{typ} not handled"
                if build:
                    self.mods[lid] = self._make(lid, ins[0])
                out = flat(self.mods[lid](*ins), [])
            values[lid] = out
        self.values = values  # every layer's outputs of the last run
        outs = [results[lid] for lid in self.outputs]
        return outs[0] if len(outs) == 1 else tuple(outs)

    def forward(self, *xs):
        return self._run(list(xs))
