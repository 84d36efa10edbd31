"""Tests of deepforge.nnimport: the layer_shapes and import_model requests of the analysis process
(docs/operations.md, docs/architectures.md)."""

import json
import os
import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON_DIR = os.path.join(REPO_ROOT, "python")
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from deepforge import analysis, nnimport  # noqa: E402

from archinterp import LANGUAGE, Interpreted, flat as _flat  # noqa: E402


def request(**fields):
    """The protocol response of analysis.handle for one request; imports as the sandboxed import process answers them."""
    if fields.get("type") == "import_model":
        response = nnimport.answer(fields)
    else:
        response = analysis.handle(dict(id=1, **fields))
    json.dumps(response)  # must be JSON
    return response


def ok(**fields):
    response = request(**fields)
    assert response["ok"], response
    return response["result"]


def error(**fields):
    response = request(**fields)
    assert not response["ok"], response
    return response["error"]


def Rebuilt(arch):
    """The architecture JSON as a module built from its arguments alone (an import must recover
    every argument); inputs in the importer's order (layer ids l1, l2, ...)."""
    return Interpreted(arch, input_key=lambda lid: int(lid[1:]))


def assert_valid(arch):
    """Structural checks the Java side relies on."""
    layers, conns = arch["layers"], arch["connections"]
    assert all(k.startswith("l") for k in layers) and all(k.startswith("k") for k in conns)
    names = [l["name"] for l in layers.values() if "name" in l]
    assert len(names) == len(set(names)), "layer names are unique"
    assert all(n.isidentifier() for n in names)
    for c in conns.values():
        assert c["from"]["layer"] in layers and c["to"]["layer"] in layers
    for layer in layers.values():
        assert isinstance(layer["arguments"], dict)
        assert layer["type"] in LANGUAGE or isinstance(getattr(nn, layer["type"], None), type)
        if layer["type"] == "Shared":
            assert layers[layer["arguments"]["layer"]]["type"] not in LANGUAGE
    # every layer is reachable from an Input
    succ = {}
    for c in conns.values():
        succ.setdefault(c["from"]["layer"], []).append(c["to"]["layer"])
    seen = {lid for lid, l in layers.items() if l["type"] in ("Input", "Parameter")}
    stack = list(seen)
    while stack:
        for nxt in succ.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    assert seen == set(layers)
    json.dumps(arch)


def assert_faithful(arch, model, shapes, dtype=torch.float32):
    assert_valid(arch)
    rebuilt = Rebuilt(arch).eval()
    model = model.eval()
    xs = [torch.randn([2] + list(s)) for s in shapes]
    with torch.no_grad():
        want = _flat(model(*xs), [])
        got = _flat(rebuilt(*xs), [])
    assert [tuple(t.shape) for t in got] == [tuple(t.shape) for t in want]
    # recovered constructor arguments are exact: the same number of weights
    assert sum(p.numel() for p in rebuilt.parameters()) == sum(p.numel() for p in model.parameters())
    return rebuilt


# --------------------------------------------------------------------------------------------
# layer_shapes

def test_conv2d_shapes():
    r = ok(type="layer_shapes", layer="Conv2d",
           arguments={"in_channels": 3, "out_channels": 8, "kernel_size": 3, "stride": [2, 2]},
           inputs=[[None, 3, 32, 32]])
    assert r["outputs"] == [[None, 8, 15, 15]]
    assert r["parameters"] == 8 * 3 * 9 + 8


def test_inferred_argument():
    r = ok(type="layer_shapes", layer="Conv2d", arguments={"out_channels": 4, "kernel_size": 1},
           inputs=[[None, 6, 5, 5]])
    assert r["outputs"] == [[None, 4, 5, 5]] and r["inferred"] == {"in_channels": 6}


def test_lstm_batch_first():
    r = ok(type="layer_shapes", layer="LSTM",
           arguments={"input_size": 10, "hidden_size": 20, "num_layers": 2, "batch_first": True,
                      "bidirectional": True},
           inputs=[[None, 7, 10]])
    # output, h_n, c_n; the hidden states keep the batch in dimension 1
    assert r["outputs"] == [[None, 7, 40], [4, None, 20], [4, None, 20]]
    assert r["parameters"] == sum(p.numel() for p in nn.LSTM(10, 20, 2, batch_first=True,
                                                              bidirectional=True).parameters())


def test_multihead_attention_three_inputs():
    r = ok(type="layer_shapes", layer="MultiheadAttention",
           arguments={"embed_dim": 16, "num_heads": 4, "batch_first": True},
           inputs=[[None, 5, 16], [None, 9, 16], [None, 9, 16]])
    assert r["outputs"][0] == [None, 5, 16]
    assert r["outputs"][1] == [None, 5, 9]  # the averaged attention weights
    assert r["parameters"] == 4 * 16 * 16 + 4 * 16


def test_transformer_encoder_layer():
    r = ok(type="layer_shapes", layer="TransformerEncoderLayer",
           arguments={"d_model": 32, "nhead": 4, "dim_feedforward": 64, "batch_first": True},
           inputs=[[None, 10, 32]])
    assert r["outputs"] == [[None, 10, 32]]
    layer = nn.TransformerEncoderLayer(32, 4, 64, batch_first=True)
    assert r["parameters"] == sum(p.numel() for p in layer.parameters())


def test_big_layer_costs_no_memory():
    r = ok(type="layer_shapes", layer="Linear",
           arguments={"in_features": 200000, "out_features": 200000}, inputs=[[None, 200000]])
    assert r["outputs"] == [[None, 200000]] and r["parameters"] == 200000 * 200000 + 200000


def test_bad_arguments_are_readable():
    e = error(type="layer_shapes", layer="Conv2d",
              arguments={"in_channels": 3, "out_channels": 8, "kernel_size": 3, "colour": "red"},
              inputs=[[None, 3, 32, 32]])
    assert e.startswith("Conv2d") and "'colour'" in e and "kernel_size" in e
    e = error(type="layer_shapes", layer="Conv2d", arguments={"in_channels": 3, "out_channels": 8},
              inputs=[[None, 3, 32, 32]])
    assert e == "Conv2d: missing required argument 'kernel_size'"
    e = error(type="layer_shapes", layer="MultiheadAttention",
              arguments={"embed_dim": 16, "num_heads": 3}, inputs=[[None, 5, 16]] * 3)
    assert e == "MultiheadAttention: embed_dim must be divisible by num_heads"
    e = error(type="layer_shapes", layer="Conv2d",
              arguments={"in_channels": 4, "out_channels": 8, "kernel_size": 3},
              inputs=[[None, 3, 32, 32]])
    assert e.startswith("Conv2d: ") and "4 channels" in e and "\n" not in e
    e = error(type="layer_shapes", layer="Conv9d", arguments={}, inputs=[[None, 3]])
    assert "Conv9d" in e and "torch.nn" in e
    e = error(type="layer_shapes", layer="ReLU", arguments={}, inputs=[[None, 3], [None, 3]])
    assert e == "ReLU takes 1 input, but 2 were given"


# --------------------------------------------------------------------------------------------
# import_model

@pytest.fixture(scope="module")
def resnet18():
    torchvision = pytest.importorskip("torchvision")
    arch = ok(type="import_model", source={"torchvision": "resnet18"}, input_shape=[3, 224, 224])
    return arch, torchvision.models.resnet18(weights=None)


def test_resnet18_import(resnet18):
    arch, model = resnet18
    layers = arch["layers"]
    assert arch["name"] == "resnet18"
    modules = [l for l in layers.values() if l["type"] not in LANGUAGE or l["type"] == "Shared"]
    assert len(modules) >= 60
    ids = list(layers)
    assert ids[:3] == ["l1", "l2", "l3"]
    assert layers["l1"] == {"type": "Input", "name": "x", "arguments": {"shape": [3, 224, 224]}}
    first = layers["l2"]
    assert first["type"] == "Conv2d" and first["name"] == "conv1"
    args = first["arguments"]
    assert (args["in_channels"], args["out_channels"]) == (3, 64)
    assert args["kernel_size"] == [7, 7] and args["stride"] == [2, 2]
    assert args["padding"] == [3, 3] and args["bias"] is False
    assert layers["l6"]["name"] == "layer1_0_conv1"
    adds = [lid for lid, l in layers.items() if l["type"] == "Add"]
    assert len(adds) == 8  # one residual connection per BasicBlock
    # each Add has two inputs
    for lid in adds:
        assert sorted(c["to"]["input"] for c in arch["connections"].values()
                      if c["to"]["layer"] == lid) == [0, 1]
    # the block's ReLU module is called twice: the second call is a Shared layer
    shared = [l for l in layers.values() if l["type"] == "Shared"]
    assert len(shared) == 8
    assert all(layers[s["arguments"]["layer"]]["type"] == "ReLU" for s in shared)
    outputs = [l for l in layers.values() if l["type"] == "Output"]
    assert len(outputs) == 1 and ids[-1] != "l1"
    assert list(arch["connections"]) == ["k%d" % i for i in range(1, len(arch["connections"]) + 1)]
    flat = [l for l in layers.values() if l["type"] == "Flatten"]
    assert flat and flat[0]["arguments"] == {"start_dim": 1, "end_dim": -1}


def test_resnet18_is_faithful(resnet18):
    arch, model = resnet18
    rebuilt = assert_faithful(arch, model, [[3, 224, 224]])
    assert isinstance(rebuilt.mods["l2"], nn.Conv2d)


TWO_BRANCH = '''
import torch
import torch.nn.functional as F
from torch import nn


class TwoBranch(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.left = nn.Conv2d(3, 8, 3, padding=1)
        self.right = nn.Sequential(nn.Conv2d(3, 4, 5, padding=2), nn.BatchNorm2d(4), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.gate = nn.Conv2d(12, 12, 1)
        self.fc = nn.Linear(12 * 8 * 8, classes)

    def forward(self, image):
        a = F.relu(self.left(image))
        b = self.right(image)
        x = torch.cat([a, b], dim=1)
        x = self.pool(x)
        x = x * torch.relu(self.gate(x))
        x = x.view(x.size(0), -1)
        return self.fc(x)


def make(classes=5):
    print("building")  # must not disturb the protocol
    return TwoBranch(classes)
'''


def _load(code, factory, *args):
    namespace = {}
    exec(compile(code, "<test>", "exec"), namespace)
    return namespace[factory](*args)


def test_import_from_code_two_branches():
    arch = ok(type="import_model", source={"code": TWO_BRANCH, "factory": "make"},
              input_shape=[3, 16, 16], name="two")
    layers = arch["layers"]
    assert arch["name"] == "two"
    assert layers["l1"]["name"] == "image"
    cats = [l for l in layers.values() if l["type"] == "Concatenate"]
    assert cats == [{"type": "Concatenate", "arguments": {"dim": 1}}]
    assert [l["type"] for l in layers.values()].count("Multiply") == 1
    assert [l["type"] for l in layers.values()].count("ReLU") == 3
    reshape = [l for l in layers.values() if l["type"] == "Reshape"]
    assert reshape == [{"type": "Reshape", "arguments": {"shape": [768]}}]
    names = {l.get("name") for l in layers.values()}
    assert {"left", "right_0", "right_1", "right_2", "gate", "fc"} <= names
    # the concatenation takes the left branch as input 0, the right one as input 1
    cat_id = next(lid for lid, l in layers.items() if l["type"] == "Concatenate")
    into = {c["to"]["input"]: layers[c["from"]["layer"]] for c in arch["connections"].values()
            if c["to"]["layer"] == cat_id}
    assert into[0]["type"] == "ReLU" and into[1].get("name") == "right_2"
    assert_faithful(arch, _load(TWO_BRANCH, "make"), [[3, 16, 16]])


RECURRENT = '''
from torch import nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(6, 16)
        self.lstm = nn.LSTM(16, 32, num_layers=2, batch_first=True)
        self.attn = nn.MultiheadAttention(32, 4, batch_first=True)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32 * 9, 3)

    def forward(self, seq):
        x = self.embed(seq)
        out, (h, c) = self.lstm(x)
        y, _ = self.attn(out, out, out, need_weights=False)
        y = self.norm(y + out)
        return self.head(y.flatten(1)), h
'''


def test_import_recurrent_tuple_outputs():
    arch = ok(type="import_model", source={"code": RECURRENT, "factory": "Tagger"},
              input_shape=[9, 6])
    layers = arch["layers"]
    by_name = {l.get("name"): lid for lid, l in layers.items()}
    lstm = layers[by_name["lstm"]]
    assert lstm["type"] == "LSTM" and lstm["arguments"]["batch_first"] is True
    assert lstm["arguments"]["hidden_size"] == 32 and lstm["arguments"]["num_layers"] == 2
    assert layers[by_name["attn"]]["arguments"]["num_heads"] == 4
    outputs = sorted((l["name"], lid) for lid, l in layers.items() if l["type"] == "Output")
    assert [n for n, _ in outputs] == ["output_1", "output_2"]
    # output_2 is h, the LSTM's output 1
    feed = [c["from"] for c in arch["connections"].values() if c["to"]["layer"] == outputs[1][1]]
    assert feed == [{"layer": by_name["lstm"], "output": 1}]
    # attention takes query, key and value from LSTM output 0
    attn_in = sorted((c["to"]["input"], c["from"]["layer"], c["from"]["output"])
                     for c in arch["connections"].values() if c["to"]["layer"] == by_name["attn"])
    assert attn_in == [(i, by_name["lstm"], 0) for i in range(3)]
    assert_faithful(arch, _load(RECURRENT, "Tagger"), [[9, 6]])


UNSUPPORTED = '''
import torch
from torch import nn


class Odd(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        x = self.fc(x).permute(0, 2, 1)
        y = torch.exp(x) + 1
        return torch.sigmoid(y), self.fc.weight.sum()
'''


def test_unsupported_operations_are_listed():
    e = error(type="import_model", source={"code": UNSUPPORTED, "factory": "Odd"},
              input_shape=[3, 4])
    assert e == ("the model uses operations that have no architecture node: torch.exp, "
                 "operator.add of a constant, Tensor.sum")
    # consequences of an unsupported operation are not listed again; a weight that only an unsupported
    # operation uses is not a problem of its own; permute is a node
    assert "not a layer output" not in e and "sigmoid" not in e and "fc.weight" not in e


NEW_NODES = '''
import torch
import torch.nn.functional as F
from torch import nn


class Mixer(nn.Module):
    """What torchvision's zoo needs: densenet's torch.cat([x]), shufflenet's transpose/chunk/mean, ViT's
    class token, expand, positional embedding and x[:, 0], convnext's layer scale and LayerNorm2d."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.norm = Norm2d(8, eps=1e-6)
        self.layer_scale = nn.Parameter(torch.ones(8, 1, 1))
        self.class_token = nn.Parameter(torch.zeros(1, 1, 8))
        self.pos = nn.Parameter(torch.zeros(1, 17, 8))
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.head = nn.Linear(8 + 4, 5)

    def forward(self, x):
        n = x.shape[0]
        x = torch.cat([self.conv(x)], 1)
        x = self.layer_scale * self.norm(x)
        a, b = x.chunk(2, dim=1)
        x = torch.transpose(torch.cat([a, b], 1).view(n, 2, 4, 4, 4), 1, 2).contiguous()
        x = x.reshape(n, 8, 16)
        pooled = x.mean(-1).split([4, 4], 1)[0]
        x = x.permute(0, 2, 1)
        x = torch.cat([self.class_token.expand(n, -1, -1), x], dim=1) + self.pos
        x, _ = self.attn(x, x, x, need_weights=False)
        return self.head(torch.cat([x[:, 0], pooled], 1))


class Norm2d(nn.LayerNorm):
    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)
'''


def test_import_new_nodes():
    arch = ok(type="import_model", source={"code": NEW_NODES, "factory": "Mixer"}, input_shape=[3, 4, 4])
    layers = arch["layers"]
    types = [l["type"] for l in layers.values()]
    # the one-tensor torch.cat is the tensor itself: one Concatenate per real concatenation
    assert types.count("Concatenate") == 3
    params = {l["name"]: l["arguments"] for l in layers.values() if l["type"] == "Parameter"}
    assert params == {"layer_scale": {"shape": [8, 1, 1]}, "class_token": {"shape": [1, 1, 8]},
                      "pos": {"shape": [1, 17, 8]}}
    by_type = lambda t: [l["arguments"] for l in layers.values() if l["type"] == t]  # noqa: E731
    assert by_type("Expand") == [{"shape": [None, -1, -1]}]
    assert by_type("Select") == [{"dim": 1, "index": 0}]
    assert by_type("ReduceMean") == [{"dim": -1}]
    assert {"split_size_or_sections": 4, "dim": 1} in by_type("Split")  # the chunk
    assert {"dims": [0, 2, 1, 3, 4]} in by_type("Permute")  # the transpose
    norm = next(l for l in layers.values() if l.get("name") == "norm")
    assert norm == {"type": "LayerNorm", "name": "norm",
                    "arguments": {"normalized_shape": [8], "eps": 1e-06, "elementwise_affine": True}}
    assert_faithful(arch, _load(NEW_NODES, "Mixer"), [[3, 4, 4]])


def test_refusals_are_short_and_grouped():
    code = ("import torch\nfrom torch import nn\n"
            "class Many(nn.Module):\n"
            "    def __init__(self):\n        super().__init__()\n"
            "        self.fc = nn.Linear(4, 4)\n"
            "    def forward(self, x):\n"
            + "".join("        x = torch.%s(self.fc(x))\n" % f for f in
                      ["exp", "log1p", "erf", "erfc", "expm1", "sinh", "cosh", "asinh", "atan", "trunc",
                       "frac", "sign", "sgn", "square", "rsqrt", "reciprocal", "exp2", "lgamma", "digamma",
                       "i0"] * 3)
            + "        return x\n")
    e = error(type="import_model", source={"code": code, "factory": "Many"}, input_shape=[4])
    assert len("importing the model failed: " + e) <= 300
    assert e.startswith("the model uses operations that have no architecture node: torch.exp ×3, ")
    assert e.endswith(" more") and "weight" not in e


def test_import_errors():
    e = error(type="import_model", source={"code": TWO_BRANCH, "factory": "nope"},
              input_shape=[3, 16, 16])
    assert "'nope'" in e and "make" in e
    e = error(type="import_model", source={"code": "def f(:\n", "factory": "f"},
              input_shape=[3])
    assert "syntax error" in e and "line 1" in e
    e = error(type="import_model", source={"code": TWO_BRANCH, "factory": "make"},
              input_shape=[3, 18, 18])
    assert "[N, 3, 18, 18]" in e
    branching = ("import torch\nclass M(torch.nn.Module):\n"
                 "    def forward(self, x):\n        return x if x.sum() > 0 else -x\n")
    e = error(type="import_model", source={"code": branching, "factory": "M"}, input_shape=[3])
    assert "torch.fx" in e
    e = error(type="import_model", source={"torchvision": "resnet9000"}, input_shape=[3, 8, 8])
    assert "resnet9000" in e


# --------------------------------------------------------------------------------------------
# Through the real protocol

def test_protocol_subprocess():
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    lines = [
        {"id": "a", "type": "layer_shapes", "layer": "Conv2d",
         "arguments": {"in_channels": 3, "out_channels": 16, "kernel_size": 3},
         "inputs": [[None, 3, 32, 32]]},
        {"id": "b", "type": "import_model", "source": {"code": TWO_BRANCH, "factory": "make"},
         "input_shape": [3, 16, 16]},
        {"id": "c", "type": "layer_shapes", "layer": "Conv2d", "arguments": {},
         "inputs": [[None, 3, 32, 32]]},
        {"id": "d", "type": "ping"},
    ]
    proc = subprocess.run([sys.executable, "-u", "-m", "deepforge.analysis"],
                          input="".join(json.dumps(x) + "\n" for x in lines), text=True,
                          capture_output=True, env=env, cwd=REPO_ROOT, timeout=120)
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in out] == ["a", "b", "c", "d"], proc.stdout + proc.stderr
    assert out[0] == {"id": "a", "ok": True,
                      "result": {"outputs": [[None, 16, 30, 30]], "parameters": 448}}
    # the shared analysis process never runs users' code: imports run in a process of their own
    assert not out[1]["ok"] and "sandboxed process of its own" in out[1]["error"]
    assert not out[2]["ok"] and out[2]["error"].startswith("Conv2d: missing required argument")
    assert out[3]["ok"]


def test_import_process_answers_one_request_on_stdout():
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    request = {"type": "import_model", "source": {"code": TWO_BRANCH, "factory": "make"}, "input_shape": [3, 16, 16]}
    proc = subprocess.run([sys.executable, "-u", "-m", "deepforge.nnimport", "--memory", str(4 << 30)],
                          input=json.dumps(request), text=True, capture_output=True, env=env, cwd=REPO_ROOT, timeout=120)
    out = json.loads(proc.stdout)
    assert out["ok"] and out["result"]["name"] == "make", proc.stdout + proc.stderr
    assert_valid(out["result"])
    assert "building" in proc.stderr  # the user's print went to stderr, not into the answer
    request["source"] = {"code": "def make():\n    return bytearray(8 << 30)\n", "factory": "make"}
    proc = subprocess.run([sys.executable, "-u", "-m", "deepforge.nnimport", "--memory", str(2 << 30)],
                          input=json.dumps(request), text=True, capture_output=True, env=env, cwd=REPO_ROOT, timeout=120)
    out = json.loads(proc.stdout)
    assert not out["ok"] and "MemoryError" in out["error"]


def test_analysis_imports_without_torch():
    code = ("import sys; sys.modules['torch'] = None\n"
            "from deepforge import analysis\n"
            "r = analysis.handle({'id': 1, 'type': 'layer_shapes', 'layer': 'ReLU', 'inputs': []})\n"
            "assert not r['ok'] and 'PyTorch is not available' in r['error'], r\n"
            "assert 'torch' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
            "print('fine')\n")
    proc = subprocess.run([sys.executable, "-c", code], text=True, capture_output=True,
                          env=dict(os.environ, PYTHONPATH=PYTHON_DIR), timeout=60)
    assert proc.stdout.strip() == "fine", proc.stderr
